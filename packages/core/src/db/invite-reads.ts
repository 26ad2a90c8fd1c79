import { type InviteDto, type InviteFields, toInviteDto } from '../dto.js';
import type { InviteStatus } from '../invite-status.js';
import { keysetPage, type ListPageQuery, searchPage, totalOf } from './list-totals.js';
import type { UnitOfWork } from './unit-of-work.js';

// The invite list as plain SQL with bound parameters: the DTO's columns only (never the token hash).

export const INVITE_COLUMNS = `i.id, i.user_email as "userEmail", i.role, i.accepted, i.expires_at as "expiresAt",
  i.accepted_at as "acceptedAt", i.invited_by as "invitedBy", i.revoked_at as "revokedAt",
  i.created_at as "createdAt", i.updated_at as "updatedAt"`;

/** Status is derived at query time from the columns (see inviteStatus in dto.ts). */
const STATUS_CONDITION: Record<InviteStatus, string> = {
  accepted: 'i.accepted',
  revoked: 'not i.accepted and i.revoked_at is not null',
  expired: 'not i.accepted and i.revoked_at is null and i.expires_at <= ?',
  pending: 'not i.accepted and i.revoked_at is null and i.expires_at > ?',
};

export interface InviteListQuery {
  status: InviteStatus | undefined;
  /** ILIKE pattern (already escaped) on the email. */
  pattern: string | undefined;
  before: string | undefined;
  limit: number;
  now: Date;
}

type DateKey = 'expiresAt' | 'acceptedAt' | 'revokedAt' | 'createdAt' | 'updatedAt';
const DATE_KEYS: DateKey[] = ['expiresAt', 'acceptedAt', 'revokedAt', 'createdAt', 'updatedAt'];

/** The driver hands timestamps over as text (MikroORM parses them itself): make them Dates. */
export function withDates(row: InviteFields): InviteFields {
  const copy = { ...row };
  for (const key of DATE_KEYS) {
    const value = copy[key] as Date | string | null | undefined;
    if (typeof value === 'string') (copy as Record<DateKey, Date | null>)[key] = new Date(value);
  }
  return copy;
}

/**
 * The exact number of invites of a status, without counting rows where counts are kept: all,
 * accepted and revoked come from invite_count, open ones by hour of expiry from invite_open_expiry
 * (triggers keep both). Pending = the hours after the current one, plus an exact count of the open
 * invites that expire within the current hour (a short range of the partial index of open
 * invites); expired = the open rest.
 */
async function exactTotal(db: UnitOfWork, status: InviteStatus | undefined, now: Date): Promise<number> {
  if (status !== 'pending' && status !== 'expired') {
    const [kept] = await db.sql<{ n: string }>('select n::text from "invite_count" where kind = ?', [
      status ?? 'all',
    ]);
    return Number(kept?.n ?? 0);
  }
  // One statement, so the open total and the pending count come from the same snapshot.
  const [row] = await db.sql<{ open: string; pending: string }>(
    `with h as (select date_trunc('hour', ?::timestamptz at time zone 'UTC') as hour)
     select (select coalesce(sum(case when c.kind = 'all' then c.n else -c.n end), 0)
               from "invite_count" c where c.kind in ('all', 'accepted', 'revoked'))::text as open,
            ((select coalesce(sum(e.n), 0) from "invite_open_expiry" e, h where e.hour > h.hour)
           + (select count(*) from "invite" i, h
               where ${STATUS_CONDITION.pending}
                 and i.expires_at < (h.hour + interval '1 hour') at time zone 'UTC'))::text as pending`,
    [now, now],
  );
  const pending = Number(row?.pending ?? 0);
  return status === 'pending' ? pending : Number(row?.open ?? 0) - pending;
}

/** One page, newest first, and the total (a search's total stops at TOTAL_CAP: totalCapped). */
export async function listInvites(
  db: UnitOfWork,
  query: InviteListQuery,
): Promise<{ rows: InviteDto[]; total: number; totalCapped: boolean }> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (query.status) {
    conditions.push(STATUS_CONDITION[query.status]);
    if (query.status === 'expired' || query.status === 'pending') values.push(query.now);
  }
  if (query.pattern) {
    conditions.push('i.user_email ilike ?');
    values.push(query.pattern);
  }
  const filter = conditions.length > 0 ? conditions.join(' and ') : 'true';
  const page: ListPageQuery = {
    from: '"invite" i',
    id: 'i.id',
    columns: INVITE_COLUMNS,
    filter,
    values,
    before: query.before,
    limit: query.limit + 1,
  };
  if (query.pattern) {
    const found = await searchPage<InviteFields>(db, page);
    const rows = found.rows ?? (await keysetPage<InviteFields>(db, page));
    return {
      rows: rows.map((row) => toInviteDto(withDates(row), query.now)),
      ...totalOf(found.count, true),
    };
  }
  const [rows, total] = await Promise.all([
    keysetPage<InviteFields>(db, page),
    exactTotal(db, query.status, query.now),
  ]);
  return {
    rows: rows.map((row) => toInviteDto(withDates(row), query.now)),
    ...totalOf(total, false),
  };
}
