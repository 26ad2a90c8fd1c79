import { createHash } from 'node:crypto';
import { sql } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import type { SessionCookie } from '../src/trpc/context.js';
import { domainCodeOf } from '../src/trpc/errors.js';
import { failure, STRONG_PASSWORD, useApiHarness } from './harness.js';

const h = useApiHarness();

const INVITE_FIELDS = [
  'accepted',
  'acceptedAt',
  'createdAt',
  'email',
  'expiresAt',
  'id',
  'invitedBy',
  'role',
  'status',
  'updatedAt',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HOUR = 3_600_000;
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

function recordingCookie() {
  const set: { token: string; expiresAt: Date }[] = [];
  const cookie: SessionCookie = {
    set: (token, expiresAt) => set.push({ token, expiresAt }),
    clear: () => {},
  };
  return { cookie, set };
}

/** Moves an invite's expiry into the past (what the clock would do after INVITE_TTL_HOURS). */
async function expire(inviteId: string) {
  await sql(h.core, `update "invite" set expires_at = now() - interval '1 minute' where id = ?`, [inviteId]);
}

async function admin() {
  return h.signedIn('admin');
}

describe('invites.create', () => {
  it('returns the invite, the token once, the accept URL, and mails the link', async () => {
    const { caller, principal } = await admin();
    const before = Date.now();
    const issued = await caller.invites.create({ email: '  New.Hire@Example.COM ', role: 'developer' });

    expect(Object.keys(issued).sort()).toEqual(['acceptUrl', 'emailSent', 'invite', 'reused', 'token']);
    expect(issued.reused).toBe(false);
    expect(issued.token).toMatch(/^ghi_[A-Za-z0-9_-]{43}$/);
    expect(issued.acceptUrl).toBe(`http://gatehouse.test/accept-invite?token=${issued.token}`);
    expect(issued.emailSent).toBe(true);

    const { invite } = issued;
    expect(Object.keys(invite).sort()).toEqual(INVITE_FIELDS);
    expect(invite).toMatchObject({
      email: 'new.hire@example.com',
      role: 'developer',
      status: 'pending',
      accepted: false,
      acceptedAt: null,
      invitedBy: principal.user.id,
    });
    expect(invite.id).toMatch(/^inv_[0-9a-z]{26}$/);
    expect(invite.createdAt).toMatch(ISO);
    expect(invite.updatedAt).toMatch(ISO);
    // One week by default.
    const ttl = Date.parse(invite.expiresAt) - before;
    expect(ttl).toBeGreaterThan(168 * HOUR - 60_000);
    expect(ttl).toBeLessThanOrEqual(168 * HOUR + 60_000);

    expect(JSON.stringify(invite)).not.toContain(issued.token);
    expect(JSON.stringify(issued)).not.toContain(sha256(issued.token));

    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.to).toBe('new.hire@example.com');
    expect(h.mailer.sent[0]?.text).toContain(issued.acceptUrl);
    expect(h.mailer.lastTokenFor('new.hire@example.com')).toBe(issued.token);
  });

  it('defaults the role to member', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'default-role@example.com', sendEmail: false });
    expect(issued.invite.role).toBe('member');
  });

  it('sendEmail false sends nothing and reports emailSent false', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'quiet@example.com', sendEmail: false });
    expect(issued.emailSent).toBe(false);
    expect(issued.token).toMatch(/^ghi_/);
    expect(h.mailer.sent).toEqual([]);
    await expect(h.anonymous().invites.preview({ token: issued.token })).resolves.toMatchObject({
      status: 'pending',
    });
  });

  it('a failed mail still creates the invite, with emailSent false', async () => {
    const { caller } = await admin();
    h.mailer.failNext();
    const issued = await caller.invites.create({ email: 'unlucky@example.com' });
    expect(issued.emailSent).toBe(false);
    expect(h.mailer.sent).toEqual([]);
    const listed = await caller.invites.list({ q: 'unlucky' });
    expect(listed.items.map((i) => i.id)).toEqual([issued.invite.id]);
    await expect(h.anonymous().invites.preview({ token: issued.token })).resolves.toMatchObject({
      email: 'unlucky@example.com',
      status: 'pending',
    });
  });

  it("refuses an existing user's email (any case) with CONFLICT / EMAIL_TAKEN", async () => {
    const { caller } = await admin();
    await caller.users.create({ email: 'already@example.com' });
    const error = await failure(caller.invites.create({ email: 'Already@Example.com', sendEmail: false }));
    expect(error.code).toBe('CONFLICT');
    expect(error.cause).toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(domainCodeOf(error)).toBe('EMAIL_TAKEN');
    expect((await caller.invites.list({})).total).toBe(0);
  });

  it('refuses an invalid email with BAD_REQUEST', async () => {
    const { caller } = await admin();
    await expect(caller.invites.create({ email: 'nope', sendEmail: false })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('inviting the same email again reuses the invite: same id, new role and token, old token dead', async () => {
    const { caller } = await admin();
    const first = await caller.invites.create({
      email: 'twice@example.com',
      role: 'member',
      sendEmail: false,
    });
    const second = await caller.invites.create({
      email: 'TWICE@example.com',
      role: 'admin',
      sendEmail: false,
    });

    expect(second.invite.id).toBe(first.invite.id);
    expect([first.reused, second.reused]).toEqual([false, true]);
    expect(second.token).not.toBe(first.token);
    expect(second.invite.role).toBe('admin');
    expect(second.invite.status).toBe('pending');

    const stale = await failure(h.anonymous().invites.preview({ token: first.token }));
    expect(stale.code).toBe('BAD_REQUEST');
    expect(stale.cause).toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(h.anonymous().invites.preview({ token: second.token })).resolves.toMatchObject({
      email: 'twice@example.com',
      role: 'admin',
      status: 'pending',
    });
    await expect(
      h.anonymous().invites.accept({ token: first.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', cause: { code: 'INVALID_TOKEN' } });
    expect((await caller.invites.list({ q: 'twice' })).total).toBe(1);
  });

  it('reuses an expired invite too, with a fresh expiry', async () => {
    const { caller } = await admin();
    const first = await caller.invites.create({ email: 'late@example.com', sendEmail: false });
    await expire(first.invite.id);
    expect((await h.anonymous().invites.preview({ token: first.token })).status).toBe('expired');

    const second = await caller.invites.create({ email: 'late@example.com', sendEmail: false });
    expect(second.invite.id).toBe(first.invite.id);
    expect(second.invite.status).toBe('pending');
    expect(Date.parse(second.invite.expiresAt)).toBeGreaterThan(Date.now() + 167 * HOUR);
  });

  it('after a revoke, inviting the email again makes a new invite', async () => {
    const { caller } = await admin();
    const first = await caller.invites.create({ email: 'again@example.com', sendEmail: false });
    await caller.invites.revoke({ id: first.invite.id });
    const second = await caller.invites.create({ email: 'again@example.com', sendEmail: false });
    expect(second.invite.id).not.toBe(first.invite.id);
    expect((await h.anonymous().invites.preview({ token: first.token })).status).toBe('revoked');
  });
});

describe('invites.resend', () => {
  it('issues a new token and expiry; the old token stops working at once', async () => {
    const { caller } = await admin();
    const first = await caller.invites.create({ email: 'resend@example.com', sendEmail: false });
    const resent = await caller.invites.resend({ id: first.invite.id });

    expect(Object.keys(resent).sort()).toEqual(['acceptUrl', 'emailSent', 'invite', 'reused', 'token']);
    expect(resent.reused).toBe(true);
    expect(resent.invite.id).toBe(first.invite.id);
    expect(resent.token).toMatch(/^ghi_[A-Za-z0-9_-]{43}$/);
    expect(resent.token).not.toBe(first.token);
    expect(resent.acceptUrl).toBe(`http://gatehouse.test/accept-invite?token=${resent.token}`);
    expect(resent.emailSent).toBe(true);
    expect(h.mailer.lastTokenFor('resend@example.com')).toBe(resent.token);
    expect(Object.keys(resent.invite).sort()).toEqual(INVITE_FIELDS);

    await expect(h.anonymous().invites.preview({ token: first.token })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      cause: { code: 'INVALID_TOKEN' },
    });
    await expect(
      h.anonymous().invites.accept({ token: first.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ cause: { code: 'INVALID_TOKEN' } });
    await expect(
      h.anonymous().invites.accept({ token: resent.token, password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({ user: { email: 'resend@example.com' } });
  });

  it('sendEmail false sends nothing', async () => {
    const { caller } = await admin();
    const first = await caller.invites.create({ email: 'quiet-resend@example.com', sendEmail: false });
    const resent = await caller.invites.resend({ id: first.invite.id, sendEmail: false });
    expect(resent.emailSent).toBe(false);
    expect(h.mailer.sent).toEqual([]);
  });

  it('revives an expired invite', async () => {
    const { caller } = await admin();
    const first = await caller.invites.create({ email: 'expired-resend@example.com', sendEmail: false });
    await expire(first.invite.id);
    const resent = await caller.invites.resend({ id: first.invite.id, sendEmail: false });
    expect(resent.invite.status).toBe('pending');
    expect(Date.parse(resent.invite.expiresAt)).toBeGreaterThan(Date.now() + 167 * HOUR);
    await expect(
      h.anonymous().invites.accept({ token: resent.token, password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('refuses an accepted invite with CONFLICT / INVITE_ACCEPTED', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'done@example.com', sendEmail: false });
    await h.anonymous().invites.accept({ token: issued.token, password: STRONG_PASSWORD });
    const error = await failure(caller.invites.resend({ id: issued.invite.id, sendEmail: false }));
    expect(error.code).toBe('CONFLICT');
    expect(error.cause).toMatchObject({ code: 'INVITE_ACCEPTED' });
  });

  it('refuses a revoked invite with INVITE_REVOKED', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'cancelled@example.com', sendEmail: false });
    await caller.invites.revoke({ id: issued.invite.id });
    const error = await failure(caller.invites.resend({ id: issued.invite.id, sendEmail: false }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'INVITE_REVOKED' });
    expect(domainCodeOf(error)).toBe('INVITE_REVOKED');
    expect(h.mailer.sent).toEqual([]);
  });

  it('gives NOT_FOUND for an unknown id', async () => {
    const { caller } = await admin();
    await expect(
      caller.invites.resend({ id: 'inv_01jxxxxxxxxxxxxxxxxxxxxxxx', sendEmail: false }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('invites.revoke', () => {
  it('revokes: status revoked everywhere, the token can no longer be accepted', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'revoke-me@example.com', sendEmail: false });
    await expect(caller.invites.revoke({ id: issued.invite.id })).resolves.toEqual({
      id: issued.invite.id,
      revoked: true,
    });
    const listed = await caller.invites.list({ status: 'revoked' });
    expect(listed.items.map((i) => [i.id, i.status])).toEqual([[issued.invite.id, 'revoked']]);
    expect((await h.anonymous().invites.preview({ token: issued.token })).status).toBe('revoked');
    const error = await failure(
      h.anonymous().invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'INVITE_REVOKED' });
    expect((await caller.users.list({ q: 'revoke-me' })).total).toBe(0);
  });

  it('revoking twice is harmless', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'twice-revoked@example.com', sendEmail: false });
    await caller.invites.revoke({ id: issued.invite.id });
    await expect(caller.invites.revoke({ id: issued.invite.id })).resolves.toEqual({
      id: issued.invite.id,
      revoked: true,
    });
  });

  it('refuses an accepted invite with CONFLICT / INVITE_ACCEPTED', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'accepted-first@example.com', sendEmail: false });
    await h.anonymous().invites.accept({ token: issued.token, password: STRONG_PASSWORD });
    await expect(caller.invites.revoke({ id: issued.invite.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      cause: { code: 'INVITE_ACCEPTED' },
    });
  });

  it('gives NOT_FOUND for an unknown id', async () => {
    const { caller } = await admin();
    await expect(caller.invites.revoke({ id: 'inv_01jxxxxxxxxxxxxxxxxxxxxxxx' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('invites.preview', () => {
  it('answers a pending invite with exactly email, role, status and expiry', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({
      email: 'peek@example.com',
      role: 'developer',
      sendEmail: false,
    });
    const preview = await h.anonymous().invites.preview({ token: issued.token });
    expect(preview).toEqual({
      email: 'peek@example.com',
      role: 'developer',
      status: 'pending',
      expiresAt: issued.invite.expiresAt,
    });
  });

  it('answers revoked, accepted and expired invites normally with that status', async () => {
    const { caller } = await admin();
    const revoked = await caller.invites.create({ email: 'r@example.com', sendEmail: false });
    await caller.invites.revoke({ id: revoked.invite.id });
    const accepted = await caller.invites.create({ email: 'a@example.com', sendEmail: false });
    await h.anonymous().invites.accept({ token: accepted.token, password: STRONG_PASSWORD });
    const expired = await caller.invites.create({ email: 'e@example.com', sendEmail: false });
    await expire(expired.invite.id);

    const anonymous = h.anonymous();
    expect(await anonymous.invites.preview({ token: revoked.token })).toMatchObject({
      email: 'r@example.com',
      status: 'revoked',
    });
    expect(await anonymous.invites.preview({ token: accepted.token })).toMatchObject({
      email: 'a@example.com',
      status: 'accepted',
    });
    expect(await anonymous.invites.preview({ token: expired.token })).toMatchObject({
      email: 'e@example.com',
      status: 'expired',
    });
  });

  it('has no side effects', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'scanner@example.com', sendEmail: false });
    const auditBefore = await caller.audit.list({ limit: 100 });
    const listBefore = await caller.invites.list({});
    for (let i = 0; i < 3; i += 1) await h.anonymous().invites.preview({ token: issued.token });
    expect(await caller.invites.list({})).toEqual(listBefore);
    expect(await caller.audit.list({ limit: 100 })).toEqual(auditBefore);
    await expect(
      h.anonymous().invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['garbage', 'garbage'],
    ['a well-formed unknown invite token', `ghi_${'B'.repeat(43)}`],
    ['a token of another kind', `ghs_${'B'.repeat(43)}`],
  ])('an unknown token (%s) is BAD_REQUEST / INVALID_TOKEN', async (_case, token) => {
    const error = await failure(h.anonymous().invites.preview({ token }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(domainCodeOf(error)).toBe('INVALID_TOKEN');
  });
});

describe('invites.accept', () => {
  it("creates the user with the invite's email and role, signs them in, and marks the invite accepted", async () => {
    const { caller, principal } = await admin();
    const issued = await caller.invites.create({
      email: 'joiner@example.com',
      role: 'developer',
      sendEmail: false,
    });
    const { cookie, set } = recordingCookie();

    const result = await h.anonymous({ sessionCookie: cookie }).invites.accept({
      token: issued.token,
      password: STRONG_PASSWORD,
      firstName: 'Jo',
      lastName: 'Iner',
      // The accepter cannot choose another email: unknown keys are ignored.
      email: 'attacker@example.com',
    } as never);

    expect(Object.keys(result)).toEqual(['user']);
    expect(result.user).toMatchObject({
      email: 'joiner@example.com',
      role: 'developer',
      firstName: 'Jo',
      lastName: 'Iner',
      hasPassword: true,
    });
    expect(set).toHaveLength(1);
    expect(set[0]?.token).toMatch(/^ghs_[A-Za-z0-9_-]{43}$/);
    expect(set[0]?.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await h.core.auth.authenticateSession(set[0]?.token ?? '')).toMatchObject({
      via: 'session',
      user: { id: result.user.id, role: 'developer' },
    });
    expect(JSON.stringify(result)).not.toContain(set[0]?.token);

    const invite = (await caller.invites.list({ q: 'joiner' })).items[0];
    expect(invite).toMatchObject({
      id: issued.invite.id,
      status: 'accepted',
      accepted: true,
      invitedBy: principal.user.id,
    });
    expect(invite?.acceptedAt).toMatch(ISO);
    expect((await caller.users.list({ q: 'attacker' })).total).toBe(0);
    await expect(
      h.anonymous().auth.login({ email: 'joiner@example.com', password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({ user: { id: result.user.id } });
  });

  it('a second accept is CONFLICT / INVITE_ACCEPTED and sets no cookie', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'once@example.com', sendEmail: false });
    await h.anonymous().invites.accept({ token: issued.token, password: STRONG_PASSWORD });
    const { cookie, set } = recordingCookie();
    const error = await failure(
      h
        .anonymous({ sessionCookie: cookie })
        .invites.accept({ token: issued.token, password: 'another passphrase 99' }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.cause).toMatchObject({ code: 'INVITE_ACCEPTED' });
    expect(domainCodeOf(error)).toBe('INVITE_ACCEPTED');
    expect(set).toEqual([]);
    expect((await caller.users.list({ q: 'once' })).total).toBe(1);
  });

  it('an expired invite is BAD_REQUEST / INVITE_EXPIRED', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'slow@example.com', sendEmail: false });
    await expire(issued.invite.id);
    const error = await failure(
      h.anonymous().invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'INVITE_EXPIRED' });
  });

  it.each([
    ['7 characters', 'abcdefg'],
    ['257 characters', 'p'.repeat(257)],
    ['a common password', 'password123'],
    ['the email name', 'hello-weakjoiner-1'],
    ['5000 characters', 'p'.repeat(5000)],
  ])(
    'a weak password (%s) is BAD_REQUEST / WEAK_PASSWORD and the invite stays pending',
    async (_case, password) => {
      const { caller } = await admin();
      const issued = await caller.invites.create({ email: 'weakjoiner@example.com', sendEmail: false });
      const error = await failure(h.anonymous().invites.accept({ token: issued.token, password }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.cause).toMatchObject({ code: 'WEAK_PASSWORD' });
      expect((await h.anonymous().invites.preview({ token: issued.token })).status).toBe('pending');
      expect((await caller.users.list({ q: 'weakjoiner' })).total).toBe(0);
    },
  );

  it('when a user with the email was created meanwhile: a 4xx, no cookie, no second user', async () => {
    const { caller } = await admin();
    const issued = await caller.invites.create({ email: 'overtaken@example.com', sendEmail: false });
    const direct = await caller.users.create({ email: 'overtaken@example.com' });
    const { cookie, set } = recordingCookie();
    const error = await failure(
      h
        .anonymous({ sessionCookie: cookie })
        .invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    );
    // The contract leaves open whether creating the user closes the invite (INVITE_REVOKED) or the
    // accept runs into the taken email (EMAIL_TAKEN); either way it is the caller's 4xx, never a 500.
    const expected = { CONFLICT: 'EMAIL_TAKEN', BAD_REQUEST: 'INVITE_REVOKED' } as Record<string, string>;
    expect(Object.keys(expected)).toContain(error.code);
    expect(error.cause).toMatchObject({ code: expected[error.code] });
    expect(set).toEqual([]);
    const users = await caller.users.list({ q: 'overtaken' });
    expect(users.items.map((u) => u.id)).toEqual([direct.id]);
    expect((await h.anonymous().invites.preview({ token: issued.token })).status).not.toBe('accepted');
  });

  it('an unknown token is BAD_REQUEST / INVALID_TOKEN', async () => {
    await expect(
      h.anonymous().invites.accept({ token: `ghi_${'C'.repeat(43)}`, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', cause: { code: 'INVALID_TOKEN' } });
  });
});

describe('invites.list', () => {
  async function seed() {
    const { caller } = await admin();
    const pending = await caller.invites.create({ email: 'p1@example.com', sendEmail: false });
    await caller.invites.create({ email: 'p2@corp.test', sendEmail: false });
    const revoked = await caller.invites.create({ email: 'r1@example.com', sendEmail: false });
    await caller.invites.revoke({ id: revoked.invite.id });
    const accepted = await caller.invites.create({ email: 'a1@example.com', sendEmail: false });
    await h.anonymous().invites.accept({ token: accepted.token, password: STRONG_PASSWORD });
    const expired = await caller.invites.create({ email: 'e1@example.com', sendEmail: false });
    await expire(expired.invite.id);
    return { caller, pending };
  }

  it('lists every invite with every field and total', async () => {
    const { caller } = await seed();
    const page = await caller.invites.list({});
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBeNull();
    for (const invite of page.items) {
      expect(Object.keys(invite).sort()).toEqual(INVITE_FIELDS);
      expect(JSON.stringify(invite)).not.toMatch(/ghi_|token/i);
    }
  });

  it.each([
    ['pending', ['p1@example.com', 'p2@corp.test']],
    ['revoked', ['r1@example.com']],
    ['accepted', ['a1@example.com']],
    ['expired', ['e1@example.com']],
  ] as const)('filters by status %s, with total', async (status, emails) => {
    const { caller } = await seed();
    const page = await caller.invites.list({ status });
    expect(page.items.map((i) => i.email).sort()).toEqual(emails);
    expect(page.items.every((i) => i.status === status)).toBe(true);
    expect(page.total).toBe(emails.length);
  });

  it('filters by q on the email, case-insensitively, combined with status', async () => {
    const { caller } = await seed();
    expect((await caller.invites.list({ q: 'CORP' })).items.map((i) => i.email)).toEqual(['p2@corp.test']);
    const both = await caller.invites.list({ q: 'example.com', status: 'pending' });
    expect(both.items.map((i) => i.email)).toEqual(['p1@example.com']);
    expect(both.total).toBe(1);
  });

  it('pages with the cursor', async () => {
    const { caller } = await seed();
    const first = await caller.invites.list({ limit: 2 });
    const second = await caller.invites.list({ limit: 2, cursor: first.nextCursor });
    const third = await caller.invites.list({ limit: 2, cursor: second.nextCursor });
    expect([first.items.length, second.items.length, third.items.length]).toEqual([2, 2, 1]);
    expect([first.total, second.total, third.total]).toEqual([5, 5, 5]);
    expect(first.nextCursor).not.toBeNull();
    expect(second.nextCursor).not.toBeNull();
    expect(third.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items, ...third.items].map((i) => i.id)).size).toBe(5);
  });

  it.each([0, 101])('refuses limit %s with BAD_REQUEST', async (limit) => {
    const { caller } = await seed();
    await expect(caller.invites.list({ limit })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses a garbage cursor or status with BAD_REQUEST', async () => {
    const { caller } = await seed();
    await expect(caller.invites.list({ cursor: 'garbage!!' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.invites.list({ status: 'open' as never })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('is readable by members and developers', async () => {
    await seed();
    const { caller: member } = await h.signedIn('member');
    expect((await member.invites.list({})).total).toBe(5);
  });
});
