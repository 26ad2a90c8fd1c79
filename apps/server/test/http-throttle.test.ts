import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useHttpServer, useServerCore } from './http-harness.js';

const h = useServerCore({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_MINUTES: '15' });
const http = useHttpServer(h);

const login = (email: string, password: string, ip?: string) =>
  fetch(`${http.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: JSON.stringify({ email, password }),
  });

describe('login throttling over HTTP', () => {
  it('answers 429 with Retry-After once the failures are used up, even for the right password', async () => {
    await h.core.users.create({ email: 'victim@example.com', password: STRONG_PASSWORD });
    for (let i = 0; i < 3; i += 1)
      expect((await login('victim@example.com', 'wrong password!')).status).toBe(401);

    const blocked = await login('Victim@Example.com', STRONG_PASSWORD);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await blocked.json()).toMatchObject({
      error: { data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, domainCode: 'RATE_LIMITED' } },
    });

    // Another email from the same IP is not affected; the account itself is never locked.
    await h.core.users.create({ email: 'other@example.com', password: STRONG_PASSWORD });
    expect((await login('other@example.com', STRONG_PASSWORD)).status).toBe(200);
  });

  it('answers unknown email and wrong password alike', async () => {
    await h.core.users.create({ email: 'known@example.com', password: STRONG_PASSWORD });
    const unknown = await login('nobody@example.com', STRONG_PASSWORD);
    const wrong = await login('known@example.com', 'not the password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await unknown.json(), await wrong.json()];
    expect(a.error.message).toBe(b.error.message);
    expect(a.error.data.domainCode).toBe('INVALID_CREDENTIALS');
  });
});
