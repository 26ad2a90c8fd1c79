import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The whole harness with tiny durations, so it cannot rot: both servers, every suite, scale mode on
// a small seed, and the report. The figures are not judged here.
it('runs every benchmark step and writes the results and the report', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'gatehouse-bench-'));
  try {
    await promisify(execFile)('npx', ['tsx', 'src/run.ts', '--smoke', '--scale'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, BENCH_OUT: out },
      maxBuffer: 16 * 1024 * 1024,
    });
    const results = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8'));
    // Every case ran on both servers (the baseline answers each read and write too), without errors.
    const ran = (rows: { case: string; target: string }[]) =>
      rows.map((row) => `${row.case} on ${row.target}`);
    const reads = [
      '/healthz',
      'auth.me',
      'users.get',
      'users.list',
      'users.list q',
      'users.list cursor',
      'invites.list',
    ];
    const writes = ['invites.create', 'invites.accept (scrypt, logN 15)'];
    const both = (names: string[]) => names.flatMap((name) => [`${name} on raw`, `${name} on gatehouse`]);
    expect(ran(results.load).sort()).toEqual(both(reads).sort());
    expect(ran(results.writes).sort()).toEqual(both(writes).sort());
    for (const row of [...results.load, ...results.writes]) {
      expect(row.requestsPerSecond, `${row.case} on ${row.target}`).toBeGreaterThan(0);
      expect(row.errors, `${row.case} on ${row.target}`).toBe(0);
    }
    expect(results.login.requestsPerSecond).toBeGreaterThan(0);
    expect(results.login.scryptLimitPerSecond).toBeGreaterThan(0);
    expect(results.login.rounds).toHaveLength(1); // one round in a smoke run, each against its own scrypt limit
    expect(results.scale.cases.length).toBeGreaterThanOrEqual(8);
    const report = await readFile(path.join(out, 'BENCHMARKS.md'), 'utf8');
    expect(report).toContain('| auth.me |');
    expect(report).toMatch(/\| invites\.create \| \d+ \| \d+ \| \d\.\d\d \|/); // with its ratio
    expect(report).toContain('At scale');
    expect(report).toContain('![The figures above as a chart](chart.svg)');
    const chart = await readFile(path.join(out, 'chart.svg'), 'utf8');
    expect(chart).toMatch(/^<svg[^>]+width="\d+"/);
    expect(chart).toContain('users.list q no match'); // the scale panel's labels are drawn
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
