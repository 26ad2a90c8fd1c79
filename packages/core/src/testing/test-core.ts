import type { Clock } from '../clock.js';
import { type GatehouseConfig, loadConfig } from '../config.js';
import { type Core, type CreateCoreOptions, createCore } from '../core.js';
import { connectOrm, type Orm } from '../db/orm.js';

/** Config for tests: cheap scrypt (logN 10) and nothing read from the real environment. */
export function testConfig(overrides: Record<string, string> = {}): GatehouseConfig {
  return loadConfig({
    NODE_ENV: 'test',
    PASSWORD_HASH_LOGN: '10',
    PUBLIC_URL: 'http://gatehouse.test',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/** A core on `databaseUrl` (already migrated), with the given ports. Close it in afterAll. */
export async function createTestCore(
  databaseUrl: string,
  options: Omit<CreateCoreOptions, 'orm' | 'databaseUrl'> & {
    clock?: Clock;
    env?: Record<string, string>;
  } = {},
): Promise<Core> {
  const orm = await connectOrm(databaseUrl);
  const { env, ...rest } = options;
  const core = await createCore({
    config: testConfig(env),
    migrate: false,
    onWarning: () => {},
    ...rest,
    orm,
  });
  return {
    ...core,
    async close() {
      await core.close();
      await orm.close();
    },
  };
}

const TABLES = ['audit_event', 'password_reset', 'session', 'invite', 'user'];

/** Empties every table of the domain (not the migrations table). */
export async function truncateAll(orm: Orm): Promise<void> {
  await orm.em
    .fork()
    .getConnection()
    .execute(`truncate table ${TABLES.map((table) => `"${table}"`).join(', ')} cascade`);
}
