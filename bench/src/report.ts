import { median } from './stats.js';
import type { LoadRow, Results } from './suites.js';
import { RATIO_TARGETS, scaleTargetsMs } from './targets.js';

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function summarise(rows: LoadRow[], name: string, target: LoadRow['target']) {
  const mine = rows.filter((row) => row.case === name && row.target === target);
  if (mine.length === 0) return null;
  return {
    rps: median(mine.map((row) => row.requestsPerSecond)),
    p50: median(mine.map((row) => row.p50Ms)),
    p99: median(mine.map((row) => row.p99Ms)),
    cpu: median(mine.map((row) => row.cpuMsPerRequest)),
    errors: mine.reduce((sum, row) => sum + row.errors, 0),
  };
}

const nodeFlagsOf = (results: Results) => {
  const flags = (results.settings.nodeFlags as string[] | undefined) ?? [];
  return flags.length ? flags.map((flag) => `\`${flag}\``).join(' ') : 'with default flags';
};

export function renderMarkdown(results: Results, options: { chart?: string } = {}): string {
  const lines: string[] = [];
  const m = results.machine;
  lines.push('# Benchmarks', '');
  lines.push(
    `Run ${results.startedAt} on ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}.` +
      ` Gatehouse (\`NODE_ENV=production\`, \`LOG_LEVEL=warn\`, scrypt logN 15, node ${nodeFlagsOf(results)}) beside a hand-written Fastify + pg` +
      ' server answering the same requests with the same SQL, same PostgreSQL, load from a separate process' +
      ' (autocannon, 10 connections), rounds interleaved; medians of the rounds. Reproduce: `pnpm bench` and' +
      ' `pnpm bench:scale` (README).',
    '',
  );
  if (results.settings.smoke) lines.push('**Smoke run** (tiny durations): the figures mean nothing.', '');
  lines.push('## Reads and the host', '');
  lines.push(
    '| case | raw req/s | Gatehouse req/s | ratio | target | Gatehouse p50 / p99 ms | CPU ms/req raw / Gatehouse |',
  );
  lines.push('|---|---|---|---|---|---|---|');
  for (const name of [...new Set(results.load.map((row) => row.case))]) {
    const raw = summarise(results.load, name, 'raw');
    const gh = summarise(results.load, name, 'gatehouse');
    if (!gh) continue;
    const ratio = raw ? gh.rps / raw.rps : Number.NaN;
    const target = RATIO_TARGETS[name];
    lines.push(
      `| ${name} | ${raw ? Math.round(raw.rps) : '-'} | ${Math.round(gh.rps)} | ${raw ? fixed(ratio, 2) : '-'} | ${
        target ? `≥ ${target} ${ratio >= target ? '✓' : '✗'}` : '-'
      } | ${fixed(gh.p50)} / ${fixed(gh.p99)} | ${raw ? fixed(raw.cpu, 3) : '-'} / ${fixed(gh.cpu, 3)} |`,
    );
  }
  if (results.peakRssMiB) {
    const rss = results.peakRssMiB;
    lines.push(
      '',
      `Peak RSS under the read load: Gatehouse ${fixed(rss.gatehouse, 0)} MiB (target < 150 ${rss.gatehouse < 150 ? '✓' : '✗'}), raw ${fixed(rss.raw, 0)} MiB.`,
    );
  }
  if (results.writes.length > 0) {
    lines.push(
      '',
      '## Writes',
      '',
      'The baseline runs the same statements in one transaction per request (for an accept: the invite claimed, the user, the session and the audit events), with the same scrypt cost.',
      '',
      '| case | raw req/s | Gatehouse req/s | ratio | Gatehouse p50 / p99 ms | CPU ms/req raw / Gatehouse | errors raw / Gatehouse |',
      '|---|---|---|---|---|---|---|',
    );
    for (const name of [...new Set(results.writes.map((row) => row.case))]) {
      const raw = summarise(results.writes, name, 'raw');
      const gh = summarise(results.writes, name, 'gatehouse');
      if (!gh) continue;
      lines.push(
        `| ${name} | ${raw ? Math.round(raw.rps) : '-'} | ${Math.round(gh.rps)} | ${raw ? fixed(gh.rps / raw.rps, 2) : '-'} | ${fixed(gh.p50)} / ${fixed(gh.p99)} | ${raw ? fixed(raw.cpu, 3) : '-'} / ${fixed(gh.cpu, 3)} | ${raw?.errors ?? '-'} / ${gh.errors} |`,
      );
    }
  }
  if (results.login) {
    const l = results.login;
    lines.push(
      '',
      '## Sign-in flood',
      '',
      `Each round measures the scrypt limit of the machine, then floods \`auth.login\`; the first row is the median of the ${l.rounds.length} rounds.`,
      '',
      '| round | logins/s | scrypt limit/s (same run) | ratio (target ≥ 0.9) | p50 / p99 ms | event-loop delay p99 (target < 20 ms) | peak RSS MiB |',
      '|---|---|---|---|---|---|---|',
      `| median | ${fixed(l.requestsPerSecond)} | ${fixed(l.scryptLimitPerSecond)} | ${fixed(l.ratio, 2)} ${l.ratio >= 0.9 ? '✓' : '✗'} | ${fixed(l.p50Ms)} / ${fixed(l.p99Ms)} | ${fixed(l.eventLoopDelayP99Ms)} ms ${l.eventLoopDelayP99Ms < 20 ? '✓' : '✗'} | ${fixed(l.peakRssMiB, 0)} |`,
      ...l.rounds.map(
        (round, i) =>
          `| ${i + 1} | ${fixed(round.requestsPerSecond)} | ${fixed(round.scryptLimitPerSecond)} | ${fixed(round.ratio, 2)} | ${fixed(round.p50Ms)} / ${fixed(round.p99Ms)} | ${fixed(round.eventLoopDelayP99Ms)} ms | - |`,
      ),
    );
  }
  if (results.scale) {
    const s = results.scale;
    lines.push(
      '',
      `## At scale: ${s.seeded.users.toLocaleString('en')} users, ${s.seeded.invites.toLocaleString('en')} invites`,
      '',
      `Seeded at ${Math.round(s.seeded.rowsPerSecond).toLocaleString('en')} rows/s (server-side generate_series). Single requests through the server, after 3 warm-up calls.`,
      '',
      '| case | p50 ms | p99 ms | target p50 / p99 | total |',
      '|---|---|---|---|---|',
    );
    for (const row of s.cases) {
      const { p50: p50Target, p99: p99Target } = scaleTargetsMs(row.case);
      const met = row.p50Ms < p50Target && row.p99Ms < p99Target;
      lines.push(
        `| ${row.case} | ${fixed(row.p50Ms)} | ${fixed(row.p99Ms)} | < ${p50Target} / < ${p99Target} ${met ? '✓' : '✗'} | ${row.total ?? '-'} |`,
      );
    }
  }
  if (options.chart) lines.push('', `![The figures above as a chart](${options.chart})`);
  lines.push('', 'Earlier runs and what changed between them: [bench/HISTORY.md](bench/HISTORY.md).', '');
  return lines.join('\n');
}
