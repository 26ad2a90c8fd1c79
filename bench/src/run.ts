// `pnpm bench` (and `pnpm bench:scale`): Gatehouse beside a hand-written Fastify + pg baseline, on
// the same PostgreSQL, loaded from this separate process with autocannon. Prints the tables, writes
// bench/results/latest.json and BENCHMARKS.md. `--smoke` runs every step with tiny durations and
// writes into a temporary folder (CI runs it so the harness cannot rot).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, loadConfig } from '@gatehouse/core';
import { setupTestDatabases, workerDatabaseUrl } from '@gatehouse/core/testing';
import { renderChartSvg } from './chart.js';
import { productionNodeFlags } from './processes.js';
import { renderMarkdown } from './report.js';
import { type Results, runLoad, runScale } from './suites.js';

const args = new Set(process.argv.slice(2));
const smoke = args.has('--smoke');
const scale = args.has('--scale');
const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = smoke
  ? (process.env.BENCH_OUT ?? path.join(root, 'bench', 'results', 'smoke'))
  : path.join(root, 'bench', 'results');

const step = (text: string) => process.stdout.write(`\n== ${text}\n`);

step(`database (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL 18'})`);
const databases = await setupTestDatabases({ workers: 1 });
const databaseUrl = workerDatabaseUrl(databases.templateUrl);
const env = {
  DATABASE_URL: databaseUrl,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  PASSWORD_HASH_LOGN: '15',
  MAX_CONCURRENT_HASHES: '4',
  // The ceilings would stop the load generator, which is one client: lift them for the run.
  RATE_LIMIT_PER_MINUTE: '1000000000',
  HASH_RATE_PER_MINUTE: '1000000000',
  LOGIN_MAX_FAILURES: '1000000000',
  SMTP_URL: 'smtp://127.0.0.1:9',
  PUBLIC_URL: 'http://bench.test',
};
const core = await createCore({ config: loadConfig(env), migrate: false, onWarning: () => {} });

try {
  const results: Results = {
    startedAt: new Date().toISOString(),
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: (await core.ping()) ? 'up' : 'down',
    },
    settings: {
      smoke,
      env: { PASSWORD_HASH_LOGN: env.PASSWORD_HASH_LOGN, LOG_LEVEL: env.LOG_LEVEL },
      nodeFlags: productionNodeFlags,
    },
    load: [],
    login: null,
    writes: [],
    scale: null,
  };
  await runLoad(core, env, results, { smoke, step });
  if (scale) await runScale(core, env, results, { smoke, step });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'chart.svg'), await renderChartSvg(results));
  const markdownPath = smoke ? path.join(outDir, 'BENCHMARKS.md') : path.join(root, 'BENCHMARKS.md');
  const chart = path.relative(path.dirname(markdownPath), path.join(outDir, 'chart.svg'));
  const markdown = renderMarkdown(results, { chart });
  writeFileSync(markdownPath, markdown);
  step(`wrote ${path.relative(root, outDir)}/{latest.json,chart.svg} and BENCHMARKS.md`);
  process.stdout.write(markdown);
} finally {
  await core.close();
  await databases.teardown();
}
