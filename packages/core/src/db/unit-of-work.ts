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
}

/** What we use of knex's client: its pool, which hands out pg connections. */
interface PooledClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}
interface PgConnection {
  query(statement: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[] }>;
}

export function createUnitOfWork(orm: Orm): UnitOfWork {
  // Every distinct statement text becomes a named prepared statement: PostgreSQL parses and plans
  // it once per connection, not on every call. The texts are the code's own (values are always
  // bound), so the set is small and fixed.
  const statements = new Map<string, { name: string; text: string }>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      let position = 0;
      statement = {
        name: `gatehouse_${statements.size + 1}`,
        text: text.replace(/\?/g, () => `$${++position}`),
      };
      statements.set(text, statement);
    }
    return statement;
  };
  return {
    read: () => orm.em.fork(),
    transaction: (work) => orm.em.fork().transactional(work),
    async sql<T>(text: string, values: readonly unknown[] = []) {
      // Straight to a pooled pg connection (the ORM's pool): no query builder on the hot path.
      const client = orm.em.getConnection().getKnex().client as unknown as PooledClient;
      const connection = await client.acquireConnection();
      try {
        const result = await connection.query({ ...prepared(text), values });
        return result.rows as T[];
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}
