import type { Clock } from '../clock.js';
import { type GatehouseConfig, loadConfig } from '../config.js';
import { type Core, type CreateCoreOptions, createCore, internalsOf } from '../core.js';

/** Config for tests: cheap scrypt (logN 10) and nothing read from the real environment. */
export function testConfig(overrides: Record<string, string> = {}): GatehouseConfig {
  return loadConfig({
    NODE_ENV: 'test',
    PASSWORD_HASH_LOGN: '10',
    PUBLIC_URL: 'http://gatehouse.test',
    // A fixed key (tests never write a key file); any 32 bytes do.
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/** A core on `databaseUrl` (already migrated), with the given ports. Close it in afterAll. */
export async function createTestCore(
  databaseUrl: string,
  options: Omit<CreateCoreOptions, 'config' | 'databaseUrl'> & {
    clock?: Clock;
    env?: Record<string, string>;
  } = {},
): Promise<Core> {
  const { env, ...rest } = options;
  return createCore({
    config: testConfig(env),
    migrate: false,
    onWarning: () => {},
    ...rest,
    databaseUrl,
  });
}

const TABLES = [
  'audit_event',
  'password_reset',
  'session',
  'invite',
  'webauthn_challenge',
  'mfa_challenge',
  'recovery_code',
  'passkey',
  'totp_factor',
  'user',
];

/**
 * Empties every table of the domain (not the migrations table) and forgets the in-process rate
 * limit counts, so each test starts from nothing.
 */
export async function truncateAll(core: Core): Promise<void> {
  internalsOf(core).limits.clearMemory();
  await sql(core, `truncate table ${TABLES.map((table) => `"${table}"`).join(', ')} cascade`);
  // Truncation fires no row trigger: the counts kept beside the tables start from zero too.
  await sql(core, 'update "user_count" set "active" = 0');
  await sql(core, 'update "invite_count" set "n" = 0');
  await sql(core, 'delete from "invite_open_expiry"');
  await sql(core, 'delete from "user_email_domain"');
}

/** Raw SQL on the core's database, outside any service (to check what is really stored). */
export async function sql<T = Record<string, unknown>>(
  core: Core,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return internalsOf(core).orm.em.fork().getConnection().execute<T[]>(query, params);
}

/**
 * Opens `count` pooled connections at once (each held in a transaction until all are open), so a
 * race that follows really runs in parallel instead of queueing behind slow connection set-up.
 * A barrier, not a sleep: it waits only for the connections themselves.
 */
export async function warmPool(core: Core, count = 20): Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  await Promise.all(
    Array.from({ length: count }, () =>
      internalsOf(core)
        .orm.em.fork()
        .transactional(async (em) => {
          await em.execute('select 1');
          arrived += 1;
          if (arrived === count) release();
          await allArrived;
        }),
    ),
  );
}
