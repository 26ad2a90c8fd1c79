import { type UserDto, type UserRow, userDtoFromRow } from '../dto.js';
import type { Role } from '../roles.js';
import { keysetPage, type ListPageQuery, searchPage, totalOf } from './list-totals.js';
import type { UnitOfWork } from './unit-of-work.js';

// The hot reads of users, as plain SQL with bound parameters beside the ORM: no entity, no unit of
// work, and only the columns a DTO shows (never a password or token hash).

/** What a UserDto needs, and no more. */
export const USER_COLUMNS = `u.id, u.email, u.first_name, u.last_name, u.role, u.password_hash is not null as has_password,
  u.api_token_prefix, u.metadata, u.created_at, u.updated_at, u.last_login_at, u.mfa_enabled`;

/**
 * The searchable fields as one text, joined by chr(31), which a search cannot contain: the exact
 * expression of the trigram index user_search_trgm (migration 20261202020000).
 */
const SEARCH_TEXT = `u.email || chr(31) || coalesce(u.first_name, '') || chr(31) || coalesce(u.last_name, '')`;

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
  /** ILIKE pattern (already escaped) on email, first and last name. */
  pattern: string | undefined;
  /** Only ids below this one (keyset paging, newest first). */
  before: string | undefined;
  limit: number;
}

/**
 * One page, newest first, and the total. Without a search the total is read from user_count (kept
 * exact by a trigger); a search collects its matches through the trigram index, up to TOTAL_CAP + 1,
 * and cuts its page from them (searchPage).
 */
export async function listUsers(
  db: UnitOfWork,
  query: UserListQuery,
): Promise<{ rows: UserDto[]; total: number; totalCapped: boolean }> {
  const conditions = ['u.deleted_at is null'];
  const values: unknown[] = [];
  if (query.role) {
    conditions.push('u.role = ?');
    values.push(query.role);
  }
  if (query.pattern) {
    conditions.push(`(${SEARCH_TEXT}) ilike ?`);
    values.push(query.pattern);
  }
  const filter = conditions.join(' and ');
  const page: ListPageQuery = {
    from: '"user" u',
    id: 'u.id',
    columns: USER_COLUMNS,
    filter,
    values,
    before: query.before,
    limit: query.limit + 1,
  };
  if (query.pattern) {
    const found = await searchPage<UserRow>(db, page);
    const rows = found.rows ?? (await keysetPage<UserRow>(db, page));
    return { rows: rows.map(userDtoFromRow), ...totalOf(found.count, true) };
  }
  const [rows, total] = await Promise.all([
    keysetPage<UserRow>(db, page),
    db
      .sql<{ n: string }>(
        `select coalesce(sum(active), 0)::text as n from "user_count"${query.role ? ' where role = ?' : ''}`,
        query.role ? [query.role] : [],
      )
      .then(([row]) => Number(row?.n ?? 0)),
  ]);
  return { rows: rows.map(userDtoFromRow), ...totalOf(total, false) };
}
