import { readdirSync, readFileSync } from 'node:fs';
import { platform } from 'node:os';
import { describe, expect, it } from 'vitest';
import { HELPER_THREAD_NICENESS } from '../src/thread-priority.js';
import { STRONG_PASSWORD } from './http-harness.js';
import { useStartedServers } from './start-server.js';

const servers = useStartedServers();

/** Each thread's niceness, from /proc/<pid>/task/<tid>/stat (field 19). */
function nicenessOfThreads(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${entry}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    threads.set(Number(entry), Number(fields[16]));
  }
  return threads;
}

describe.skipIf(platform() !== 'linux')(
  'thread priorities of the started server',
  { timeout: 120_000 },
  () => {
    it('runs the hashing pool and the other helper threads below the thread that answers requests', async () => {
      const server = await servers.start({
        ADMIN_EMAIL: 'nice@example.com',
        ADMIN_PASSWORD: STRONG_PASSWORD,
      });
      // `pnpm start` is `sh -c "exec node …"`: the shell is replaced, so the child is node itself.
      const pid = server.child.pid as number;
      const threads = nicenessOfThreads(pid);
      const main = threads.get(pid);
      const helpers = [...threads].filter(([tid]) => tid !== pid).map(([, nice]) => nice);
      // libuv's pool (4 threads) and V8's platform workers at least.
      expect(helpers.length).toBeGreaterThanOrEqual(4);
      for (const nice of helpers) expect(nice).toBe(Math.min(19, (main ?? 0) + HELPER_THREAD_NICENESS));
    });
  },
);
