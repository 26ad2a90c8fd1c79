import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../src/audit-actions.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, insertUserRow, makeAdmin } from './helpers.js';

const h = useTestCore();
const NEW_PASSWORD = 'a completely different passphrase';

describe('audit trail: one row per mutation, with actor and IP', () => {
  it('writes every action of the contract with actorId and ip from meta', async () => {
    const admin = await makeAdmin(h);
    const meta = { actorId: admin.id, ip: '192.0.2.10' };

    const user = await h.core.users.create({ email: 'u@example.com', password: STRONG_PASSWORD }, meta);
    await h.core.users.update({ id: user.id, firstName: 'U' }, meta);
    await h.core.users.update({ id: user.id, role: 'developer' }, meta);
    const issued = await h.core.invites.create({ email: 'i@example.com' }, meta);
    await h.core.invites.resend({ id: issued.invite.id }, meta);
    const toRevoke = await h.core.invites.create({ email: 'r@example.com' }, meta);
    await h.core.invites.revoke(toRevoke.invite.id, meta);
    const resent = h.mailer.lastTokenFor('i@example.com');
    const { user: joined } = await h.core.invites.accept(
      { token: resent, password: STRONG_PASSWORD },
      { ip: '192.0.2.20' },
    );
    await expect(
      h.core.auth.login({ email: user.email, password: 'wrong password!!' }, { ip: '192.0.2.30' }),
    ).rejects.toThrow();
    const login = await h.core.auth.login(
      { email: user.email, password: STRONG_PASSWORD },
      { ip: '192.0.2.30' },
    );
    await h.core.passwords.change(
      user.id,
      { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD },
      { actorId: user.id, ip: '192.0.2.30', sessionId: login.sessionId },
    );
    await h.core.sessions.logout(login.sessionId, { actorId: user.id, ip: '192.0.2.30' });
    const second = await h.core.auth.login(
      { email: user.email, password: NEW_PASSWORD },
      { ip: '192.0.2.31' },
    );
    await h.core.sessions.revoke(user.id, second.sessionId, { actorId: user.id, ip: '192.0.2.31' });
    await h.core.auth.login({ email: user.email, password: NEW_PASSWORD }, { ip: '192.0.2.32' });
    await h.core.sessions.endAll(user.id, { actorId: user.id, ip: '192.0.2.32' });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    await h.core.passwords.reset(
      { token: h.mailer.lastTokenFor(user.email), newPassword: STRONG_PASSWORD },
      { ip: '192.0.2.40' },
    );
    await h.core.apiTokens.generate(user.id, meta);
    await h.core.apiTokens.revoke(user.id, meta);
    await h.core.users.delete(user.id, meta);

    const rows = await auditRows(h.core);
    const byAction = (action: string) => rows.filter((row) => row.action === action);
    // Every action of the contract appears (second-factor actions: see mfa-audit in mfa.test.ts).
    const mfaActions = (action: string) =>
      action.startsWith('mfa.') || ['auth.mfa_failed', 'auth.step_up'].includes(action);
    expect(new Set(rows.map((row) => row.action))).toEqual(
      new Set(AUDIT_ACTIONS.filter((a) => !mfaActions(a))),
    );

    const expectOne = (action: string, expected: Record<string, unknown>) => {
      const found = byAction(action);
      expect(found, action).toHaveLength(1);
      expect(found[0], action).toMatchObject(expected);
    };
    const byAdmin = { actor_id: admin.id, ip: '192.0.2.10' };
    expectOne('user.updated', { ...byAdmin, target_type: 'user', target_id: user.id });
    expectOne('user.role_changed', { ...byAdmin, target_id: user.id });
    expectOne('user.deleted', { ...byAdmin, target_id: user.id });
    expectOne('invite.resent', { ...byAdmin, target_type: 'invite', target_id: issued.invite.id });
    expectOne('invite.revoked', { ...byAdmin, target_id: toRevoke.invite.id });
    expectOne('invite.accepted', { actor_id: joined.id, ip: '192.0.2.20', target_id: issued.invite.id });
    expectOne('auth.login_failed', { actor_id: user.id, ip: '192.0.2.30' });
    expect(byAction('auth.login').map((row) => row.ip)).toEqual(['192.0.2.30', '192.0.2.31', '192.0.2.32']);
    expectOne('auth.password_changed', { actor_id: user.id, ip: '192.0.2.30' });
    // Signing out here, ending another session and signing out everywhere are told apart.
    expectOne('auth.logout', { actor_id: user.id, ip: '192.0.2.30', target_id: user.id });
    expectOne('auth.session_revoked', {
      actor_id: user.id,
      ip: '192.0.2.31',
      target_type: 'session',
      target_id: second.sessionId,
    });
    expectOne('auth.logout_all', { actor_id: user.id, ip: '192.0.2.32', metadata: { ended: 1 } });
    expectOne('auth.password_reset', { actor_id: user.id, ip: '192.0.2.40' });
    expectOne('api_token.generated', { ...byAdmin, target_id: user.id });
    expectOne('api_token.revoked', { ...byAdmin, target_id: user.id });

    const created = byAction('user.created');
    expect(created.map((row) => [row.target_id, row.actor_id])).toEqual([
      [admin.id, null],
      [user.id, admin.id],
      [joined.id, joined.id],
    ]);
    expect(created[1]).toMatchObject({ ip: '192.0.2.10' });
    const invited = byAction('invite.created');
    expect(invited).toHaveLength(2);
    expect(invited.every((row) => row.actor_id === admin.id && row.ip === '192.0.2.10')).toBe(true);
  });

  it('the DTO carries every field (null when missing)', async () => {
    const user = await h.core.users.create({ email: 'dto@example.com' });
    const { items } = await h.core.audit.list();
    expect(items).toEqual([
      {
        id: expect.stringMatching(/^aud_/),
        action: 'user.created',
        actorId: null,
        targetType: 'user',
        targetId: user.id,
        ip: null,
        metadata: { email: 'dto@example.com', role: 'member' },
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });
});

describe('audit: a failed change leaves no row', () => {
  it('LAST_ADMIN demotion and deletion', async () => {
    const admin = await makeAdmin(h);
    const before = await countRows(h.core, 'audit_event');
    await expect(
      h.core.users.update({ id: admin.id, role: 'member', firstName: 'Changed' }, { actorId: admin.id }),
    ).rejects.toMatchObject({ code: 'LAST_ADMIN' });
    await expect(h.core.users.delete(admin.id, { actorId: admin.id })).rejects.toMatchObject({
      code: 'LAST_ADMIN',
    });
    expect(await countRows(h.core, 'audit_event')).toBe(before);
    // The name change in the same call was rolled back too.
    expect((await h.core.users.get(admin.id)).firstName).toBeNull();
  });

  it('EMAIL_TAKEN create (user and invite)', async () => {
    await h.core.users.create({ email: 'taken@example.com' });
    const before = await countRows(h.core, 'audit_event');
    await expect(h.core.users.create({ email: 'taken@example.com' })).rejects.toMatchObject({
      code: 'EMAIL_TAKEN',
    });
    await expect(h.core.invites.create({ email: 'taken@example.com' })).rejects.toMatchObject({
      code: 'EMAIL_TAKEN',
    });
    expect(await countRows(h.core, 'audit_event')).toBe(before);
  });

  it('accept with WEAK_PASSWORD, and accept of an expired invite', async () => {
    const issued = await h.core.invites.create({ email: 'weak@example.com' });
    const before = await countRows(h.core, 'audit_event');
    await expect(
      h.core.invites.accept({ token: issued.token, password: 'password123' }),
    ).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    h.clock.advance(169 * 3_600_000);
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVITE_EXPIRED' });
    expect(await countRows(h.core, 'audit_event')).toBe(before);
  });

  it('accept that loses to a user created meanwhile (EMAIL_TAKEN at the database)', async () => {
    const issued = await h.core.invites.create({ email: 'late@example.com' });
    await insertUserRow(h.core, 'late@example.com');
    const before = await countRows(h.core, 'audit_event');
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(await countRows(h.core, 'audit_event')).toBe(before);
  });
});

describe('audit.list', () => {
  it('filters by action and by actorId', async () => {
    const admin = await makeAdmin(h);
    const other = await makeAdmin(h, 'other-admin@example.com');
    await h.core.users.create({ email: 'a@example.com' }, { actorId: admin.id });
    await h.core.users.create({ email: 'b@example.com' }, { actorId: other.id });
    await h.core.invites.create({ email: 'c@example.com' }, { actorId: admin.id });

    const created = await h.core.audit.list({ action: 'user.created' });
    expect(created.items).toHaveLength(4);
    expect(created.items.every((event) => event.action === 'user.created')).toBe(true);

    const byAdmin = await h.core.audit.list({ actorId: admin.id });
    expect(byAdmin.items.map((event) => event.action)).toEqual(['invite.created', 'user.created']);
    const both = await h.core.audit.list({ actorId: admin.id, action: 'invite.created' });
    expect(both.items).toHaveLength(1);
    expect((await h.core.audit.list({ action: 'api_token.revoked' })).items).toEqual([]);
  });

  it('paginates newest first with an opaque cursor; nextCursor null on the last page', async () => {
    for (let i = 0; i < 5; i++) await h.core.users.create({ email: `p${i}@example.com` });
    const all = (await h.core.audit.list()).items.map((event) => event.id);
    expect(all).toHaveLength(5);
    const first = await h.core.audit.list({ limit: 2 });
    const second = await h.core.audit.list({ limit: 2, cursor: first.nextCursor });
    const third = await h.core.audit.list({ limit: 2, cursor: second.nextCursor });
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(2);
    expect(third.items).toHaveLength(1);
    expect(third.nextCursor).toBeNull();
    expect([...first.items, ...second.items, ...third.items].map((event) => event.id)).toEqual(all);
    expect(third.items[0]?.metadata).toMatchObject({ email: 'p0@example.com' });
  });

  it('refuses bad input: unknown action, bad cursor, limit out of range', async () => {
    await expect(h.core.audit.list({ action: 'user.exploded' as never })).rejects.toMatchObject({
      name: 'ZodError',
    });
    await expect(h.core.audit.list({ cursor: 'nope' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(h.core.audit.list({ limit: 0 })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(h.core.audit.list({ limit: 101 })).rejects.toMatchObject({ name: 'ZodError' });
  });
});
