import type { Principal } from '@gatehouse/core';
import { sql } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import { createCaller } from '../src/router.js';
import { createInnerContext, type SessionCookie } from '../src/trpc/context.js';
import { domainCodeOf } from '../src/trpc/errors.js';
import { failure, STRONG_PASSWORD, USER_FIELDS, useApiHarness } from './harness.js';

const h = useApiHarness();

const NEW_PASSWORD = 'a quite different passphrase 42';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function recordingCookie() {
  const events: ({ kind: 'set'; token: string; expiresAt: Date } | { kind: 'clear' })[] = [];
  const cookie: SessionCookie = {
    set: (token, expiresAt) => events.push({ kind: 'set', token, expiresAt }),
    clear: () => events.push({ kind: 'clear' }),
  };
  return { cookie, events };
}

const callerFor = (principal: Principal | null, sessionCookie?: SessionCookie) =>
  createCaller(
    createInnerContext({
      core: h.core,
      principal,
      ip: '10.0.0.9',
      ...(sessionCookie ? { sessionCookie } : {}),
    }),
  );

/** Creates a user and signs them in by session; returns the session token too. */
async function userWithSession(email: string, role: 'admin' | 'member' | 'developer' = 'member') {
  await h.core.users.create({ email, password: STRONG_PASSWORD, role });
  const login = await h.core.auth.login({ email, password: STRONG_PASSWORD }, { ip: '10.0.0.9' });
  const principal = await h.core.auth.authenticateSession(login.token);
  if (!principal) throw new Error('session did not authenticate');
  return { login, principal };
}

describe('auth.login', () => {
  it('sets a session cookie and returns the user with every field and no secret', async () => {
    const created = await h.core.users.create({
      email: 'ada@example.com',
      password: STRONG_PASSWORD,
      firstName: 'Ada',
      role: 'developer',
    });
    const { cookie, events } = recordingCookie();
    const before = Date.now();
    const result = await h.anonymous({ sessionCookie: cookie }).auth.login({
      email: 'ada@example.com',
      password: STRONG_PASSWORD,
    });

    expect(Object.keys(result).sort()).toEqual(['expiresAt', 'mfaRequired', 'user']);
    if (result.mfaRequired) throw new Error('no second factor was set up');
    expect(Object.keys(result.user).sort()).toEqual(USER_FIELDS);
    expect(result.user).toMatchObject({
      id: created.id,
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: null,
      role: 'developer',
      hasPassword: true,
      apiTokenPrefix: null,
      metadata: null,
    });
    expect(result.user.createdAt).toMatch(ISO);
    expect(result.user.updatedAt).toMatch(ISO);
    expect(result.user.lastLoginAt).toMatch(ISO);
    expect(result.expiresAt).toMatch(ISO);
    expect(Date.parse(result.expiresAt)).toBeGreaterThan(before);

    expect(events).toHaveLength(1);
    const set = events[0];
    if (set?.kind !== 'set') throw new Error('cookie was not set');
    expect(set.token).toMatch(/^ghs_[A-Za-z0-9_-]{43}$/);
    expect(set.expiresAt.toISOString()).toBe(result.expiresAt);

    const serialised = JSON.stringify(result);
    expect(serialised).not.toContain(set.token);
    expect(serialised).not.toContain(STRONG_PASSWORD);
    expect(serialised.toLowerCase()).not.toContain('hash');

    const principal = await h.core.auth.authenticateSession(set.token);
    expect(principal).toMatchObject({ via: 'session', user: { id: created.id } });
  });

  it('normalises the email before looking the user up', async () => {
    await h.core.users.create({ email: 'grace@example.com', password: STRONG_PASSWORD });
    await expect(
      h.anonymous().auth.login({ email: '  Grace@EXAMPLE.com ', password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({ user: { email: 'grace@example.com' } });
  });

  it('answers an unknown email and a wrong password identically', async () => {
    await h.core.users.create({ email: 'known@example.com', password: STRONG_PASSWORD });
    await h.core.users.create({ email: 'nopassword@example.com' });
    const { cookie, events } = recordingCookie();
    const caller = h.anonymous({ sessionCookie: cookie, ip: '192.0.2.10' });

    const unknown = await failure(
      caller.auth.login({ email: 'unknown@example.com', password: STRONG_PASSWORD }),
    );
    const wrong = await failure(
      caller.auth.login({ email: 'known@example.com', password: 'not the password!' }),
    );
    const passwordless = await failure(
      caller.auth.login({ email: 'nopassword@example.com', password: STRONG_PASSWORD }),
    );

    for (const error of [unknown, wrong, passwordless]) {
      expect(error.code).toBe('UNAUTHORIZED');
      expect(error.message).toBe(unknown.message);
      expect(error.cause).toMatchObject({ code: 'INVALID_CREDENTIALS' });
      expect(domainCodeOf(error)).toBe('INVALID_CREDENTIALS');
    }
    expect(unknown.message).not.toMatch(/unknown@example.com/);
    expect(events).toEqual([]);
  });

  it("refuses a deleted user's credentials", async () => {
    const { caller: admin } = await h.signedIn('admin');
    const user = await h.core.users.create({ email: 'gone@example.com', password: STRONG_PASSWORD });
    await admin.users.delete({ id: user.id });
    await expect(
      h.anonymous().auth.login({ email: 'gone@example.com', password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED', cause: { code: 'INVALID_CREDENTIALS' } });
  });

  it('rejects malformed input as BAD_REQUEST', async () => {
    for (const input of [
      { email: 'not-an-email', password: STRONG_PASSWORD },
      { email: 'someone@example.com', password: '' },
    ]) {
      const error = await failure(h.anonymous().auth.login(input));
      expect(error.code).toBe('BAD_REQUEST');
      expect(domainCodeOf(error)).toBe('INVALID_INPUT');
    }
  });
});

describe('auth.logout', () => {
  it('clears the cookie and ends the session', async () => {
    const { login, principal } = await userWithSession('leaver@example.com');
    const { cookie, events } = recordingCookie();
    await expect(callerFor(principal, cookie).auth.logout()).resolves.toEqual({ ok: true });
    expect(events).toEqual([{ kind: 'clear' }]);
    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
  });

  it('ends only the current session', async () => {
    const { login, principal } = await userWithSession('two-tabs@example.com');
    const other = await h.core.auth.login({ email: 'two-tabs@example.com', password: STRONG_PASSWORD });
    await callerFor(principal).auth.logout();
    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
    expect(await h.core.auth.authenticateSession(other.token)).not.toBeNull();
  });

  it('is harmless for an API-token caller: the token keeps working', async () => {
    const { principal } = await userWithSession('robot@example.com');
    const generated = await h.core.apiTokens.generate(principal.user.id);
    const viaToken = await h.core.auth.authenticateApiToken(generated.token);
    await expect(callerFor(viaToken).auth.logout()).resolves.toEqual({ ok: true });
    expect(await h.core.auth.authenticateApiToken(generated.token)).not.toBeNull();
  });

  it('requires a signed-in caller', async () => {
    const { cookie, events } = recordingCookie();
    await expect(h.anonymous({ sessionCookie: cookie }).auth.logout()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(events).toEqual([]);
  });
});

describe('auth.me', () => {
  it("returns the caller's own user with every field", async () => {
    const { caller, principal } = await h.signedIn('developer', 'me@example.com');
    const me = await caller.auth.me();
    expect(Object.keys(me).sort()).toEqual(USER_FIELDS);
    expect(me).toMatchObject({ id: principal.user.id, email: 'me@example.com', role: 'developer' });
  });

  it('is UNAUTHORIZED without a principal', async () => {
    await expect(h.anonymous().auth.me()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      cause: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('auth.changePassword', () => {
  it('keeps the current session, ends the others, and swaps the password', async () => {
    const { login: current, principal } = await userWithSession('changer@example.com');
    const other = await h.core.auth.login({ email: 'changer@example.com', password: STRONG_PASSWORD });

    await expect(
      callerFor(principal).auth.changePassword({
        currentPassword: STRONG_PASSWORD,
        newPassword: NEW_PASSWORD,
      }),
    ).resolves.toEqual({ ok: true });

    expect(await h.core.auth.authenticateSession(current.token)).toMatchObject({
      sessionId: current.sessionId,
    });
    expect(await h.core.auth.authenticateSession(other.token)).toBeNull();
    await expect(
      h.anonymous().auth.login({ email: 'changer@example.com', password: NEW_PASSWORD }),
    ).resolves.toMatchObject({ user: { id: principal.user.id } });
    await expect(
      h.anonymous().auth.login({ email: 'changer@example.com', password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a wrong current password with UNAUTHORIZED / INVALID_CREDENTIALS and changes nothing', async () => {
    const { login, principal } = await userWithSession('forgetful@example.com');
    const other = await h.core.auth.login({ email: 'forgetful@example.com', password: STRONG_PASSWORD });
    const error = await failure(
      callerFor(principal).auth.changePassword({
        currentPassword: 'wrong password!',
        newPassword: NEW_PASSWORD,
      }),
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.cause).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await h.core.auth.authenticateSession(login.token)).not.toBeNull();
    expect(await h.core.auth.authenticateSession(other.token)).not.toBeNull();
    await expect(
      h.anonymous().auth.login({ email: 'forgetful@example.com', password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['7 characters', 'abcdefg'],
    ['257 characters', 'p'.repeat(257)],
    ['a common password', 'password123'],
    ["the user's email name", 'xx-weakling-2024-yy'],
    ['5000 characters', 'p'.repeat(5000)],
  ])('refuses a weak new password (%s) with BAD_REQUEST / WEAK_PASSWORD', async (_case, newPassword) => {
    const { principal } = await userWithSession('weakling@example.com');
    const error = await failure(
      callerFor(principal).auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'WEAK_PASSWORD' });
    expect(domainCodeOf(error)).toBe('WEAK_PASSWORD');
    await expect(
      h.anonymous().auth.login({ email: 'weakling@example.com', password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });
});

describe('auth.requestPasswordReset', () => {
  it('mails a reset link to a known user (email normalised)', async () => {
    await h.core.users.create({ email: 'reset-me@example.com', password: STRONG_PASSWORD });
    await expect(
      h.anonymous().auth.requestPasswordReset({ email: ' Reset-Me@Example.com ' }),
    ).resolves.toEqual({ ok: true });
    await h.core.idle();
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.text).toContain('http://gatehouse.test/reset-password?token=ghr_');
    expect(h.mailer.lastTokenFor('reset-me@example.com')).toMatch(/^ghr_[A-Za-z0-9_-]{43}$/);
  });

  it('answers the same for an unknown email and sends nothing', async () => {
    await expect(h.anonymous().auth.requestPasswordReset({ email: 'nobody@example.com' })).resolves.toEqual({
      ok: true,
    });
    await h.core.idle();
    expect(h.mailer.sent).toEqual([]);
  });

  it('still answers ok when the mail cannot be sent', async () => {
    await h.core.users.create({ email: 'unlucky@example.com', password: STRONG_PASSWORD });
    h.mailer.failNext();
    await expect(h.anonymous().auth.requestPasswordReset({ email: 'unlucky@example.com' })).resolves.toEqual({
      ok: true,
    });
    await h.core.idle();
  });
});

describe('auth.resetPassword', () => {
  async function resetToken(email: string) {
    await h.core.users.create({ email, password: STRONG_PASSWORD });
    await h.anonymous().auth.requestPasswordReset({ email });
    await h.core.idle();
    return h.mailer.lastTokenFor(email);
  }

  it('sets the new password, ends every session, and is single use', async () => {
    const { login } = await userWithSession('resetter@example.com');
    await h.anonymous().auth.requestPasswordReset({ email: 'resetter@example.com' });
    await h.core.idle();
    const token = h.mailer.lastTokenFor('resetter@example.com');

    await expect(h.anonymous().auth.resetPassword({ token, newPassword: NEW_PASSWORD })).resolves.toEqual({
      ok: true,
    });
    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
    await expect(
      h.anonymous().auth.login({ email: 'resetter@example.com', password: NEW_PASSWORD }),
    ).resolves.toBeDefined();
    await expect(
      h.anonymous().auth.login({ email: 'resetter@example.com', password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    const again = await failure(
      h.anonymous().auth.resetPassword({ token, newPassword: 'yet another passphrase 77' }),
    );
    expect(again.code).toBe('BAD_REQUEST');
    expect(again.cause).toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(
      h.anonymous().auth.login({ email: 'resetter@example.com', password: NEW_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['7 characters', 'abcdefg'],
    ['257 characters', 'p'.repeat(257)],
    ['5000 characters', 'p'.repeat(5000)],
  ])('refuses a %s password with BAD_REQUEST / WEAK_PASSWORD, leaving the link usable', async (_case, pw) => {
    const token = await resetToken('short-or-long@example.com');
    const error = await failure(h.anonymous().auth.resetPassword({ token, newPassword: pw }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'WEAK_PASSWORD' });
    await expect(h.anonymous().auth.resetPassword({ token, newPassword: NEW_PASSWORD })).resolves.toEqual({
      ok: true,
    });
  });

  it('accepts exactly 8 and exactly 256 characters', async () => {
    const token8 = await resetToken('eight@example.com');
    await expect(
      h.anonymous().auth.resetPassword({ token: token8, newPassword: 'Qx7!mZ2#' }),
    ).resolves.toEqual({ ok: true });
    const token256 = await resetToken('maxlen@example.com');
    const long = 'Qx7!mZ2#'.repeat(32);
    expect(long).toHaveLength(256);
    await expect(h.anonymous().auth.resetPassword({ token: token256, newPassword: long })).resolves.toEqual({
      ok: true,
    });
    await expect(
      h.anonymous().auth.login({ email: 'maxlen@example.com', password: long }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['garbage', 'garbage'],
    ['a well-formed token that was never issued', `ghr_${'A'.repeat(43)}`],
    ['a token of another kind', `ghi_${'A'.repeat(43)}`],
  ])('refuses %s with BAD_REQUEST / INVALID_TOKEN', async (_case, token) => {
    const error = await failure(h.anonymous().auth.resetPassword({ token, newPassword: NEW_PASSWORD }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(domainCodeOf(error)).toBe('INVALID_TOKEN');
  });

  it('refuses a link older than its validity with INVALID_TOKEN', async () => {
    const token = await resetToken('too-late@example.com');
    await sql(h.core, `update "password_reset" set expires_at = now() - interval '1 second'`);
    await expect(
      h.anonymous().auth.resetPassword({ token, newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', cause: { code: 'INVALID_TOKEN' } });
    await expect(
      h.anonymous().auth.login({ email: 'too-late@example.com', password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('refuses an empty token as invalid input', async () => {
    await expect(
      h.anonymous().auth.resetPassword({ token: '', newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('auth.logoutAll', () => {
  it('ends every session of the caller, this one included, and clears the cookie', async () => {
    const { principal } = await h.signedIn('member', 'everywhere@example.com');
    const other = await h.core.auth.login(
      { email: 'everywhere@example.com', password: STRONG_PASSWORD },
      { ip: '10.1.1.1' },
    );
    const cleared: string[] = [];
    const caller = createCaller(
      createInnerContext({
        core: h.core,
        principal,
        sessionCookie: { set() {}, clear: () => cleared.push('clear') },
      }),
    );
    expect(await caller.auth.logoutAll()).toEqual({ ok: true, ended: 2 });
    expect(cleared).toEqual(['clear']);
    expect(await h.core.auth.authenticateSession(other.token)).toBeNull();
    const audit = await h.core.audit.list({ action: 'auth.logout_all', actorId: principal.user.id });
    expect(audit.items.map((event) => event.metadata)).toEqual([{ ended: 2 }]);
  });
});

describe('auth.sessions and auth.revokeSession', () => {
  it("lists the caller's sessions, marks the current one, and ends another by id", async () => {
    const { principal } = await h.signedIn('developer', 'laptop@example.com');
    const phone = await h.core.auth.login(
      { email: 'laptop@example.com', password: STRONG_PASSWORD },
      { ip: '198.51.100.4', userAgent: 'Phone/1.0' },
    );
    const cleared: string[] = [];
    const caller = createCaller(
      createInnerContext({
        core: h.core,
        principal,
        sessionCookie: { set() {}, clear: () => cleared.push('clear') },
      }),
    );
    const sessions = await caller.auth.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([principal.sessionId]);
    expect(sessions.find((s) => s.id === phone.sessionId)).toMatchObject({
      ip: '198.51.100.4',
      userAgent: 'Phone/1.0',
    });
    expect(JSON.stringify(sessions)).not.toContain(phone.token);

    expect(await caller.auth.revokeSession({ id: phone.sessionId })).toEqual({ ok: true });
    expect(cleared).toEqual([]);
    expect(await h.core.auth.authenticateSession(phone.token)).toBeNull();
    expect(await caller.auth.sessions()).toHaveLength(1);
  });

  it("cannot end someone else's session: NOT_FOUND, and it stays valid", async () => {
    const { caller } = await h.signedIn('admin', 'curious@example.com');
    await h.core.users.create({ email: 'victim2@example.com', password: STRONG_PASSWORD });
    const theirs = await h.core.auth.login(
      { email: 'victim2@example.com', password: STRONG_PASSWORD },
      { ip: '10.2.2.2' },
    );
    await expect(caller.auth.revokeSession({ id: theirs.sessionId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await h.core.auth.authenticateSession(theirs.token)).not.toBeNull();
  });
});
