import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
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
      // Applying migrations must never rewrite the committed snapshot (it would when run from the
      // source tree, as tests do); only `pnpm migration:create` updates it (mikro-orm.config.ts).
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      silent: true,
    },
    // A call waits at most 5 s for a free connection (knex's default is 60 s): when every connection
    // is held (slow queries, a lock) or the database is unreachable, callers get a prompt 503
    // (DB_UNAVAILABLE) instead of piling up.
    pool: { min: 0, max: 20, acquireTimeoutMillis: 5_000 },
    // Identity maps are per request/use-case; forking is explicit.
    allowGlobalContext: false,
    debug: false,
    ...overrides,
  };
}

/** Connects to PostgreSQL. Does not touch the schema (see migrations-api.ts). */
export async function connectOrm(clientUrl: string, overrides: Partial<Options> = {}): Promise<Orm> {
  return MikroORM.init(ormOptions(clientUrl, overrides));
}
