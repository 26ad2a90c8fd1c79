import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useHttpServer, useServerCore } from './http-harness.js';

// Password-reset requests over real HTTP: always `{ ok: true }` (nothing tells whether an account
// exists or a limit was hit), but at most 3 mails per email and 20 per client IP an hour, and one
// live link per user.
const h = useServerCore();
const http = useHttpServer(h);

async function requestReset(email: string) {
  const response = await fetch(`${http.url}/trpc/auth.requestPasswordReset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  return { status: response.status, body: await response.json() };
}

async function resetWith(token: string) {
  const response = await fetch(`${http.url}/trpc/auth.resetPassword`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, newPassword: `${STRONG_PASSWORD} again` }),
  });
  return { status: response.status, body: await response.json() };
}

const mailsTo = (email: string) => h.mailer.sent.filter((message) => message.to === email).length;

describe('password-reset requests over HTTP', () => {
  it('mails one address at most 3 times an hour, answering ok every time', async () => {
    await h.core.users.create({ email: 'flooded@example.com', password: STRONG_PASSWORD });
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await requestReset('flooded@example.com'));
    for (const answer of answers)
      expect(answer).toEqual({ status: 200, body: { result: { data: { ok: true } } } });
    await h.core.idle(); // mails go out after the answer
    expect(mailsTo('flooded@example.com')).toBe(3);
  });

  it('mails at most 20 an hour on behalf of one client IP, answering ok every time', async () => {
    for (let i = 0; i < 25; i += 1) await h.core.users.create({ email: `many${i}@example.com` });
    for (let i = 0; i < 25; i += 1) {
      expect((await requestReset(`many${i}@example.com`)).status).toBe(200);
    }
    await h.core.idle();
    expect(h.mailer.sent.length).toBe(20);
  });

  it('keeps one live link per user: a new request kills the previous link', async () => {
    await h.core.users.create({ email: 'twice@example.com', password: STRONG_PASSWORD });
    await requestReset('twice@example.com');
    await h.core.idle();
    const first = h.mailer.lastTokenFor('twice@example.com');
    await requestReset('twice@example.com');
    await h.core.idle();
    const second = h.mailer.lastTokenFor('twice@example.com');
    expect(second).not.toBe(first);
    const dead = await resetWith(first);
    expect({ status: dead.status, code: dead.body.error?.data?.domainCode }).toEqual({
      status: 400,
      code: 'INVALID_TOKEN',
    });
    expect((await resetWith(second)).status).toBe(200);
  });
});
