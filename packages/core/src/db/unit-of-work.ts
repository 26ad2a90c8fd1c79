import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from './orm.js';

/**
 * The one way services reach the database. Every use-case takes a fresh EntityManager (its own
 * identity map and unit of work, never shared with a concurrent call) and writes inside one
 * transaction. `sql` sends a plain parameterised statement beside the ORM, for hot reads that need
 * no entity (values travel as bind parameters, and each statement is prepared once per connection).
 */
export interface UnitOfWork {
  /** A fresh EntityManager for a use-case's reads (and any transaction it opens from them). */
  read(): EntityManager;
  /** Runs `work` in one transaction on a fresh EntityManager: all of it commits, or none. */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T>;
  /**
   * A parameterised statement (`?` placeholders, none inside literals) outside any unit of work, run
   * as a named prepared statement; returns its rows. Timestamps come back as text.
   */
  sql<T>(text: string, values?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs `work` in one transaction on one pooled connection, its statements sent as `sql` sends
   * them (prepared, values bound, no entities): for a hot write of a few fixed statements. All of
   * it commits, or none.
   */
  sqlTransaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

/** A parameterised statement on the transaction's connection (see UnitOfWork.sql). */
export type Sql = <T>(text: string, values?: readonly unknown[]) => Promise<T[]>;

/** What we use of knex's client: its pool, which hands out pg connections. */
interface PooledClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}
interface PgConnection {
  query(statement: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
  /** Set by knex when the connection errs or ends; the pool then destroys it instead of lending it. */
  __knex__disposed?: unknown;
}

export function createUnitOfWork(orm: Orm): UnitOfWork {
  // Every distinct statement text becomes a named prepared statement: PostgreSQL parses and plans
  // it once per connection, not on every call. The texts are the code's own (values are always
  // bound), so the set is small and fixed. The name is derived from the text, so that every unit
  // of work sharing a pool (pg refuses one name for two texts on a connection) agrees on it.
  const statements = new Map<string, { name: string; text: string }>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      let position = 0;
      statement = {
        name: `gatehouse_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`,
        text: text.replace(/\?/g, () => `$${++position}`),
      };
      statements.set(text, statement);
    }
    return statement;
  };
  // Straight to a pooled pg connection (the ORM's pool): no query builder on the hot path.
  const pool = () => orm.em.getConnection().getKnex().client as unknown as PooledClient;
  const on =
    (connection: PgConnection): Sql =>
    async <T>(text: string, values: readonly unknown[] = []) =>
      (await connection.query({ ...prepared(text), values })).rows as T[];
  return {
    read: () => orm.em.fork(),
    transaction: (work) => orm.em.fork().transactional(work),
    async sql<T>(text: string, values: readonly unknown[] = []) {
      const client = pool();
      const connection = await client.acquireConnection();
      try {
        return await on(connection)<T>(text, values);
      } finally {
        await client.releaseConnection(connection);
      }
    },
    async sqlTransaction<T>(work: (sql: Sql) => Promise<T>) {
      const client = pool();
      const connection = await client.acquireConnection();
      const run = on(connection);
      // A failed statement aborts the transaction, and PostgreSQL answers a later COMMIT with a
      // rollback, not an error: so a work that caught such a failure must not look committed.
      let failed: { error: unknown } | undefined;
      const sql: Sql = <R>(text: string, values?: readonly unknown[]) =>
        run<R>(text, values).catch((error: unknown) => {
          failed ??= { error };
          throw error;
        });
      try {
        await run('begin');
        const result = await work(sql);
        if (failed) throw failed.error;
        await run('commit');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is broken: close it (the server then ends its
        // transaction and releases its locks) and never lend it out again.
        await run('rollback').catch((rollbackError: unknown) => {
          connection.__knex__disposed = rollbackError;
          void connection.end().catch(() => {});
        });
        throw error;
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}
