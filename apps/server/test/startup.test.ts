import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGatehouseClient } from '@gatehouse/api';
import { afterEach, describe, expect, it } from 'vitest';
import { browserLike, STRONG_PASSWORD } from './http-harness.js';

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

/** The environment without DATABASE_URL: these tests start on embedded PostgreSQL. */
function withoutDatabaseUrl(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return inherited;
}

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

const running: { child: ChildProcess; dataDir: string }[] = [];

/**
 * Starts `pnpm start`'s command. `inCheckout` puts DATA_DIR inside the checkout, as the default
 * `.data/` is: when CI runs from a clone in a 0700 folder as root, that is the case of issue 6.
 */
async function start(env: Record<string, string>, options: { inCheckout?: boolean } = {}): Promise<Started> {
  const port = await freePort();
  const dataDir = options.inCheckout
    ? path.join(root, `.data-test-${randomBytes(4).toString('hex')}`)
    : await mkdtemp(path.join(tmpdir(), 'gatehouse-start-'));
  const inherited = withoutDatabaseUrl();
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
    // A cluster the postgres OS user could not keep inside DATA_DIR lives elsewhere; it says where.
    const credentials = await readFile(path.join(dataDir, 'credentials.json'), 'utf8').then(
      (text) => JSON.parse(text) as { clusterDir?: string },
      () => ({}) as { clusterDir?: string },
    );
    if (credentials.clusterDir) await rm(credentials.clusterDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
});

describe('the production start command', { timeout: 120_000 }, () => {
  it('serves /readyz on embedded PostgreSQL kept under the checkout, lets the ADMIN_EMAIL admin sign in, stops cleanly on SIGTERM', async () => {
    const server = await start(
      { ADMIN_EMAIL: 'Boot@Example.com', ADMIN_PASSWORD: STRONG_PASSWORD },
      { inCheckout: true },
    );
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

  it('where embedded PostgreSQL cannot start, exits 1 with one line that says what to do', async () => {
    // A data folder inside a regular file can never be made.
    const blocker = path.join(await mkdtemp(path.join(tmpdir(), 'gatehouse-blocked-')), 'file');
    await writeFile(blocker, '');
    const child = spawn('sh', ['-c', `exec ${startScript}`], {
      cwd: root,
      env: { ...withoutDatabaseUrl(), DATA_DIR: path.join(blocker, 'data'), PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += String(chunk)));
    child.stderr?.on('data', (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    await rm(path.dirname(blocker), { recursive: true, force: true });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Gatehouse failed to start: .*(DATA_DIR|DATABASE_URL)/);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
