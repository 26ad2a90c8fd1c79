import { readdirSync, readFileSync } from 'node:fs';
import { platform } from 'node:os';
import { describe, expect, it } from 'vitest';
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
    const threadsOf = async (env: Record<string, string>) => {
      const server = await servers.start({
        ADMIN_EMAIL: 'nice@example.com',
        ADMIN_PASSWORD: STRONG_PASSWORD,
        ...env,
      });
      // `pnpm start` is `sh -c "exec node …"`: the shell is replaced, so the child is node itself.
      const pid = server.child.pid as number;
      const threads = nicenessOfThreads(pid);
      return {
        main: threads.get(pid) ?? 0,
        helpers: [...threads].filter(([tid]) => tid !== pid).map(([, nice]) => nice),
      };
    };

    it('runs the hashing pool and the other helper threads 10 steps below the thread that answers requests', async () => {
      const { main, helpers } = await threadsOf({});
      // libuv's pool (4 threads) and V8's platform workers at least.
      expect(helpers.length).toBeGreaterThanOrEqual(4);
      for (const nice of helpers) expect(nice).toBe(Math.min(19, main + 10));
    });

    it('takes the step from HASH_THREAD_NICENESS, and 0 leaves every thread alone', async () => {
      const lowered = await threadsOf({ HASH_THREAD_NICENESS: '3' });
      for (const nice of lowered.helpers) expect(nice).toBe(Math.min(19, lowered.main + 3));
      const untouched = await threadsOf({ HASH_THREAD_NICENESS: '0' });
      for (const nice of untouched.helpers) expect(nice).toBe(untouched.main);
    });
  },
);
