import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGatehouseClient } from '@gatehouse/api';
import { describe, expect, it } from 'vitest';
import { browserLike, STRONG_PASSWORD } from './http-harness.js';
import { stop, useStartedServers } from './start-server.js';

const servers = useStartedServers();

describe('the production start command', { timeout: 120_000 }, () => {
  it('serves /readyz on embedded PostgreSQL kept under the checkout, lets the ADMIN_EMAIL admin sign in, stops cleanly on SIGTERM', async () => {
    const server = await servers.start(
      { ADMIN_EMAIL: 'Boot@Example.com', ADMIN_PASSWORD: STRONG_PASSWORD },
      { inCheckout: true },
    );
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ok', db: 'up' });

    const client = createGatehouseClient({
      url: server.url,
      fetch: browserLike({ origin: server.url }).fetch,
    });
    const login = await client.auth.login.mutate({ email: 'boot@example.com', password: STRONG_PASSWORD });
    expect(login).toMatchObject({ mfaRequired: false, user: { role: 'admin' } });

    expect(await stop(server)).toBe(0);
    expect(server.output()).not.toContain(STRONG_PASSWORD);
  });

  it('prints a one-time first-admin link on an empty database without ADMIN_EMAIL', async () => {
    const server = await servers.start({});
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
    const server = await servers.spawn({
      DATA_DIR: path.join(blocker, 'data'),
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    const code = await server.exited;
    const output = server.output();
    await rm(path.dirname(blocker), { recursive: true, force: true });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Gatehouse failed to start: .*(DATA_DIR|DATABASE_URL)/);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
