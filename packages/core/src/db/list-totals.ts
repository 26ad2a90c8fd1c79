import type { UnitOfWork } from './unit-of-work.js';

/** Above this many matches, a search reports `total: 10000, totalCapped: true` instead of counting on. */
export const TOTAL_CAP = 10_000;

/** One page of a list, newest first by id (keyset paging): what both the plain and the search path read. */
export interface ListPageQuery {
  /** The table and its alias, e.g. `"user" u`. */
  from: string;
  /** The alias's id column, e.g. `u.id` (ids sort newest first, descending). */
  id: string;
  /** The page's select list, on the same alias. */
  columns: string;
  filter: string;
  values: readonly unknown[];
  /** Only ids below this one (keyset paging). */
  before: string | undefined;
  /** Rows to return (the caller asks for one more than it shows, to know if a next page exists). */
  limit: number;
  /**
   * For searchPage: a query of the matching ids (one `id` column, no limit), where a faster way
   * than `select <id> from <from> where <filter>` exists. The filter stays the exact condition:
   * keysetPage walks with it when there are more matches than TOTAL_CAP.
   */
  matches?: { sql: string; values: readonly unknown[] };
}

/**
 * A search's page and its match count in one round trip. The matches are collected once through
 * the filter's (trigram) index, up to TOTAL_CAP + 1, counted, and the page is cut from them by id:
 * the planner never gets to walk the id index filtering row by row, which it prefers when it
 * expects matches to be spread evenly, and which reads most of the table when they are not (an
 * email search at 100,000 invites took 190 ms that way, 5 ms this way).
 *
 * With more than TOTAL_CAP matches the collected set is incomplete: `rows` is null, and the caller
 * reads the page with keysetPage, walking the id index (cheap then, as matches are dense).
 */
export async function searchPage<Row>(
  db: UnitOfWork,
  query: ListPageQuery,
): Promise<{ rows: Row[] | null; count: number }> {
  const alias = query.id.split('.')[0];
  const before = query.before ? 'where m.id < ?' : '';
  const matches = query.matches ?? {
    sql: `select ${query.id} as id from ${query.from} where ${query.filter}`,
    values: query.values,
  };
  const found = await db.sql<Row & { match_count: number; page_id: string | null }>(
    `with m as materialized (${matches.sql} limit ?),
          c as (select count(*)::int as match_count from m)
     select c.match_count, p.*
       from c left join lateral (
         select ${query.id} as page_id, ${query.columns}
           from (select m.id from m ${before} order by m.id desc limit ?) top
           join ${query.from} on ${alias}.id = top.id
          order by top.id desc
       ) p on true`,
    [...matches.values, TOTAL_CAP + 1, ...(query.before ? [query.before] : []), query.limit],
  );
  const count = found[0]?.match_count ?? 0;
  if (count > TOTAL_CAP) return { rows: null, count };
  const rows: Row[] = [];
  for (const { match_count: _count, page_id: pageId, ...row } of found) {
    if (pageId !== null) rows.push(row as unknown as Row);
  }
  return { rows, count };
}

/** One page by walking the id index: ids below `before`, newest first. */
export function keysetPage<Row>(db: UnitOfWork, query: ListPageQuery): Promise<Row[]> {
  const filter = query.before ? `${query.filter} and ${query.id} < ?` : query.filter;
  return db.sql<Row>(
    `select ${query.columns} from ${query.from} where ${filter} order by ${query.id} desc limit ?`,
    [...query.values, ...(query.before ? [query.before] : []), query.limit],
  );
}

/** The total and flag a list returns: only a search's count stops at the cap. */
export const totalOf = (count: number, searched: boolean) => {
  const capped = searched && count > TOTAL_CAP;
  return { total: capped ? TOTAL_CAP : count, totalCapped: capped };
};
