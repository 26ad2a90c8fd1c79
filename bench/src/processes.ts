import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The Node flags the product starts with (the V8 heap sizes in the root `start` script), so the
 * server under test runs as `pnpm start` runs it.
 */
export const productionNodeFlags: string[] = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start as string
)
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

/**
 * A server under test, in its own process, that says its port over IPC. `script` is one of this
 * package's compiled entries (dist/, made by its build): plain node runs it, as in production,
 * without a TypeScript loader's thread and memory in the figures.
 */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** User + system CPU time of the process so far, in ms (from /proc). */
  cpuMs(): number;
  /** Peak resident memory of the process so far, in MiB (VmHWM). */
  peakRssMiB(): number;
  /** Asks the process something over IPC and waits for a message of `replyType`. */
  ask<T>(type: string, replyType: string): Promise<T>;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export async function startServer(
  script: 'gatehouse-server' | 'raw-server',
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const child = fork(path.join(root, 'bench', 'dist', `${script}.js`), [], {
    env: { ...process.env, ...env },
    execArgv: nodeFlags,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready' && message.port) resolve(message.port);
    });
  });
  const pid = child.pid as number;
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    cpuMs() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    },
    peakRssMiB() {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
      return Number(line?.[1] ?? 0) / 1024;
    },
    ask<T>(type: string, replyType: string) {
      return new Promise<T>((resolve) => {
        const onMessage = (message: { type: string }) => {
          if (message.type !== replyType) return;
          child.off('message', onMessage);
          resolve(message as T);
        };
        child.on('message', onMessage);
        child.send({ type });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
