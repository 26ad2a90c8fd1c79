import { DomainError } from './errors.js';

/**
 * Keyset pagination over time-sortable ids, newest first. The cursor is opaque to clients: the
 * base64url of the last id of the page. A cursor we did not make is BAD_REQUEST.
 */
export const encodeCursor = (id: string): string => Buffer.from(`c1:${id}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | null | undefined, idPrefix: string): string | undefined {
  if (!cursor) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('c1:') ? decoded.slice(3) : '';
  // The id's prefix ties a cursor to its list: a users cursor is refused by the invites list.
  if (!new RegExp(`^${idPrefix}_[0-9a-z]{26}$`).test(id)) {
    throw new DomainError('INVALID_CURSOR', 'cursor is not valid for this list');
  }
  return id;
}

/** Cuts one extra fetched row off into `nextCursor`. */
export function toPage<T extends { id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return { rows: page, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}

/** Escapes LIKE wildcards (and the escape character) so `text` is matched literally. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A LIKE pattern that matches `q` as a plain substring. */
export const likeContains = (q: string): string => `%${escapeLike(q)}%`;
