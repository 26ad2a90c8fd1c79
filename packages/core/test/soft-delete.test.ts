import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, makeAdmin, sql } from './helpers.js';

const h = useTestCore();

describe('soft delete', () => {
  it('removes the user from lists and get, ends sessions and API token, frees the email', async () => {
    const admin = await makeAdmin(h);
    const user = await h.core.users.create({ email: 'leaver@example.com', password: STRONG_PASSWORD });
    const one = await h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.0.0.1' });
    const two = await h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.0.0.2' });
    const apiToken = await h.core.apiTokens.generate(user.id, { actorId: user.id });
    expect(await h.core.auth.authenticateApiToken(apiToken.token)).not.toBeNull();

    await expect(h.core.users.delete(user.id, { actorId: admin.id, ip: '192.0.2.1' })).resolves.toEqual({
      id: user.id,
      deleted: true,
    });

    await expect(h.core.users.get(user.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.core.users.findByEmail(user.email)).toBeNull();
    const list = await h.core.users.list();
    expect(list.items.map((u) => u.id)).toEqual([admin.id]);
    expect(list.total).toBe(1);
    expect((await h.core.users.list({ q: 'leaver' })).total).toBe(0);

    expect(await h.core.auth.authenticateSession(one.token)).toBeNull();
    expect(await h.core.auth.authenticateSession(two.token)).toBeNull();
    expect(await countRows(h.core, 'session', 'user_id = ?', [user.id])).toBe(0);
    expect(await h.core.auth.authenticateApiToken(apiToken.token)).toBeNull();
    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.0.0.3' }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });

    // The row stays for the audit trail, with its secrets cleared.
    const [row] = await sql<Record<string, unknown>>(h.core, 'select * from "user" where id = ?', [user.id]);
    expect(row?.deleted_at).not.toBeNull();
    expect(row?.api_token_hash).toBeNull();
    expect(row?.api_token_prefix).toBeNull();

    const [deleted] = await auditRows(h.core, 'user.deleted');
    expect(deleted).toMatchObject({ actor_id: admin.id, ip: '192.0.2.1', target_id: user.id });

    const again = await h.core.users.create({ email: 'leaver@example.com', password: STRONG_PASSWORD });
    expect(again.id).not.toBe(user.id);
    expect(again.apiTokenPrefix).toBeNull();
    const login = await h.core.auth.login({ email: 'leaver@example.com', password: STRONG_PASSWORD });
    expect(login.user.id).toBe(again.id);
  });

  it('a deleted user’s email can be invited and accepted again', async () => {
    const admin = await makeAdmin(h);
    const first = await h.core.invites.create({ email: 'return@example.com' }, { actorId: admin.id });
    const { user } = await h.core.invites.accept({ token: first.token, password: STRONG_PASSWORD });
    await h.core.users.delete(user.id, { actorId: admin.id });

    const second = await h.core.invites.create({ email: 'return@example.com' }, { actorId: admin.id });
    expect(second.invite.id).not.toBe(first.invite.id);
    const accepted = await h.core.invites.accept({ token: second.token, password: STRONG_PASSWORD });
    expect(accepted.user.id).not.toBe(user.id);
    expect(accepted.user.email).toBe('return@example.com');
  });

  it('a deleted user cannot be deleted, updated or given a token again (NOT_FOUND)', async () => {
    const user = await h.core.users.create({ email: 'gone@example.com' });
    await h.core.users.delete(user.id);
    await expect(h.core.users.delete(user.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.core.users.update({ id: user.id, firstName: 'Ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(h.core.apiTokens.generate(user.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await auditRows(h.core, 'user.deleted')).toHaveLength(1);
  });

  it('a password reset link of a deleted user no longer works and none is sent after deletion', async () => {
    const user = await h.core.users.create({ email: 'reset-gone@example.com', password: STRONG_PASSWORD });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const token = h.mailer.lastTokenFor(user.email);
    await h.core.users.delete(user.id);
    await expect(
      h.core.passwords.reset({ token, newPassword: 'a brand new passphrase' }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    h.mailer.clear();
    await expect(h.core.passwords.requestReset({ email: user.email })).resolves.toEqual({ ok: true });
    await h.core.idle();
    expect(h.mailer.sent).toHaveLength(0);
  });
});
