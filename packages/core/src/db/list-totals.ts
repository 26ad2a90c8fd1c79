import type { UnitOfWork } from './unit-of-work.js';

/** Above this many matches, a search reports `total: 10000, totalCapped: true` instead of counting on. */
export const TOTAL_CAP = 10_000;

/**
 * How many rows of `from` (a table and its alias) match `filter`, counted up to TOTAL_CAP + 1 and
 * no further: a search's total, whose exactness ends at the cap.
 */
export async function cappedCount(
  db: UnitOfWork,
  from: string,
  filter: string,
  values: readonly unknown[],
): Promise<number> {
  const [row] = await db.sql<{ n: number }>(
    `select count(*)::int as n from (select 1 from ${from} where ${filter} limit ?) m`,
    [...values, TOTAL_CAP + 1],
  );
  return row?.n ?? 0;
}

/** The total and flag a list returns: only a search's count stops at the cap. */
export const totalOf = (count: number, searched: boolean) => {
  const capped = searched && count > TOTAL_CAP;
  return { total: capped ? TOTAL_CAP : count, totalCapped: capped };
};
