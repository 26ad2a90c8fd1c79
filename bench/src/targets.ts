// The speed issue's targets, in one place for the tables (report.ts) and the chart (chart.ts).

/** Reads: Gatehouse req/s as a share of the hand-written baseline's, at least. */
export const RATIO_TARGETS: Record<string, number> = {
  '/healthz': 0.5,
  'auth.me': 0.7,
  'users.get': 0.7,
  'users.list': 0.6,
};

/** At scale, single-request p50 / p99 below these (ms): searches have the looser pair. */
export const scaleTargetsMs = (caseName: string): { p50: number; p99: number } =>
  caseName.includes(' q') ? { p50: 20, p99: 100 } : { p50: 10, p99: 50 };
