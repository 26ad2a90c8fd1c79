import { type UserDto, type UserRow, userDtoFromRow } from '../dto.js';
import { escapeLike, likeContains } from '../pagination.js';
import type { Role } from '../roles.js';
import { keysetPage, type ListPageQuery, searchPage, totalOf } from './list-totals.js';
import type { UnitOfWork } from './unit-of-work.js';

// The hot reads of users, as plain SQL with bound parameters beside the ORM: no entity, no unit of
// work, and only the columns a DTO shows (never a password or token hash).

/** What a UserDto needs, and no more. */
export const USER_COLUMNS = `u.id, u.email, u.first_name, u.last_name, u.role, u.password_hash is not null as has_password,
  u.api_token_prefix, u.metadata, u.created_at, u.updated_at, u.last_login_at, u.mfa_enabled`;

/**
 * The searchable fields as one text, joined by chr(31), which a search cannot contain: what `q`
 * matches, case-insensitively. The exact condition (keysetPage walks with it past TOTAL_CAP).
 */
const SEARCH_TEXT = `u.email || chr(31) || coalesce(u.first_name, '') || chr(31) || coalesce(u.last_name, '')`;

/**
 * The email's local part and the names: the exact expression of the trigram index user_search_trgm
 * (migration 20261202190000). Domains are searched apart (user_email_domain), as many users share
 * one: in a trigram index their trigrams have posting lists as long as the table.
 */
const LOCAL_AND_NAMES = `split_part(u.email, '@', 1) || chr(31) || coalesce(u.first_name, '') || chr(31) || coalesce(u.last_name, '')`;

/**
 * The ids of the users whose SEARCH_TEXT contains `q`, through indexes only. Emails hold exactly
 * one '@' (emailSchema), and no field holds chr(31), so:
 * - without '@', `q` lies in the domain or in the rest: the users of the matching domains
 *   (index-only, by user_email_domain_index), and those whose local part or names match but not
 *   their domain (no one twice);
 * - with '@' and something after it, the domain starts with that something: the users of those
 *   domains, rechecked on the whole email;
 * - ending in '@', the local part ends with the rest: it is followed by the first separator.
 */
function searchMatches(q: string, active: string, activeValues: unknown[]) {
  const at = q.indexOf('@');
  if (at === -1) {
    const pattern = likeContains(q);
    return {
      sql: `with d as materialized (select domain from "user_email_domain" where domain ilike ?)
            (select x.id from d cross join lateral
               (select u.id from "user" u where u.email_domain = d.domain and ${active}) x)
            union all
            (select u.id from "user" u
              where ${active} and (${LOCAL_AND_NAMES}) ilike ?
                and not exists (select 1 from d where d.domain = u.email_domain))`,
      values: [pattern, ...activeValues, ...activeValues, pattern],
    };
  }
  const local = q.slice(0, at);
  const domain = q.slice(at + 1);
  if (domain === '') {
    return {
      sql: `select u.id from "user" u where ${active} and (${LOCAL_AND_NAMES}) ilike ?`,
      values: [...activeValues, `%${escapeLike(local)}\u001f%\u001f%`],
    };
  }
  return {
    sql: `select x.id from (select domain from "user_email_domain" where domain ilike ?) d cross join lateral
            (select u.id from "user" u where u.email_domain = d.domain and ${active} and u.email ilike ?) x`,
    values: [`${escapeLike(domain)}%`, ...activeValues, likeContains(q)],
  };
}

export async function userById(db: UnitOfWork, id: string): Promise<UserDto | null> {
  const [row] = await db.sql<UserRow>(
    `select ${USER_COLUMNS} from "user" u where u.id = ? and u.deleted_at is null`,
    [id],
  );
  return row ? userDtoFromRow(row) : null;
}

/**
 * The active user of a live session, in one round trip (session ⋈ user). `lastSeenAt` is returned
 * so the caller can decide to record use.
 */
export async function userBySessionHash(
  db: UnitOfWork,
  tokenHash: string,
  now: Date,
): Promise<{ user: UserDto; sessionId: string; lastSeenAt: Date; mfaVerifiedAt: Date | null } | null> {
  const [row] = await db.sql<
    UserRow & {
      session_id: string;
      session_last_seen_at: Date | string;
      session_mfa_verified_at: Date | string | null;
    }
  >(
    `select ${USER_COLUMNS}, s.id as session_id, s.last_seen_at as session_last_seen_at,
            s.mfa_verified_at as session_mfa_verified_at
       from "session" s join "user" u on u.id = s.user_id and u.deleted_at is null
      where s.token_hash = ? and s.expires_at > ?`,
    [tokenHash, now],
  );
  if (!row) return null;
  return {
    user: userDtoFromRow(row),
    sessionId: row.session_id,
    lastSeenAt: new Date(row.session_last_seen_at),
    mfaVerifiedAt: row.session_mfa_verified_at === null ? null : new Date(row.session_mfa_verified_at),
  };
}

export interface UserListQuery {
  role: Role | undefined;
  /** Matched as a plain substring of email, first or last name, case-insensitively. */
  q: string | undefined;
  /** Only ids below this one (keyset paging, newest first). */
  before: string | undefined;
  limit: number;
}

/**
 * One page, newest first, and the total. Without a search the total is read from user_count (kept
 * exact by a trigger); a search collects its matches through indexes (searchMatches), up to
 * TOTAL_CAP + 1, and cuts its page from them (searchPage).
 */
export async function listUsers(
  db: UnitOfWork,
  query: UserListQuery,
): Promise<{ rows: UserDto[]; total: number; totalCapped: boolean }> {
  const active = query.role ? 'u.deleted_at is null and u.role = ?' : 'u.deleted_at is null';
  const activeValues: unknown[] = query.role ? [query.role] : [];
  const page: ListPageQuery = {
    from: '"user" u',
    id: 'u.id',
    columns: USER_COLUMNS,
    filter: query.q ? `${active} and (${SEARCH_TEXT}) ilike ?` : active,
    values: query.q ? [...activeValues, likeContains(query.q)] : activeValues,
    before: query.before,
    limit: query.limit + 1,
  };
  if (query.q) {
    const found = await searchPage<UserRow>(db, {
      ...page,
      matches: searchMatches(query.q, active, activeValues),
    });
    const rows = found.rows ?? (await keysetPage<UserRow>(db, page));
    return { rows: rows.map(userDtoFromRow), ...totalOf(found.count, true) };
  }
  const [rows, total] = await Promise.all([
    keysetPage<UserRow>(db, page),
    db
      .sql<{ n: string }>(
        `select coalesce(sum(active), 0)::text as n from "user_count"${query.role ? ' where role = ?' : ''}`,
        activeValues,
      )
      .then(([row]) => Number(row?.n ?? 0)),
  ]);
  return { rows: rows.map(userDtoFromRow), ...totalOf(total, false) };
}
