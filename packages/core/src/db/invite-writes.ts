import type { InviteFields } from '../dto.js';
import { DomainError } from '../errors.js';
import type { Role } from '../roles.js';
import type { AuditEventRow } from '../services/audit-log.js';
import { emailLockKey } from '../services/email-lock.js';
import { INVITE_COLUMNS, withDates } from './invite-reads.js';
import type { UnitOfWork } from './unit-of-work.js';

// Issuing an invite as plain SQL: three statements in one transaction, no entity or unit of work.
// It is the hot write of the back office (every invite, every row of a CSV import): through the ORM
// it cost ~3.4 ms of CPU a call here, most of it building entities, change sets and query text.

export interface InviteToIssue {
  /** Normalised. */
  email: string;
  role: Role;
  tokenHash: string;
  expiresAt: Date;
  invitedBy: string | null;
  now: Date;
  /** A fresh invite's id (unused when an open invite is renewed). */
  newId: string;
  /** The `invite.created` audit event, for the invite's id and whether it was renewed. */
  event: (inviteId: string, reused: boolean) => AuditEventRow;
}

/**
 * Under the email's lock: EMAIL_TAKEN when a user has the email; otherwise the open invite for it is
 * renewed (new token, expiry and role, and the inviter when one is known: its old link dies) or a new one is inserted, with
 * its audit event in the same statement.
 */
export async function issueInvite(
  db: UnitOfWork,
  input: InviteToIssue,
): Promise<{ invite: InviteFields; reused: boolean }> {
  return db.sqlTransaction(async (sql) => {
    await sql('select pg_advisory_xact_lock(hashtext(?))', [emailLockKey(input.email)]);
    const [state] = await sql<{ taken: boolean; open_id: string | null }>(
      `select exists(select 1 from "user" u where u.email = ? and u.deleted_at is null) as taken,
              (select i.id from "invite" i
                where i.user_email = ? and not i.accepted and i.revoked_at is null
                limit 1 for update) as open_id`,
      [input.email, input.email],
    );
    if (state?.taken) throw new DomainError('EMAIL_TAKEN', 'A user with this email already exists');
    const reused = Boolean(state?.open_id);
    const event = input.event(state?.open_id ?? input.newId, reused);
    const write = state?.open_id
      ? {
          text: `update "invite" i set token = ?, expires_at = ?::timestamptz, updated_at = ?::timestamptz,
                        role = ?, invited_by = coalesce(?, i.invited_by)
                  where i.id = ? returning ${INVITE_COLUMNS}`,
          values: [input.tokenHash, input.expiresAt, input.now, input.role, input.invitedBy, state.open_id],
        }
      : {
          text: `insert into "invite" as i
                   (id, user_email, role, accepted, token, expires_at, invited_by, created_at, updated_at)
                 values (?, ?, ?, false, ?, ?::timestamptz, ?, ?::timestamptz, ?::timestamptz)
                 returning ${INVITE_COLUMNS}`,
          values: [
            input.newId,
            input.email,
            input.role,
            input.tokenHash,
            input.expiresAt,
            input.invitedBy,
            input.now,
            input.now,
          ],
        };
    const [row] = await sql<InviteFields>(
      `with issued as (${write.text}),
            a as (insert into "audit_event" (id, action, actor_id, target_type, target_id, ip, metadata, created_at)
                  select ?, ?, ?, ?, issued.id, ?, ?::jsonb, ?::timestamptz from issued)
       select * from issued`,
      [
        ...write.values,
        event.id,
        event.action,
        event.actorId,
        event.targetType,
        event.ip,
        event.metadata === null ? null : JSON.stringify(event.metadata),
        event.createdAt,
      ],
    );
    if (!row) throw new Error('issuing an invite wrote no row');
    return { invite: withDates(row), reused };
  });
}
