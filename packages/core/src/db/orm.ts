import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options, PostgreSqlDriver, RequestContext } from '@mikro-orm/postgresql';
import { entities } from '../entities/index.js';
import { migrationsList } from './migrations/index.js';

export type Orm = MikroORM;

/** MikroORM options for Gatehouse; shared by the runtime, the tests and the migration CLI. */
export function ormOptions(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl,
    entities,
    extensions: [Migrator],
    // Entities are schemas (defineEntity), not classes: nothing to discover from the file system.
    discovery: { warnWhenNoEntities: true },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList,
      path: 'src/db/migrations',
      pathTs: 'src/db/migrations',
      snapshotName: '.snapshot-gatehouse',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      silent: true,
    },
    pool: { min: 0, max: 20 },
    // Identity maps are per request/use-case; forking is explicit.
    allowGlobalContext: false,
    debug: false,
    ...overrides,
  };
}

/** Connects to PostgreSQL. Does not touch the schema: call `migrate` for that. */
export async function connectOrm(clientUrl: string, overrides: Partial<Options> = {}): Promise<Orm> {
  return MikroORM.init(ormOptions(clientUrl, overrides));
}

/** Applies every committed migration that has not run yet. Never generates or syncs schema. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}

/** Lists migrations that are committed but not applied. */
export async function pendingMigrations(orm: Orm): Promise<string[]> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.map((migration) => migration.name);
}

/**
 * Runs `fn` with its own forked EntityManager as the ambient context, so concurrent calls (e.g. the
 * procedures of one batched HTTP request) never share an identity map or unit of work.
 */
export function withForkedContext<T>(orm: Orm, fn: () => Promise<T>): Promise<T> {
  return RequestContext.create(orm.em.fork(), fn);
}
