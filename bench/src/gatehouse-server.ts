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
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

process.on('message', (message: { type: string }) => {
  if (message.type === 'eld-reset') delay.reset();
  if (message.type === 'eld-read')
    process.send?.({ type: 'eld', p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 });
  if (message.type === 'stop')
    void app
      .close()
      .then(() => core.close())
      .then(() => process.exit(0));
});
process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
