import { describe, expect, it } from 'vitest';
import { can } from '../src/policy.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, makeAdmin, outcomes, sql, warmPool } from './helpers.js';

const h = useTestCore();

const activeAdmins = () => countRows(h.core, 'user', `role = 'admin' and deleted_at is null`);

describe('roles and the last admin', () => {
  it('refuses to demote the only admin with LAST_ADMIN, leaving it admin', async () => {
    const admin = await makeAdmin(h);
    await expect(h.core.users.update({ id: admin.id, role: 'member' })).rejects.toMatchObject({
      code: 'LAST_ADMIN',
      kind: 'conflict',
    });
    expect((await h.core.users.get(admin.id)).role).toBe('admin');
  });

  it('refuses to delete the only admin with LAST_ADMIN, leaving it active', async () => {
    const admin = await makeAdmin(h);
    await expect(h.core.users.delete(admin.id)).rejects.toMatchObject({ code: 'LAST_ADMIN' });
    expect((await h.core.users.get(admin.id)).role).toBe('admin');
  });

  it('ignores deleted admins when counting: the last active one is protected', async () => {
    const first = await makeAdmin(h, 'first@example.com');
    const second = await makeAdmin(h, 'second@example.com');
    await h.core.users.delete(first.id, { actorId: second.id });
    await expect(h.core.users.update({ id: second.id, role: 'developer' })).rejects.toMatchObject({
      code: 'LAST_ADMIN',
    });
  });

  it('with two admins, demoting or deleting one is fine', async () => {
    const a = await makeAdmin(h, 'a@example.com');
    const b = await makeAdmin(h, 'b@example.com');
    const c = await makeAdmin(h, 'c@example.com');
    expect((await h.core.users.update({ id: a.id, role: 'member' }, { actorId: b.id })).role).toBe('member');
    await h.core.users.delete(b.id, { actorId: c.id });
    expect(await activeAdmins()).toBe(1);
    const [changed] = await auditRows(h.core, 'user.role_changed');
    expect(changed).toMatchObject({ actor_id: b.id, target_id: a.id });
    expect(changed?.metadata).toEqual({ from: 'admin', to: 'member' });
  });

  it('promoting and changing between non-admin roles needs no other admin', async () => {
    const user = await h.core.users.create({ email: 'm@example.com' });
    expect((await h.core.users.update({ id: user.id, role: 'developer' })).role).toBe('developer');
    expect((await h.core.users.update({ id: user.id, role: 'admin' })).role).toBe('admin');
  });

  it('concurrently demoting both of two admins: exactly one succeeds, one LAST_ADMIN, one admin left', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await makeAdmin(h, `ra${round}@example.com`);
      const b = await makeAdmin(h, `rb${round}@example.com`);
      await warmPool(h.core, 4);
      const results = await Promise.allSettled([
        h.core.users.update({ id: a.id, role: 'member' }),
        h.core.users.update({ id: b.id, role: 'developer' }),
      ]);
      const { fulfilled, codes, unexpected } = outcomes(results);
      expect(unexpected).toEqual([]);
      expect(fulfilled).toHaveLength(1);
      expect(codes).toEqual(['LAST_ADMIN']);
      expect(await activeAdmins()).toBe(1);
      expect(await auditRows(h.core, 'user.role_changed')).toHaveLength(1);
      // Leave a clean slate for the next round: remove everyone.
      await sql(h.core, 'truncate table "user", audit_event cascade');
    }
  });

  it('concurrently deleting one admin and demoting the other never leaves zero admins', async () => {
    const a = await makeAdmin(h, 'da@example.com');
    const b = await makeAdmin(h, 'db@example.com');
    await warmPool(h.core, 4);
    const results = await Promise.allSettled([
      h.core.users.delete(a.id),
      h.core.users.update({ id: b.id, role: 'member' }),
    ]);
    const { fulfilled, codes, unexpected } = outcomes<unknown>(results);
    expect(unexpected).toEqual([]);
    expect(fulfilled).toHaveLength(1);
    expect(codes).toEqual(['LAST_ADMIN']);
    expect(await activeAdmins()).toBe(1);
  });

  it('a role change applies from the user’s next request', async () => {
    await makeAdmin(h, 'boss@example.com');
    const user = await h.core.users.create({ email: 'climber@example.com', password: STRONG_PASSWORD });
    const { token } = await h.core.auth.login({ email: user.email, password: STRONG_PASSWORD });
    expect((await h.core.auth.authenticateSession(token))?.user.role).toBe('member');
    await h.core.users.update({ id: user.id, role: 'admin' });
    const principal = await h.core.auth.authenticateSession(token);
    expect(principal?.user.role).toBe('admin');
    expect(principal && can(principal.user, 'users.manage')).toBe(true);
  });
});

describe('role policy', () => {
  it('lets admins manage, members and developers only read and manage themselves', () => {
    const admin = { id: 'usr_a', role: 'admin' as const };
    for (const role of ['member', 'developer'] as const) {
      const actor = { id: 'usr_x', role };
      expect(can(actor, 'users.read')).toBe(true);
      expect(can(actor, 'invites.read')).toBe(true);
      expect(can(actor, 'users.updateSelf')).toBe(true);
      expect(can(actor, 'apiToken.manageOwn')).toBe(true);
      expect(can(actor, 'users.manage')).toBe(false);
      expect(can(actor, 'invites.manage')).toBe(false);
      expect(can(actor, 'apiToken.manageOthers')).toBe(false);
      expect(can(actor, 'audit.read')).toBe(false);
    }
    for (const permission of [
      'users.manage',
      'invites.manage',
      'apiToken.manageOthers',
      'audit.read',
    ] as const) {
      expect(can(admin, permission)).toBe(true);
    }
  });
});
