import type { TestCoreHarness } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import { type HttpHarness, STRONG_PASSWORD, useHttpServer, useServerCore } from './http-harness.js';

// Real sockets: the test's fetch connects from 127.0.0.1 and writes X-Forwarded-For itself, as an
// attacker (or a proxy) would. The IP the server settles on is read back from what it really did:
// the audit row of a failed sign-in, and the login throttle that is keyed per (IP, email).

// The login throttle lives as long as the server: every test signs in as an email of its own.
let emails = 0;
const freshEmail = () => {
  emails += 1;
  return `user-${emails}@example.com`;
};

const failedLogin = (http: HttpHarness, forwardedFor: string | undefined, email: string) =>
  fetch(`${http.url}/trpc/auth.login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
    body: JSON.stringify({ email, password: 'not the password' }),
  });

/** The IP recorded for the failed sign-in that `forwardedFor` came with. */
async function ipSeenFor(
  h: TestCoreHarness,
  http: HttpHarness,
  forwardedFor?: string,
): Promise<string | null> {
  const response = await failedLogin(http, forwardedFor, freshEmail());
  expect(response.status).toBe(401);
  const { items } = await h.core.audit.list({ action: 'auth.login_failed' });
  expect(items.length).toBeGreaterThan(0);
  return items[0]?.ip ?? null;
}

/** Fails three times (LOGIN_MAX_FAILURES) with a new forged header each time, then tries the right password. */
async function rotateForgedHeaders(h: TestCoreHarness, http: HttpHarness, forged: (i: number) => string) {
  const email = freshEmail();
  await h.core.users.create({ email, password: STRONG_PASSWORD });
  for (let i = 0; i < 3; i += 1) expect((await failedLogin(http, forged(i), email)).status).toBe(401);
  return fetch(`${http.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forged(3) },
    body: JSON.stringify({ email, password: STRONG_PASSWORD }),
  });
}

describe('without TRUST_PROXY, X-Forwarded-For is ignored', () => {
  const h = useServerCore({ LOGIN_MAX_FAILURES: '3' });
  const http = useHttpServer(h);

  it('records the peer address, not the forged header', async () => {
    expect(await ipSeenFor(h, http)).toBe('127.0.0.1');
    expect(await ipSeenFor(h, http, '203.0.113.9')).toBe('127.0.0.1');
    expect(await ipSeenFor(h, http, '203.0.113.9, 198.51.100.4')).toBe('127.0.0.1');
  });

  it('keeps throttling a client that forges a new X-Forwarded-For on every attempt', async () => {
    const blocked = await rotateForgedHeaders(h, http, (i) => `198.51.100.${i + 1}`);
    expect(blocked.status).toBe(429);
  });
});

describe('with TRUST_PROXY=::1,127.0.0.1, the rightmost untrusted hop is the client', () => {
  const h = useServerCore({ LOGIN_MAX_FAILURES: '3', TRUST_PROXY: '::1,127.0.0.1' });
  const http = useHttpServer(h);

  it('takes the address the trusted proxy appended', async () => {
    expect(await ipSeenFor(h, http, '203.0.113.7')).toBe('203.0.113.7');
  });

  it('ignores entries a client prepends: it cannot choose its IP', async () => {
    // The client sent `X-Forwarded-For: 6.6.6.6`; the proxy appended the address it saw.
    expect(await ipSeenFor(h, http, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    // Claiming to be a trusted proxy itself does not help either.
    expect(await ipSeenFor(h, http, '6.6.6.6, 127.0.0.1, 203.0.113.7')).toBe('203.0.113.7');
    // Trusted hops on the right are skipped: the first untrusted one from the right counts.
    expect(await ipSeenFor(h, http, '6.6.6.6, 203.0.113.7, 127.0.0.1')).toBe('203.0.113.7');
  });

  it('keeps throttling a client that rotates fake leftmost entries behind the proxy', async () => {
    const blocked = await rotateForgedHeaders(h, http, (i) => `10.${i}.0.1, 203.0.113.7`);
    expect(blocked.status).toBe(429);
  });
});

describe('with TRUST_PROXY naming other proxies, a direct client cannot set its IP', () => {
  const h = useServerCore({ TRUST_PROXY: '10.0.0.0/8,fd00::/8' });
  const http = useHttpServer(h);

  it('records the peer address, since the peer is not a listed proxy', async () => {
    expect(await ipSeenFor(h, http, '203.0.113.9')).toBe('127.0.0.1');
    expect(await ipSeenFor(h, http, '10.1.1.1')).toBe('127.0.0.1');
  });
});
