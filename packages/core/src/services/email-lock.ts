import type { EntityManager } from '@mikro-orm/postgresql';

/** The advisory lock's key for an email (also taken by plain-SQL writes, see db/invite-writes.ts). */
export const emailLockKey = (email: string): string => `gatehouse:email:${email}`;

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
      [emailLockKey(email)],
      'all',
      em.getTransactionContext(),
    );
}
