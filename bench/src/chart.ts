import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { median } from './stats.js';
import type { LoadRow, Results } from './suites.js';
import { RATIO_TARGETS, scaleTargetsMs } from './targets.js';

// The figures of BENCHMARKS.md as one image (SVG, rendered here without a browser by Vega): each
// read's and write's throughput as a ratio to the hand-written baseline, and each list's latency at scale,
// both beside their targets.

function ratios(load: LoadRow[]) {
  const cases = [...new Set(load.map((row) => row.case))];
  return cases.flatMap((name) => {
    const rps = (target: LoadRow['target']) =>
      median(
        load.filter((row) => row.case === name && row.target === target).map((row) => row.requestsPerSecond),
      );
    const raw = rps('raw');
    if (raw <= 0) return [];
    return [{ case: name, ratio: rps('gatehouse') / raw, target: RATIO_TARGETS[name] ?? null }];
  });
}

export async function renderChartSvg(results: Results): Promise<string> {
  const ratioRows = ratios([...results.load, ...results.writes]);
  const concat: object[] = [];
  if (ratioRows.length > 0)
    concat.push({
      title: 'Reads and writes: Gatehouse req/s ÷ raw Fastify + pg req/s (higher is better; ticks: targets)',
      data: { values: ratioRows },
      width: 520,
      height: 22 * ratioRows.length,
      layer: [
        {
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: {
            y: { field: 'case', type: 'nominal', sort: null, title: null },
            x: { field: 'ratio', type: 'quantitative', scale: { domain: [0, 1] }, title: 'ratio' },
          },
        },
        {
          mark: { type: 'tick', color: '#e45756', thickness: 3 },
          transform: [{ filter: 'datum.target != null' }],
          encoding: {
            y: { field: 'case', type: 'nominal', sort: null },
            x: { field: 'target', type: 'quantitative' },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4 },
          encoding: {
            y: { field: 'case', type: 'nominal', sort: null },
            x: { field: 'ratio', type: 'quantitative' },
            text: { field: 'ratio', type: 'quantitative', format: '.2f' },
          },
        },
      ],
    });
  if (results.scale) {
    const rows = results.scale.cases.flatMap((row) => {
      const target = scaleTargetsMs(row.case);
      return [
        { case: row.case, percentile: 'p50', ms: row.p50Ms, target: target.p50 },
        { case: row.case, percentile: 'p99', ms: row.p99Ms, target: target.p99 },
      ];
    });
    concat.push({
      title: `At ${results.scale.seeded.users.toLocaleString('en')} users: single-request latency, ms (log scale; ticks: targets)`,
      data: { values: rows },
      width: 520,
      height: 24 * results.scale.cases.length,
      layer: [
        {
          // Each target as a short tick in its percentile's colour.
          mark: { type: 'tick', thickness: 2, opacity: 0.6 },
          encoding: {
            y: { field: 'case', type: 'nominal', sort: null, title: null },
            x: { field: 'target', type: 'quantitative' },
            color: { field: 'percentile', type: 'nominal', title: null },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y: { field: 'case', type: 'nominal', sort: null },
            x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
            color: { field: 'percentile', type: 'nominal', title: null },
          },
        },
      ],
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    vconcat: concat,
    config: { font: 'sans-serif', background: 'white', axis: { labelLimit: 240 } },
  } as vegaLite.TopLevelSpec;
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
