// The Gatehouse server under test, in its own process (so its CPU and memory are its own): the
// real buildServer on the real core, configured from the environment like `pnpm start`.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCore } from '@gatehouse/core';
import { buildServer, createLogger, lowerHelperThreadPriority } from '@gatehouse/server';

const core = await createCore({ migrate: false, onWarning: () => {} });
const app = await buildServer({ core, logger: createLogger(core.config.logLevel), adminClientDir: null });
await app.listen({ host: '127.0.0.1', port: 0 });
await lowerHelperThreadPriority(core.config.hashThreadNiceness); // as main.ts does
const address = app.server.address();
// Node's histogram records the time between the callbacks of a timer repeating every
// `resolution` ms, so an idle loop reads ~resolution (10.2 ms at 10): the delay is what lies
// beyond it. A 1 ms timer samples finely and leaves only 1 ms to take off.
const RESOLUTION_MS = 1;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
delay.enable();
const beyondTimer = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);

process.on('message', (message: { type: string }) => {
  if (message.type === 'eld-reset') delay.reset();
  if (message.type === 'eld-read')
    process.send?.({ type: 'eld', p99Ms: beyondTimer(delay.percentile(99)), maxMs: beyondTimer(delay.max) });
  if (message.type === 'stop')
    void app
      .close()
      .then(() => core.close())
      .then(() => process.exit(0));
});
process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
