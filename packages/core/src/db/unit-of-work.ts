import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from './orm.js';

/**
 * The one way services reach the database. Every use-case takes a fresh EntityManager (its own
 * identity map and unit of work, never shared with a concurrent call) and writes inside one
 * transaction. `sql` sends a plain parameterised statement beside the ORM, for hot reads that need
 * no entity (values travel as bind parameters, so PostgreSQL can reuse its plans).
 */
export interface UnitOfWork {
  /** A fresh EntityManager for a use-case's reads (and any transaction it opens from them). */
  read(): EntityManager;
  /** Runs `work` in one transaction on a fresh EntityManager: all of it commits, or none. */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T>;
  /** A parameterised statement (`?` placeholders) outside any unit of work; returns its rows. */
  sql<T>(text: string, values?: readonly unknown[]): Promise<T[]>;
}

export function createUnitOfWork(orm: Orm): UnitOfWork {
  return {
    read: () => orm.em.fork(),
    transaction: (work) => orm.em.fork().transactional(work),
    async sql<T>(text: string, values: readonly unknown[] = []) {
      const knex = orm.em.getConnection().getKnex();
      const result = await knex.raw(text, values as Parameters<typeof knex.raw>[1]);
      return (result as { rows: T[] }).rows;
    },
  };
}
