import { createGatehouseClient, MAX_BATCH_SIZE } from '@gatehouse/api';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  browserLike,
  clientFor,
  STRONG_PASSWORD,
  adminInBrowser as signInAdmin,
  useHttpServer,
  useServerCore,
} from './http-harness.js';

const h = useServerCore();
const http = useHttpServer(h);

const adminInBrowser = () => signInAdmin(h, http);

const errorData = (error: unknown) => (error as { data: Record<string, unknown> }).data;

describe('typed client over real HTTP', () => {
  it('signs in with a cookie, reads, and signs out', async () => {
    const { browser, client } = await adminInBrowser();
    const cookieLine = browser.state.setCookies[0] ?? '';
    expect(cookieLine).toMatch(/^gatehouse_session=ghs_[A-Za-z0-9_-]{43};/);
    expect(cookieLine).toMatch(/HttpOnly/);
    expect(cookieLine).toMatch(/SameSite=Lax/);
    expect(cookieLine).toMatch(/Path=\//);
    expect((await client.auth.me.query()).email).toBe('admin@example.com');

    expect(await client.auth.logout.mutate()).toEqual({ ok: true });
    expect(browser.state.cookie).toBeUndefined();
    const error = await client.auth.me.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(errorData(error)).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      domainCode: 'UNAUTHENTICATED',
    });
  });

  it('authenticates machines by bearer API token, without Origin', async () => {
    const { client } = await adminInBrowser();
    const { token } = await client.apiToken.generate.mutate({});
    expect(token).toMatch(/^gha_/);
    const machine = createGatehouseClient({ url: http.url, apiToken: token });
    const created = await machine.users.create.mutate({ email: 'bot-made@example.com', role: 'developer' });
    expect(created.email).toBe('bot-made@example.com');
    expect((await machine.auth.me.query()).apiTokenPrefix).toBe(token.slice(0, 12));

    const wrong = createGatehouseClient({ url: http.url, apiToken: `gha_${'A'.repeat(43)}` });
    await expect(wrong.auth.me.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });

  it('runs 30 batched creates as 30 rows, in batches of at most MAX_BATCH_SIZE (3 HTTP requests)', async () => {
    const { browser, client } = await adminInBrowser();
    const before = browser.state.requests;
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.users.create.mutate({ email: `batch${i}@example.com` })),
    );
    expect(browser.state.requests - before).toBe(30 / MAX_BATCH_SIZE);
    expect(new Set(created.map((user) => user.id)).size).toBe(30);
    const list = await client.users.list.query({ q: 'batch', limit: 100 });
    expect(list.total).toBe(30);
  });

  it('reports domain errors with a stable domainCode and zod issues for bad input', async () => {
    const { client } = await adminInBrowser();
    const taken = await client.users.create.mutate({ email: 'ADMIN@example.com' }).catch((e: unknown) => e);
    expect(errorData(taken)).toMatchObject({ code: 'CONFLICT', httpStatus: 409, domainCode: 'EMAIL_TAKEN' });

    const bad = await client.users.create.mutate({ email: 'not-an-email' }).catch((e: unknown) => e);
    expect(errorData(bad)).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      domainCode: 'INVALID_INPUT',
    });
    expect(errorData(bad).zodError).toMatchObject({ fieldErrors: { email: [expect.any(String)] } });

    const weak = await client.users.create
      .mutate({ email: 'w@example.com', password: 'short' })
      .catch((e: unknown) => e);
    expect(errorData(weak)).toMatchObject({ code: 'BAD_REQUEST', domainCode: 'WEAK_PASSWORD' });

    const limit = await client.users.list.query({ limit: 101 }).catch((e: unknown) => e);
    expect(errorData(limit)).toMatchObject({ code: 'BAD_REQUEST' });

    const nul = await client.users.create
      .mutate({ email: 'n@example.com', firstName: 'a\u0000b' })
      .catch((e: unknown) => e);
    expect(errorData(nul)).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      domainCode: 'INVALID_INPUT',
    });

    const missing = await client.users.get
      .query({ id: 'usr_01jzzzzzzzzzzzzzzzzzzzzzzz' })
      .catch((e: unknown) => e);
    expect(errorData(missing)).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, domainCode: 'NOT_FOUND' });
  });

  it('invites, previews and accepts through HTTP; the accepter gets a session', async () => {
    const { client } = await adminInBrowser();
    const issued = await client.invites.create.mutate({ email: 'Invitee@Example.com', role: 'member' });
    expect(issued.acceptUrl).toBe(`http://gatehouse.test/accept-invite?token=${issued.token}`);
    expect(issued.emailSent).toBe(true);
    expect(JSON.stringify(issued.invite)).not.toContain(issued.token);

    const visitor = browserLike({ origin: APP_ORIGIN });
    const anonymous = clientFor(http.url, visitor);
    expect(await anonymous.invites.preview.query({ token: issued.token })).toMatchObject({
      email: 'invitee@example.com',
      status: 'pending',
    });
    const { user } = await anonymous.invites.accept.mutate({
      token: issued.token,
      password: STRONG_PASSWORD,
    });
    expect(user.email).toBe('invitee@example.com');
    expect((await anonymous.auth.me.query()).id).toBe(user.id);
    expect((await anonymous.invites.preview.query({ token: issued.token })).status).toBe('accepted');
  });

  // The domain's races are proven in core; this one shows the same holds end to end over HTTP.
  it('of 25 concurrent accepts of one token from 25 browsers, one wins; the rest get 409 INVITE_ACCEPTED', async () => {
    const { client } = await adminInBrowser();
    const issued = await client.invites.create.mutate({ email: 'crowd@example.com', sendEmail: false });
    const browsers = Array.from({ length: 25 }, () => browserLike({ origin: APP_ORIGIN }));
    const results = await Promise.allSettled(
      browsers.map((browser, i) =>
        clientFor(http.url, browser).invites.accept.mutate({
          token: issued.token,
          password: STRONG_PASSWORD,
          firstName: `n${i}`,
        }),
      ),
    );
    const losers = results.flatMap((r) => (r.status === 'rejected' ? [errorData(r.reason)] : []));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(losers).toHaveLength(24);
    for (const data of losers) expect(data).toMatchObject({ httpStatus: 409, domainCode: 'INVITE_ACCEPTED' });
    expect(browsers.filter((browser) => browser.state.cookie)).toHaveLength(1);
    expect((await client.users.list.query({ q: 'crowd' })).total).toBe(1);
  });
});

describe('HTTP edges', () => {
  it('refuses cookie mutations from a foreign origin, or with no origin at all', async () => {
    const { browser } = await adminInBrowser();
    const cookie = browser.state.cookie ?? '';
    const post = (headers: Record<string, string>) =>
      fetch(`${http.url}/trpc/users.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify({ email: 'csrf@example.com' }),
      });
    const foreign = await post({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { data: { code: 'FORBIDDEN' } } });
    expect((await post({})).status).toBe(403);
    expect((await post({ referer: 'https://evil.example/page' })).status).toBe(403);
    expect((await post({ origin: APP_ORIGIN, 'content-type': 'text/plain' })).status).toBeGreaterThanOrEqual(
      400,
    );
    expect((await post({ referer: `${APP_ORIGIN}/users` })).status).toBe(200);
    expect(await h.core.users.findByEmail('csrf@example.com')).not.toBeNull();
  });

  it('refuses a login posted from a foreign origin (login CSRF)', async () => {
    await h.core.users.create({ email: 'x@example.com', password: STRONG_PASSWORD });
    const response = await fetch(`${http.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: 'x@example.com', password: STRONG_PASSWORD }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('never runs a mutation on GET', async () => {
    const input = encodeURIComponent(
      JSON.stringify({ email: 'viaget@example.com', password: STRONG_PASSWORD }),
    );
    const response = await fetch(`${http.url}/trpc/auth.login?input=${input}`);
    expect(response.status).toBe(405);
  });

  it('answers malformed JSON, unknown procedures and oversized bodies with 4xx', async () => {
    const malformed = await fetch(`${http.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    });
    expect(malformed.status).toBe(400);
    const unknown = await fetch(`${http.url}/trpc/nope.nothing`);
    expect(unknown.status).toBe(404);
    const oversized = await fetch(`${http.url}/trpc/auth.requestPasswordReset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${'a'.repeat(2_000_000)}@example.com` }),
    });
    expect(oversized.status).toBe(413);
  });

  it('sends helmet security headers and serves health endpoints', async () => {
    // Probes (/healthz, /readyz) go without them: http-probe-headers.test.ts.
    expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
    const response = await fetch(`${http.url}/trpc/health`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toBeTruthy();
    const ready = await fetch(`${http.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ok', db: 'up' });
    const health = await fetch(`${http.url}/trpc/health`);
    expect(await health.json()).toEqual({ result: { data: { status: 'ok', db: 'up' } } });
  });

  it('keeps secrets out of the logs', async () => {
    const { client } = await adminInBrowser();
    const issued = await client.invites.create.mutate({ email: 'logged@example.com', sendEmail: false });
    await clientFor(http.url, browserLike({ origin: APP_ORIGIN })).invites.preview.query({
      token: issued.token,
    });
    const { token } = await client.apiToken.generate.mutate({});
    await createGatehouseClient({ url: http.url, apiToken: token }).auth.me.query();
    const logs = http.logs.join('\n');
    expect(logs).toContain('/trpc/invites.preview');
    for (const secret of [issued.token, token, STRONG_PASSWORD]) expect(logs).not.toContain(secret);
  });
});
