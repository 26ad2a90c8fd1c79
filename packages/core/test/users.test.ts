import { describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, makeAdmin, sql } from './helpers.js';

const h = useTestCore();

describe('users: email normalisation', () => {
  it('trims and lower-cases the email on create and stores it that way', async () => {
    const user = await h.core.users.create({
      email: '  Mixed.Case@Example.COM\t',
      password: STRONG_PASSWORD,
    });
    expect(user.email).toBe('mixed.case@example.com');
    const [row] = await sql<{ email: string }>(h.core, 'select email from "user" where id = ?', [user.id]);
    expect(row?.email).toBe('mixed.case@example.com');
  });

  it('finds a user by email whatever its case and surrounding spaces', async () => {
    const user = await h.core.users.create({ email: 'someone@example.com' });
    expect((await h.core.users.findByEmail('  SomeOne@EXAMPLE.com '))?.id).toBe(user.id);
    expect(await h.core.users.findByEmail('someone-else@example.com')).toBeNull();
  });

  it('signs in with the email in another case and with spaces around it', async () => {
    const user = await h.core.users.create({ email: 'login-case@example.com', password: STRONG_PASSWORD });
    const result = await h.core.auth.login(
      { email: ' LOGIN-Case@Example.com ', password: STRONG_PASSWORD },
      { ip: '10.0.0.1' },
    );
    expect(result.user.id).toBe(user.id);
  });

  it('normalises the invite email and treats a differently-cased existing user as taken', async () => {
    const admin = await makeAdmin(h);
    const issued = await h.core.invites.create({ email: ' Invitee@Example.COM ' }, { actorId: admin.id });
    expect(issued.invite.email).toBe('invitee@example.com');
    await expect(
      h.core.invites.create({ email: 'ADMIN@example.com' }, { actorId: admin.id }),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
  });
});

describe('users: unique email among active users', () => {
  it('refuses the same email twice, in any case, with EMAIL_TAKEN', async () => {
    await h.core.users.create({ email: 'dup@example.com', password: STRONG_PASSWORD });
    await expect(h.core.users.create({ email: 'dup@example.com' })).rejects.toMatchObject({
      code: 'EMAIL_TAKEN',
      kind: 'conflict',
    });
    await expect(h.core.users.create({ email: ' DUP@Example.com' })).rejects.toMatchObject({
      code: 'EMAIL_TAKEN',
    });
    expect(await countRows(h.core, 'user')).toBe(1);
  });

  it('lets a soft-deleted user’s email be created and invited again', async () => {
    const admin = await makeAdmin(h);
    const first = await h.core.users.create({ email: 'again@example.com', password: STRONG_PASSWORD });
    await h.core.users.delete(first.id, { actorId: admin.id });

    const issued = await h.core.invites.create({ email: 'again@example.com' }, { actorId: admin.id });
    expect(issued.invite.status).toBe('pending');
    await h.core.invites.revoke(issued.invite.id, { actorId: admin.id });

    const second = await h.core.users.create({ email: 'AGAIN@example.com', password: STRONG_PASSWORD });
    expect(second.id).not.toBe(first.id);
    expect(await countRows(h.core, 'user', 'email = ?', ['again@example.com'])).toBe(2);
    // Only one of them is active.
    expect(await countRows(h.core, 'user', 'email = ? and deleted_at is null', ['again@example.com'])).toBe(
      1,
    );
  });

  it('is enforced by the database itself (partial unique index), not only by the service', async () => {
    const user = await h.core.users.create({ email: 'db-level@example.com' });
    const insert = (email: string) =>
      sql(
        h.core,
        `insert into "user" (id, email, role, created_at, updated_at) values (?, ?, 'member', now(), now())`,
        [newId('user'), email],
      );
    await expect(insert('db-level@example.com')).rejects.toThrow(/user_email_unique/);

    // Once the row is soft deleted, the index no longer covers it.
    await sql(h.core, 'update "user" set deleted_at = now() where id = ?', [user.id]);
    await expect(insert('db-level@example.com')).resolves.toBeDefined();
    await expect(insert('db-level@example.com')).rejects.toThrow(/user_email_unique/);
  });
});

describe('users: get, create and update', () => {
  it('creates with defaults and every contract field present', async () => {
    const user = await h.core.users.create({ email: 'fields@example.com' });
    expect(user).toEqual({
      id: expect.stringMatching(/^usr_[0-9a-z]{26}$/),
      email: 'fields@example.com',
      firstName: null,
      lastName: null,
      role: 'member',
      hasPassword: false,
      apiTokenPrefix: null,
      metadata: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      lastLoginAt: null,
      mfaEnabled: false,
    });
    expect(await h.core.users.get(user.id)).toEqual(user);
  });

  it('gives NOT_FOUND for an unknown id', async () => {
    await expect(h.core.users.get(newId('user'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.core.users.update({ id: newId('user'), firstName: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(h.core.users.delete(newId('user'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an invalid email with a validation error and writes nothing', async () => {
    await expect(h.core.users.create({ email: 'not-an-email' })).rejects.toMatchObject({ name: 'ZodError' });
    expect(await countRows(h.core, 'user')).toBe(0);
  });

  it('updates names and metadata, bumps updatedAt, keeps createdAt', async () => {
    const user = await h.core.users.create({ email: 'upd@example.com', firstName: 'Old' });
    h.clock.advance(5 * 60_000);
    const updated = await h.core.users.update({
      id: user.id,
      firstName: '  New ',
      lastName: 'Name',
      metadata: { team: 'ops' },
    });
    expect(updated).toMatchObject({ firstName: 'New', lastName: 'Name', metadata: { team: 'ops' } });
    expect(updated.createdAt).toBe(user.createdAt);
    expect(updated.updatedAt).toBe('2026-01-01T00:05:00.000Z');
    expect(await h.core.users.get(user.id)).toEqual(updated);
    // Setting a field to null clears it.
    const cleared = await h.core.users.update({ id: user.id, lastName: null });
    expect(cleared.lastName).toBeNull();
    expect(cleared.firstName).toBe('New');
  });

  it('records the change in the audit trail', async () => {
    const user = await h.core.users.create({ email: 'upd-audit@example.com' });
    await h.core.users.update({ id: user.id, firstName: 'A' }, { actorId: user.id, ip: '10.1.1.1' });
    const [row] = await auditRows(h.core, 'user.updated');
    expect(row).toMatchObject({ actor_id: user.id, ip: '10.1.1.1', target_id: user.id });
    expect(row?.metadata).toEqual({ changed: ['firstName'] });
  });
});
