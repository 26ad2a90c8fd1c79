import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

// Starts the built server exactly as the README does (`pnpm start` at the root), on a fresh
// embedded PostgreSQL, as a child process.
export const root = fileURLToPath(new URL('../../..', import.meta.url));
const startScript: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export interface RunningServer {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Both streams, as they came. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** DATA_DIR inside the checkout, as the default `.data/` is (else a fresh temporary folder). */
  inCheckout?: boolean;
}

/** Sends SIGTERM (unless it already exited) and resolves with the exit code. */
export function stop(server: Pick<RunningServer, 'child' | 'exited'>): Promise<number | null> {
  if (server.child.exitCode === null) server.child.kill('SIGTERM');
  return server.exited;
}

/**
 * `spawn` starts the server's process; `start` also waits until /readyz answers. The environment is
 * the test's, without DATABASE_URL, SMTP_URL, TRUST_PROXY and NODE_ENV (embedded PostgreSQL, stdout
 * mail, no proxy), plus `env`. Every server is stopped after each test and its data removed
 * (including a cluster the postgres OS user kept outside DATA_DIR; credentials.json says where).
 */
export function useStartedServers() {
  const running: { server: RunningServer; dataDir: string }[] = [];
  afterEach(async () => {
    for (const { server, dataDir } of running.splice(0)) {
      await stop(server);
      const credentials = await readFile(path.join(dataDir, 'credentials.json'), 'utf8').then(
        (text) => JSON.parse(text) as { clusterDir?: string },
        () => ({}) as { clusterDir?: string },
      );
      if (credentials.clusterDir) await rm(credentials.clusterDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  async function spawnServer(
    env: Record<string, string>,
    options: SpawnOptions = {},
  ): Promise<RunningServer> {
    const port = await freePort();
    const dataDir = options.inCheckout
      ? path.join(root, `.data-test-${randomBytes(4).toString('hex')}`)
      : await mkdtemp(path.join(tmpdir(), 'gatehouse-start-'));
    const {
      DATABASE_URL: _db,
      SMTP_URL: _smtp,
      TRUST_PROXY: _proxy,
      NODE_ENV: _env,
      ...inherited
    } = process.env;
    const child = spawn('sh', ['-c', `exec ${startScript}`], {
      cwd: root,
      env: {
        ...inherited,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        PASSWORD_HASH_LOGN: '10',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      output += String(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
      output += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const server: RunningServer = {
      child,
      url: `http://127.0.0.1:${port}`,
      stdout: () => stdout,
      stderr: () => stderr,
      output: () => output,
      exited,
    };
    running.push({ server, dataDir });
    return server;
  }

  async function start(env: Record<string, string>, options: SpawnOptions = {}): Promise<RunningServer> {
    const server = await spawnServer(env, options);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
      const ready = await fetch(`${server.url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return server;
      if (Date.now() > deadline) throw new Error(`server not ready in time:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return { spawn: spawnServer, start };
}
