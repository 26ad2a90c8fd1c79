import { sql } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import { domainCodeOf } from '../src/trpc/errors.js';
import { failure, STRONG_PASSWORD, USER_FIELDS, useApiHarness } from './harness.js';

const h = useApiHarness();

async function settle<T>(calls: Promise<T>[]) {
  const results = await Promise.allSettled(calls);
  return {
    ok: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

async function userRow(id: string) {
  const rows = (await sql(h.core, 'select email, deleted_at, api_token_hash from "user" where id = ?', [
    id,
  ])) as {
    email: string;
    deleted_at: string | null;
    api_token_hash: string | null;
  }[];
  return rows[0];
}

async function sessionCount(userId: string) {
  const rows = (await sql(h.core, 'select count(*)::int as n from "session" where user_id = ?', [
    userId,
  ])) as { n: number }[];
  return rows[0]?.n;
}

describe('users.create', () => {
  it('normalises the email and returns the user with every field', async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({
      email: '  New.User@Example.COM ',
      password: STRONG_PASSWORD,
      firstName: 'New',
      lastName: 'User',
      role: 'developer',
      metadata: { team: 'payments' },
    });
    expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
    expect(user).toMatchObject({
      email: 'new.user@example.com',
      firstName: 'New',
      lastName: 'User',
      role: 'developer',
      hasPassword: true,
      apiTokenPrefix: null,
      metadata: { team: 'payments' },
      lastLoginAt: null,
    });
    expect(user.id).toMatch(/^usr_[0-9a-z]{26}$/);
    expect(await caller.users.get({ id: user.id })).toEqual(user);
    await expect(
      h.anonymous().auth.login({ email: 'NEW.USER@example.com', password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({ user: { id: user.id } });
  });

  it('defaults the role to member; without a password hasPassword is false and nulls are explicit', async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({ email: 'plain@example.com' });
    expect(user).toMatchObject({
      role: 'member',
      hasPassword: false,
      firstName: null,
      lastName: null,
      metadata: null,
      apiTokenPrefix: null,
      lastLoginAt: null,
    });
    await expect(
      h.anonymous().auth.login({ email: 'plain@example.com', password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a taken email (any case) with CONFLICT / EMAIL_TAKEN', async () => {
    const { caller } = await h.signedIn('admin');
    await caller.users.create({ email: 'taken@example.com' });
    for (const email of ['taken@example.com', ' TAKEN@Example.com']) {
      const error = await failure(caller.users.create({ email }));
      expect(error.code).toBe('CONFLICT');
      expect(error.cause).toMatchObject({ code: 'EMAIL_TAKEN' });
      expect(domainCodeOf(error)).toBe('EMAIL_TAKEN');
    }
    expect((await caller.users.list({ q: 'taken' })).total).toBe(1);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email' }],
    ['an empty email', { email: '' }],
    ['an unknown role', { email: 'ok@example.com', role: 'owner' }],
    ['a non-object metadata', { email: 'ok@example.com', metadata: 'x' }],
    ['metadata over 16 KiB', { email: 'ok@example.com', metadata: { blob: 'x'.repeat(17_000) } }],
    ['a 201-character first name', { email: 'ok@example.com', firstName: 'n'.repeat(201) }],
  ])('refuses %s with BAD_REQUEST and zod issues', async (_case, input) => {
    const { caller } = await h.signedIn('admin');
    const error = await failure(caller.users.create(input as never));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause?.name).toBe('ZodError');
    expect(domainCodeOf(error)).toBe('INVALID_INPUT');
    expect((await caller.users.list({})).total).toBe(1);
  });

  it.each([
    ['7 characters', 'abcdefg'],
    ['257 characters', 'p'.repeat(257)],
    ['a common password', 'password123'],
    ['the email name', 'my-jdoe-password'],
    ['5000 characters (far too long is still WEAK_PASSWORD, rule 5)', 'p'.repeat(5000)],
  ])('refuses a weak password (%s) with BAD_REQUEST / WEAK_PASSWORD', async (_case, password) => {
    const { caller } = await h.signedIn('admin');
    const error = await failure(caller.users.create({ email: 'jdoe@example.com', password }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.cause).toMatchObject({ code: 'WEAK_PASSWORD' });
    expect(error.message.length).toBeGreaterThan(0);
    expect((await caller.users.list({ q: 'jdoe' })).total).toBe(0);
  });

  it('30 concurrent creates through one caller all land (one EntityManager per call)', async () => {
    const { caller } = await h.signedIn('admin');
    const emails = Array.from({ length: 30 }, (_, i) => `parallel${i}@example.com`);
    const { ok, errors } = await settle(emails.map((email) => caller.users.create({ email })));
    expect(errors).toEqual([]);
    expect(new Set(ok.map((user) => user.email))).toEqual(new Set(emails));
    expect(new Set(ok.map((user) => user.id)).size).toBe(30);
    const listed = await caller.users.list({ q: 'parallel', limit: 100 });
    expect(listed.total).toBe(30);
    expect(listed.items).toHaveLength(30);
  });
});

describe('users.get', () => {
  it('returns a user by id to any signed-in role', async () => {
    const { principal: admin } = await h.signedIn('admin');
    const { caller } = await h.signedIn('member');
    expect(await caller.users.get({ id: admin.user.id })).toMatchObject({ id: admin.user.id, role: 'admin' });
  });

  it.each([
    ['a well-formed unknown id', 'usr_01jxxxxxxxxxxxxxxxxxxxxxxx'],
    ['a garbage id', 'nope'],
  ])('gives NOT_FOUND for %s', async (_case, id) => {
    const { caller } = await h.signedIn('member');
    const error = await failure(caller.users.get({ id }));
    expect(error.code).toBe('NOT_FOUND');
    expect(domainCodeOf(error)).toBe('NOT_FOUND');
  });

  it('refuses an empty id as BAD_REQUEST', async () => {
    const { caller } = await h.signedIn('member');
    await expect(caller.users.get({ id: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('users.list', () => {
  async function seed() {
    const { caller, principal } = await h.signedIn('admin', 'boss@example.com');
    await caller.users.create({
      email: 'alice@example.com',
      firstName: 'Alice',
      lastName: 'Archer',
      role: 'member',
    });
    await caller.users.create({
      email: 'bob@corp.test',
      firstName: 'Bob',
      lastName: 'Builder',
      role: 'developer',
    });
    await caller.users.create({
      email: 'carol@example.com',
      firstName: 'Carol',
      lastName: 'Smith',
      role: 'developer',
    });
    await caller.users.create({
      email: 'dan_x@example.com',
      firstName: 'Dan',
      lastName: 'Archer',
      role: 'member',
    });
    return { caller, principal };
  }

  it('lists every active user with total and nextCursor null when it fits', async () => {
    const { caller } = await seed();
    const page = await caller.users.list({});
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBeNull();
    for (const user of page.items) expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
  });

  it('works without any input (defaults)', async () => {
    const { caller } = await seed();
    expect((await caller.users.list()).total).toBe(5);
  });

  it.each([
    [
      'email substring, any case',
      'EXAMPLE.COM',
      ['alice@example.com', 'boss@example.com', 'carol@example.com', 'dan_x@example.com'],
    ],
    ['first name', 'bob', ['bob@corp.test']],
    ['last name, any case', 'aRCHER', ['alice@example.com', 'dan_x@example.com']],
    ['a LIKE wildcard as a plain character', '_x', ['dan_x@example.com']],
    ['a percent sign as a plain character', '%', []],
  ])('filters by q: %s', async (_case, q, emails) => {
    const { caller } = await seed();
    const page = await caller.users.list({ q });
    expect(page.items.map((u) => u.email).sort()).toEqual(emails);
    expect(page.total).toBe(emails.length);
  });

  it('filters by role, and combines role with q', async () => {
    const { caller } = await seed();
    const developers = await caller.users.list({ role: 'developer' });
    expect(developers.items.map((u) => u.email).sort()).toEqual(['bob@corp.test', 'carol@example.com']);
    expect(developers.total).toBe(2);
    const admins = await caller.users.list({ role: 'admin' });
    expect(admins.items.map((u) => u.email)).toEqual(['boss@example.com']);
    const both = await caller.users.list({ role: 'member', q: 'archer' });
    expect(both.items.map((u) => u.email).sort()).toEqual(['alice@example.com', 'dan_x@example.com']);
    expect(both.total).toBe(2);
  });

  it.each([0, 101, -1, 1.5])('refuses limit %s with BAD_REQUEST (never clamped)', async (limit) => {
    const { caller } = await seed();
    const error = await failure(caller.users.list({ limit }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(domainCodeOf(error)).toBe('INVALID_INPUT');
  });

  it('defaults limit to 50', async () => {
    const { caller } = await h.signedIn('admin');
    // One after another: 52 at once can outwait the pool (DB_UNAVAILABLE) on a loaded machine, and
    // concurrency is not what this tests.
    for (let i = 0; i < 52; i += 1) await caller.users.create({ email: `bulk${i}@example.com` });
    const page = await caller.users.list({});
    expect(page.items).toHaveLength(50);
    expect(page.total).toBe(53);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest = await caller.users.list({ cursor: page.nextCursor });
    expect(rest.items).toHaveLength(3);
    expect(rest.nextCursor).toBeNull();
  });

  it('accepts the bounds 1 and 100', async () => {
    const { caller } = await seed();
    expect((await caller.users.list({ limit: 1 })).items).toHaveLength(1);
    expect((await caller.users.list({ limit: 100 })).items).toHaveLength(5);
  });

  it('pages with the cursor: disjoint pages, total on each, nextCursor null on the last page', async () => {
    const { caller } = await seed();
    for (let i = 0; i < 6; i += 1) await caller.users.create({ email: `extra${i}@example.com` });
    // 11 users, pages of 4: 4 + 4 + 3.
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof caller.users.list>> = await caller.users.list({
        limit: 4,
        cursor,
      });
      expect(page.total).toBe(11);
      sizes.push(page.items.length);
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
      pages += 1;
      expect(pages).toBeLessThanOrEqual(3);
    } while (cursor !== null);
    expect(sizes).toEqual([4, 4, 3]);
    expect(new Set(seen).size).toBe(11);
  });

  it('a page that ends exactly at the last row has nextCursor null', async () => {
    const { caller } = await seed();
    const first = await caller.users.list({ limit: 3 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await caller.users.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });

  it('pages within a filter', async () => {
    const { caller } = await seed();
    const first = await caller.users.list({ q: 'example.com', limit: 3 });
    expect(first.total).toBe(4);
    expect(first.items).toHaveLength(3);
    const second = await caller.users.list({ q: 'example.com', limit: 3, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.total).toBe(4);
    expect(second.nextCursor).toBeNull();
    expect(second.items[0]?.email).toMatch(/example\.com$/);
  });

  it.each([
    ['garbage', 'garbage!!'],
    ['base64 of something else', Buffer.from('hello world').toString('base64url')],
    ['an overlong string', 'x'.repeat(600)],
  ])('refuses a %s cursor with BAD_REQUEST', async (_case, cursor) => {
    const { caller } = await seed();
    const error = await failure(caller.users.list({ cursor }));
    expect(error.code).toBe('BAD_REQUEST');
  });
});

describe('users.update', () => {
  it('updates names and metadata and returns the updated user', async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({ email: 'edit@example.com', firstName: 'Old' });
    const updated = await caller.users.update({
      id: user.id,
      firstName: 'New',
      lastName: 'Name',
      metadata: { tier: 2 },
    });
    expect(Object.keys(updated).sort()).toEqual(USER_FIELDS);
    expect(updated).toMatchObject({ id: user.id, firstName: 'New', lastName: 'Name', metadata: { tier: 2 } });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(user.updatedAt));
    expect(await caller.users.get({ id: user.id })).toEqual(updated);

    // Omitted fields stay; null clears.
    const cleared = await caller.users.update({ id: user.id, firstName: null, metadata: null });
    expect(cleared).toMatchObject({ firstName: null, lastName: 'Name', metadata: null });
  });

  it('lets a member update their own profile', async () => {
    const { caller, principal } = await h.signedIn('member');
    const updated = await caller.users.update({ id: principal.user.id, firstName: 'Me', metadata: { a: 1 } });
    expect(updated).toMatchObject({
      id: principal.user.id,
      firstName: 'Me',
      role: 'member',
      metadata: { a: 1 },
    });
  });

  it('changes a role', async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({ email: 'promote@example.com' });
    expect(await caller.users.update({ id: user.id, role: 'developer' })).toMatchObject({
      role: 'developer',
    });
    expect((await caller.users.get({ id: user.id })).role).toBe('developer');
  });

  it('refuses to demote the last admin with CONFLICT / LAST_ADMIN', async () => {
    const { caller, principal } = await h.signedIn('admin');
    const error = await failure(caller.users.update({ id: principal.user.id, role: 'member' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.cause).toMatchObject({ code: 'LAST_ADMIN' });
    expect(domainCodeOf(error)).toBe('LAST_ADMIN');
    expect((await caller.users.get({ id: principal.user.id })).role).toBe('admin');
  });

  it('allows demoting an admin while another remains, then refuses the last one', async () => {
    const { caller, principal } = await h.signedIn('admin');
    const other = await caller.users.create({ email: 'other-admin@example.com', role: 'admin' });
    await expect(caller.users.update({ id: other.id, role: 'member' })).resolves.toMatchObject({
      role: 'member',
    });
    await expect(caller.users.update({ id: principal.user.id, role: 'developer' })).rejects.toMatchObject({
      code: 'CONFLICT',
      cause: { code: 'LAST_ADMIN' },
    });
  });

  it('of two admins demoting each other at once, exactly one succeeds (the other gets LAST_ADMIN)', async () => {
    const a = await h.signedIn('admin');
    const b = await h.signedIn('admin');
    const { ok, errors } = await settle([
      a.caller.users.update({ id: b.principal.user.id, role: 'member' }),
      b.caller.users.update({ id: a.principal.user.id, role: 'member' }),
    ]);
    expect(ok).toHaveLength(1);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'CONFLICT', cause: expect.objectContaining({ code: 'LAST_ADMIN' }) }),
    ]);
    expect((await a.caller.users.list({ role: 'admin' })).total).toBe(1);
  });

  it('gives NOT_FOUND for an unknown or deleted user', async () => {
    const { caller } = await h.signedIn('admin');
    await expect(
      caller.users.update({ id: 'usr_01jxxxxxxxxxxxxxxxxxxxxxxx', firstName: 'X' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const user = await caller.users.create({ email: 'deleted-then-edited@example.com' });
    await caller.users.delete({ id: user.id });
    await expect(caller.users.update({ id: user.id, firstName: 'X' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('users.delete', () => {
  it('soft-deletes: get is NOT_FOUND, lists exclude it, the row stays, the email is free again', async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({ email: 'temp@example.com', password: STRONG_PASSWORD });
    await h.core.apiTokens.generate(user.id);
    await h.core.auth.login({ email: 'temp@example.com', password: STRONG_PASSWORD });
    expect(await sessionCount(user.id)).toBe(1);
    expect((await caller.users.list({})).total).toBe(2);

    await expect(caller.users.delete({ id: user.id })).resolves.toEqual({ id: user.id, deleted: true });

    await expect(caller.users.get({ id: user.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const list = await caller.users.list({});
    expect(list.total).toBe(1);
    expect(list.items.map((u) => u.id)).not.toContain(user.id);
    expect((await caller.users.list({ q: 'temp' })).total).toBe(0);

    const row = await userRow(user.id);
    expect(row?.deleted_at).not.toBeNull();
    expect(row?.email).toBe('temp@example.com');
    expect(row?.api_token_hash).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);

    const again = await caller.users.create({ email: 'TEMP@example.com' });
    expect(again.id).not.toBe(user.id);
    expect(again.email).toBe('temp@example.com');
    expect((await caller.users.list({ q: 'temp' })).items.map((u) => u.id)).toEqual([again.id]);
  });

  it("a deleted user's email can be invited again", async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({ email: 'comeback@example.com' });
    await expect(
      caller.invites.create({ email: 'comeback@example.com', sendEmail: false }),
    ).rejects.toMatchObject({ code: 'CONFLICT', cause: { code: 'EMAIL_TAKEN' } });
    await caller.users.delete({ id: user.id });
    await expect(
      caller.invites.create({ email: 'comeback@example.com', sendEmail: false }),
    ).resolves.toMatchObject({ invite: { email: 'comeback@example.com', status: 'pending' } });
  });

  it('refuses to delete the last admin with CONFLICT / LAST_ADMIN', async () => {
    const { caller, principal } = await h.signedIn('admin');
    const error = await failure(caller.users.delete({ id: principal.user.id }));
    expect(error.code).toBe('CONFLICT');
    expect(error.cause).toMatchObject({ code: 'LAST_ADMIN' });
    expect(await caller.users.get({ id: principal.user.id })).toMatchObject({ role: 'admin' });
  });

  it('deletes an admin while another remains', async () => {
    const { caller } = await h.signedIn('admin');
    const other = await caller.users.create({ email: 'second@example.com', role: 'admin' });
    await expect(caller.users.delete({ id: other.id })).resolves.toEqual({ id: other.id, deleted: true });
    expect((await caller.users.list({ role: 'admin' })).total).toBe(1);
  });

  it('deleting twice, or an unknown id, is NOT_FOUND', async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({ email: 'twice@example.com' });
    await caller.users.delete({ id: user.id });
    await expect(caller.users.delete({ id: user.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.users.delete({ id: 'usr_01jxxxxxxxxxxxxxxxxxxxxxxx' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('apiToken', () => {
  it('generate shows the token once, with a prefix that the user then carries', async () => {
    const { caller, principal } = await h.signedIn('member');
    const generated = await caller.apiToken.generate();
    expect(Object.keys(generated).sort()).toEqual(['createdAt', 'prefix', 'token']);
    expect(generated.token).toMatch(/^gha_[A-Za-z0-9_-]{43}$/);
    expect(generated.token.startsWith(generated.prefix)).toBe(true);
    expect(generated.prefix.length).toBeLessThan(generated.token.length);
    const me = await caller.users.get({ id: principal.user.id });
    expect(me.apiTokenPrefix).toBe(generated.prefix);
    expect(JSON.stringify(me)).not.toContain(generated.token);
  });

  it("an admin generates and revokes another user's token", async () => {
    const { caller } = await h.signedIn('admin');
    const user = await caller.users.create({ email: 'bot@example.com', role: 'developer' });
    const generated = await caller.apiToken.generate({ userId: user.id });
    expect(await h.core.auth.authenticateApiToken(generated.token)).toMatchObject({ user: { id: user.id } });
    await expect(caller.apiToken.revoke({ userId: user.id })).resolves.toEqual({ ok: true });
    expect(await h.core.auth.authenticateApiToken(generated.token)).toBeNull();
    expect((await caller.users.get({ id: user.id })).apiTokenPrefix).toBeNull();
  });

  it('gives NOT_FOUND for an unknown user id', async () => {
    const { caller } = await h.signedIn('admin');
    await expect(
      caller.apiToken.generate({ userId: 'usr_01jxxxxxxxxxxxxxxxxxxxxxxx' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
