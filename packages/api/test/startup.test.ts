import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatehouseClient } from '../src/client.js';
import { STRONG_PASSWORD } from './harness.js';
import { browserLike } from './http-harness.js';

// Starts the built server exactly as the README does (`pnpm start` at the root), on a fresh
// embedded PostgreSQL, and talks to it over HTTP.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const startScript: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

const running: { child: ChildProcess; dataDir: string }[] = [];

async function start(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-start-'));
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
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
  running.push({ child, dataDir });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`server not ready in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, url, output: () => output };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

afterEach(async () => {
  for (const { child, dataDir } of running.splice(0)) {
    await stop(child);
    await rm(dataDir, { recursive: true, force: true });
  }
});

describe('the production start command', () => {
  it('serves /readyz on embedded PostgreSQL and lets the ADMIN_EMAIL admin sign in; stops cleanly on SIGTERM', async () => {
    const server = await start({ ADMIN_EMAIL: 'Boot@Example.com', ADMIN_PASSWORD: STRONG_PASSWORD });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ok', db: 'up' });

    const client = createGatehouseClient({
      url: server.url,
      fetch: browserLike({ origin: server.url }).fetch,
    });
    const { user } = await client.auth.login.mutate({ email: 'boot@example.com', password: STRONG_PASSWORD });
    expect(user.role).toBe('admin');

    expect(await stop(server.child)).toBe(0);
    expect(server.output()).not.toContain(STRONG_PASSWORD);
  });

  it('prints a one-time first-admin link on an empty database without ADMIN_EMAIL', async () => {
    const server = await start({});
    const link = server.output().match(/(http:\/\/\S+\/setup\?token=(ghsetup_[A-Za-z0-9_-]+))/);
    expect(link?.[1]?.startsWith(server.url)).toBe(true);
    const token = link?.[2] ?? '';

    const browser = browserLike({ origin: server.url });
    const client = createGatehouseClient({ url: server.url, fetch: browser.fetch });
    expect(await client.setup.status.query()).toEqual({ needsSetup: true });
    await client.setup.createFirstAdmin.mutate({
      token,
      email: 'first@example.com',
      password: STRONG_PASSWORD,
    });
    expect((await client.auth.me.query()).role).toBe('admin');
    // One time only.
    await expect(
      client.setup.createFirstAdmin.mutate({ token, email: 'second@example.com', password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ data: { domainCode: 'INVALID_TOKEN' } });
    expect(await client.setup.status.query()).toEqual({ needsSetup: false });
  });
});
