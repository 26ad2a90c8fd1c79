import { describe, expect, it } from 'vitest';
import type { AcceptInviteInput } from '../src/schemas.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, HOUR, insertUserRow, makeAdmin, sql } from './helpers.js';

const h = useTestCore();

const inviteRow = async (id: string) => {
  const [row] = await sql<Record<string, unknown>>(h.core, 'select * from invite where id = ?', [id]);
  return row;
};

describe('invites.accept', () => {
  it('creates the user with the invite’s email and role and marks the invite accepted', async () => {
    const admin = await makeAdmin(h);
    const issued = await h.core.invites.create(
      { email: 'joiner@example.com', role: 'developer' },
      { actorId: admin.id },
    );
    h.clock.advance(2 * HOUR);
    const { user } = await h.core.invites.accept({
      token: issued.token,
      password: STRONG_PASSWORD,
      firstName: 'Jo',
      lastName: 'Iner',
    });
    expect(user).toMatchObject({
      email: 'joiner@example.com',
      role: 'developer',
      firstName: 'Jo',
      lastName: 'Iner',
      hasPassword: true,
    });
    const invite = await h.core.invites.get(issued.invite.id);
    expect(invite).toMatchObject({
      status: 'accepted',
      accepted: true,
      acceptedAt: '2026-01-01T02:00:00.000Z',
      updatedAt: '2026-01-01T02:00:00.000Z',
    });
    const row = await inviteRow(issued.invite.id);
    expect(row?.accepted).toBe(true);
    expect(row?.accepted_at).not.toBeNull();
    // The new user can sign in with the chosen password.
    const login = await h.core.auth.login({ email: 'joiner@example.com', password: STRONG_PASSWORD });
    expect(login.user.id).toBe(user.id);
  });

  it('binds the invite’s email: an email passed by the accepter is ignored', async () => {
    const issued = await h.core.invites.create({ email: 'bound@example.com', role: 'admin' });
    const sneaky = {
      token: issued.token,
      password: STRONG_PASSWORD,
      email: 'attacker@evil.example.com',
      role: 'admin',
    } as AcceptInviteInput;
    const { user } = await h.core.invites.accept(sneaky);
    expect(user.email).toBe('bound@example.com');
    expect(await countRows(h.core, 'user', 'email = ?', ['attacker@evil.example.com'])).toBe(0);
  });

  it('refuses a second accept with INVITE_ACCEPTED', async () => {
    const issued = await h.core.invites.create({ email: 'once@example.com' });
    await h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD });
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVITE_ACCEPTED', kind: 'conflict' });
    expect(await countRows(h.core, 'user')).toBe(1);
  });

  it('refuses an expired invite with INVITE_EXPIRED (valid until 168 h, not after)', async () => {
    const issued = await h.core.invites.create({ email: 'late@example.com' });
    h.clock.advance(168 * HOUR);
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVITE_EXPIRED' });
    h.clock.advance(1);
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVITE_EXPIRED' });
    expect(await countRows(h.core, 'user')).toBe(0);
    expect((await inviteRow(issued.invite.id))?.accepted).toBe(false);
  });

  it('accepts just before expiry', async () => {
    const issued = await h.core.invites.create({ email: 'just-in-time@example.com' });
    h.clock.advance(168 * HOUR - 1);
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('refuses a revoked invite with INVITE_REVOKED', async () => {
    const issued = await h.core.invites.create({ email: 'revoked@example.com' });
    await h.core.invites.revoke(issued.invite.id);
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVITE_REVOKED' });
    expect(await countRows(h.core, 'user')).toBe(0);
  });

  it('refuses an unknown token with INVALID_TOKEN', async () => {
    await expect(
      h.core.invites.accept({ token: `ghi_${'x'.repeat(43)}`, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses a weak password with WEAK_PASSWORD and writes nothing: the invite stays pending', async () => {
    const issued = await h.core.invites.create({ email: 'weakling@example.com' });
    const before = await inviteRow(issued.invite.id);
    const auditBefore = await countRows(h.core, 'audit_event');
    for (const password of ['short', 'password123', 'weakling-2026!', 'x'.repeat(257)]) {
      await expect(h.core.invites.accept({ token: issued.token, password })).rejects.toMatchObject({
        code: 'WEAK_PASSWORD',
      });
    }
    expect(await inviteRow(issued.invite.id)).toEqual(before);
    expect(await countRows(h.core, 'user')).toBe(0);
    expect(await countRows(h.core, 'audit_event')).toBe(auditBefore);
    expect((await h.core.invites.preview(issued.token)).status).toBe('pending');
    // And the same token still works with a good password.
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('gives EMAIL_TAKEN (not a 500) when a user with the email was created meanwhile; invite stays pending', async () => {
    const issued = await h.core.invites.create({ email: 'meanwhile@example.com' });
    await insertUserRow(h.core, 'meanwhile@example.com');
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    expect((await inviteRow(issued.invite.id))?.accepted).toBe(false);
    expect(await auditRows(h.core, 'invite.accepted')).toHaveLength(0);
  });

  it('writes invite.accepted and user.created with the new user as actor', async () => {
    const issued = await h.core.invites.create({ email: 'audited@example.com' });
    const { user } = await h.core.invites.accept(
      { token: issued.token, password: STRONG_PASSWORD },
      { ip: '203.0.113.9' },
    );
    const [accepted] = await auditRows(h.core, 'invite.accepted');
    expect(accepted).toMatchObject({
      actor_id: user.id,
      ip: '203.0.113.9',
      target_type: 'invite',
      target_id: issued.invite.id,
    });
    const created = await auditRows(h.core, 'user.created');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actor_id: user.id, target_id: user.id, ip: '203.0.113.9' });
  });
});
