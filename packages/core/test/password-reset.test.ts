import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, MINUTE, sha256Hex, sql, warmPool } from './helpers.js';

const h = useTestCore();
const NEW_PASSWORD = 'a completely different passphrase';

async function userWithSessions(email: string) {
  const user = await h.core.users.create({ email, password: STRONG_PASSWORD });
  const a = await h.core.auth.login({ email, password: STRONG_PASSWORD }, { ip: '10.6.0.1' });
  const b = await h.core.auth.login({ email, password: STRONG_PASSWORD }, { ip: '10.6.0.2' });
  return { user, sessions: [a, b] };
}

describe('auth.requestPasswordReset', () => {
  it('answers { ok: true } for an unknown email and sends nothing, stores nothing', async () => {
    await expect(h.core.passwords.requestReset({ email: 'ghost@example.com' })).resolves.toEqual({
      ok: true,
    });
    await h.core.idle();
    expect(h.mailer.sent).toHaveLength(0);
    expect(await countRows(h.core, 'password_reset')).toBe(0);
  });

  it('sends one mail with a /reset-password?token=ghr_… link to a user, storing only its hash', async () => {
    const user = await h.core.users.create({ email: 'forgot@example.com', password: STRONG_PASSWORD });
    await expect(h.core.passwords.requestReset({ email: ' Forgot@Example.com ' })).resolves.toEqual({
      ok: true,
    });
    await h.core.idle();
    expect(h.mailer.sent).toHaveLength(1);
    const mail = h.mailer.sent[0];
    expect(mail?.to).toBe('forgot@example.com');
    const token = h.mailer.lastTokenFor('forgot@example.com');
    expect(token).toMatch(/^ghr_[A-Za-z0-9_-]{43}$/);
    expect(mail?.text).toContain(`http://gatehouse.test/reset-password?token=${token}`);
    const rows = await sql<{ token_hash: string; user_id: string; expires_at: string }>(
      h.core,
      'select token_hash, user_id, expires_at from password_reset',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(sha256Hex(token));
    expect(rows[0]?.user_id).toBe(user.id);
    expect(new Date(String(rows[0]?.expires_at)).toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });

  it('still answers { ok: true } when the mail cannot be sent', async () => {
    await h.core.users.create({ email: 'mailfail@example.com', password: STRONG_PASSWORD });
    h.mailer.failNext();
    await expect(h.core.passwords.requestReset({ email: 'mailfail@example.com' })).resolves.toEqual({
      ok: true,
    });
    await h.core.idle();
    expect(h.mailer.sent).toHaveLength(0);
  });
});

describe('auth.resetPassword', () => {
  it('works once: sets the new password, ends every session, audits; a second use is INVALID_TOKEN', async () => {
    const { user, sessions } = await userWithSessions('reset@example.com');
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const token = h.mailer.lastTokenFor(user.email);

    await expect(
      h.core.passwords.reset({ token, newPassword: NEW_PASSWORD }, { ip: '198.51.100.7' }),
    ).resolves.toEqual({ ok: true });

    for (const session of sessions) expect(await h.core.auth.authenticateSession(session.token)).toBeNull();
    expect(await countRows(h.core, 'session', 'user_id = ?', [user.id])).toBe(0);
    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.6.1.1' }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(
      h.core.auth.login({ email: user.email, password: NEW_PASSWORD }, { ip: '10.6.1.1' }),
    ).resolves.toMatchObject({ user: { id: user.id } });

    await expect(
      h.core.passwords.reset({ token, newPassword: 'yet another passphrase' }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN', kind: 'invalid' });
    await expect(
      h.core.auth.login({ email: user.email, password: NEW_PASSWORD }, { ip: '10.6.1.2' }),
    ).resolves.toBeDefined();

    const [audit] = await auditRows(h.core, 'auth.password_reset');
    expect(audit).toMatchObject({ actor_id: user.id, target_id: user.id, ip: '198.51.100.7' });
  });

  it('expires after 60 minutes', async () => {
    const user = await h.core.users.create({ email: 'slow@example.com', password: STRONG_PASSWORD });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const token = h.mailer.lastTokenFor(user.email);
    h.clock.advance(60 * MINUTE);
    await expect(h.core.passwords.reset({ token, newPassword: NEW_PASSWORD })).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.6.2.1' }),
    ).resolves.toBeDefined();
  });

  it('still works just before 60 minutes', async () => {
    const user = await h.core.users.create({ email: 'quick@example.com', password: STRONG_PASSWORD });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    h.clock.advance(60 * MINUTE - 1000);
    await expect(
      h.core.passwords.reset({ token: h.mailer.lastTokenFor(user.email), newPassword: NEW_PASSWORD }),
    ).resolves.toEqual({ ok: true });
  });

  it('a weak new password is WEAK_PASSWORD and leaves the token usable', async () => {
    const { user, sessions } = await userWithSessions('weak-reset@example.com');
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const token = h.mailer.lastTokenFor(user.email);
    await expect(h.core.passwords.reset({ token, newPassword: 'password123' })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    // Nothing happened: sessions still valid, no audit row.
    expect(await h.core.auth.authenticateSession(sessions[0]?.token ?? '')).not.toBeNull();
    expect(await auditRows(h.core, 'auth.password_reset')).toHaveLength(0);
    await expect(h.core.passwords.reset({ token, newPassword: NEW_PASSWORD })).resolves.toEqual({
      ok: true,
    });
  });

  it('using one link kills the user’s other outstanding links', async () => {
    const user = await h.core.users.create({ email: 'two-links@example.com', password: STRONG_PASSWORD });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const first = h.mailer.lastTokenFor(user.email);
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const second = h.mailer.lastTokenFor(user.email);
    expect(second).not.toBe(first);
    await h.core.passwords.reset({ token: second, newPassword: NEW_PASSWORD });
    await expect(
      h.core.passwords.reset({ token: first, newPassword: 'an attacker passphrase' }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('refuses unknown and malformed tokens, and tokens of another kind', async () => {
    for (const token of [`ghr_${'A'.repeat(43)}`, 'garbage', `ghi_${'A'.repeat(43)}`]) {
      await expect(h.core.passwords.reset({ token, newPassword: NEW_PASSWORD })).rejects.toMatchObject({
        code: 'INVALID_TOKEN',
      });
    }
  });

  it('of concurrent uses of one token, exactly one succeeds', async () => {
    const user = await h.core.users.create({ email: 'race-reset@example.com', password: STRONG_PASSWORD });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const token = h.mailer.lastTokenFor(user.email);
    await warmPool(h.core, 10);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        h.core.passwords.reset({ token, newPassword: `${NEW_PASSWORD} ${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'INVALID_TOKEN' });
    }
    expect(await auditRows(h.core, 'auth.password_reset')).toHaveLength(1);
  });
});
