import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A server under test, in its own process (tsx), that says its port over IPC. */
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

export async function startServer(script: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
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
