// Preloaded into a server process by the login-flood test (NODE_OPTIONS=--import=…): measures the
// event loop's delay from inside. On SIGUSR2 it prints the figures since the previous signal as one
// line on stderr and starts over. Test instrumentation only; the product never loads it.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
const ms = (ns) => Math.round(ns / 1e5) / 10;
process.on('SIGUSR2', () => {
  const figures = {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
  process.stderr.write(`[event-loop-delay] ${JSON.stringify(figures)}\n`);
  histogram.reset();
});
