import type { UserRow } from '../dto.js';
import type { AuditEventRow } from '../services/audit-log.js';
import type { NewSession } from '../services/session-store.js';
import type { UnitOfWork } from './unit-of-work.js';
import { USER_COLUMNS } from './user-reads.js';

// A password sign-in as plain SQL: the account read, and for the common case (the hash verified is
// still the user's, no second factor, no rehash) the whole write in one statement. A sign-in spends
// ~150 ms of a core hashing; what else it costs the server competes with the hashing, so it should
// be little: two round trips instead of ten, and no entity or unit of work.

/** The active user with this (normalised) email: their id and password hash, nothing else. */
export async function accountByEmail(
  db: UnitOfWork,
  email: string,
): Promise<{ id: string; passwordHash: string | null } | null> {
  const [row] = await db.sql<{ id: string; password_hash: string | null }>(
    `select u.id, u.password_hash from "user" u where u.email = ? and u.deleted_at is null`,
    [email],
  );
  return row ? { id: row.id, passwordHash: row.password_hash } : null;
}

/** The audit event of the sign-in, as AuditLog.eventRow makes it (action and target are fixed). */
export type SignInEvent = Pick<AuditEventRow, 'id' | 'ip' | 'metadata' | 'createdAt'>;

/**
 * In one statement (so in one transaction), under the user's row lock: when their password hash is
 * still `verifiedHash` and they have no second factor, inserts the session and the `auth.login`
 * event and records the sign-in time, and returns the user as they are now. Otherwise writes
 * nothing and returns null (the caller then takes the general path, which sorts out why).
 */
export async function startSessionIfUnchanged(
  db: UnitOfWork,
  input: { verifiedHash: string; session: NewSession['row']; event: SignInEvent },
): Promise<UserRow | null> {
  const { session, event } = input;
  // The lock re-reads the row as last committed (a concurrent password change or enrolment
  // waits for us or wins); `mfa_enabled` is set in the same transaction as any factor, and the
  // factor tables are checked too, as the general path does.
  const [row] = await db.sql<UserRow>(
    `with locked as (
       select u.id, u.password_hash, u.mfa_enabled from "user" u
        where u.id = ? and u.deleted_at is null for update),
     ok as (
       select l.id from locked l
        where l.password_hash = ? and not l.mfa_enabled
          and not exists (select 1 from "totp_factor" t where t.user_id = l.id and t.confirmed_at is not null)
          and not exists (select 1 from "passkey" k where k.user_id = l.id)),
     s as (
       insert into "session" (id, user_id, token_hash, expires_at, created_at, last_seen_at, ip, user_agent, mfa_verified_at)
       select ?, ok.id, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?, ?, null from ok),
     a as (
       insert into "audit_event" (id, action, actor_id, target_type, target_id, ip, metadata, created_at)
       select ?, 'auth.login', ok.id, 'user', ok.id, ?, ?::jsonb, ?::timestamptz from ok)
     update "user" u set last_login_at = ?::timestamptz from ok where u.id = ok.id
     returning ${USER_COLUMNS}`,
    [
      session.userId,
      input.verifiedHash,
      session.id,
      session.tokenHash,
      session.expiresAt,
      session.createdAt,
      session.lastSeenAt,
      session.ip,
      session.userAgent,
      event.id,
      event.ip,
      event.metadata === null ? null : JSON.stringify(event.metadata),
      event.createdAt,
      session.createdAt,
    ],
  );
  return row ?? null;
}
