import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { freePort } from './cluster.js';
import { APP_ORIGIN, readyz, sleep } from './http.js';
import { recordOutput, recordSecret } from './record.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
/** The production entry, as `pnpm start` runs it (node itself, so signals reach the server). */
const mainScript = path.join(root, 'apps/server/dist/main.js');
/** The Node flags of the root `start` script (the V8 heap sizes), so the server runs as in production. */
const nodeFlags = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start as string)
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct horse battery staple 42';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  pid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `killAfterMs`; resolves with how it ended. */
  stop(killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built server (apps/server/dist/main.js) as a child process on a free port and waits
 * until /readyz answers 200. The environment is the test's without DATABASE_URL, REDIS_URL,
 * SMTP_URL, TRUST_PROXY and NODE_ENV, plus a bootstrap admin, cheap hashes, generous ceilings and
 * `env`. Every process started in a file is killed (and its DATA_DIR removed) after the file.
 */
export function useServerProcesses() {
  const started: { server: ServerProcess; dataDir: string }[] = [];
  afterAll(async () => {
    for (const { server, dataDir } of started.splice(0)) {
      await server.stop(5_000);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  return async function startServer(env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-hardening-data-'));
    const {
      DATABASE_URL: _db,
      REDIS_URL: _redis,
      SMTP_URL: _smtp,
      TRUST_PROXY: _proxy,
      NODE_ENV: _node,
      ...inherited
    } = process.env;
    recordSecret('password', ADMIN_PASSWORD);
    const child = spawn(process.execPath, [...nodeFlags, mainScript], {
      cwd: root,
      env: {
        ...inherited,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: APP_ORIGIN,
        DATA_DIR: dataDir,
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        PASSWORD_HASH_LOGN: '10',
        RATE_LIMIT_PER_MINUTE: '1000000',
        HASH_RATE_PER_MINUTE: '1000000',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const source = `server:${port}`;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        output += chunk;
        recordOutput(source, chunk);
      });
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const server: ServerProcess = {
      child,
      url: `http://127.0.0.1:${port}`,
      pid: child.pid ?? 0,
      output: () => output,
      exited,
      async stop(killAfterMs = 30_000) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          const outcome = await exited;
          clearTimeout(timer);
          return outcome;
        }
        return exited;
      },
    };
    started.push({ server, dataDir });
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
      if ((await readyz(server.url)) === 200) return server;
      if (Date.now() > deadline) throw new Error(`server not ready in time:\n${output}`);
      await sleep(200);
    }
  };
}
