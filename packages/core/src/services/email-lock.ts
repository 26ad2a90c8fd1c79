import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Serialises, until the transaction ends, every use-case that decides what an email is (a user, an
 * open invite): creating a user, creating/resending/accepting an invite. Without it, an invite
 * could be issued for an email that became a user a moment earlier.
 */
export async function lockEmail(em: EntityManager, email: string): Promise<void> {
  await em
    .getConnection()
    .execute(
      'select pg_advisory_xact_lock(hashtext(?))',
      [`gatehouse:email:${email}`],
      'all',
      em.getTransactionContext(),
    );
}
