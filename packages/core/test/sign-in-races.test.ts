import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, gatedHasher, sql } from './helpers.js';
import { enrolTotp } from './mfa-helpers.js';

// A sign-in whose hash needs no upgrade writes its session in one statement, under the user's row
// lock, only if nothing changed since the password was verified. These freeze a sign-in between
// "password verified" and that statement, change something, and check the change wins.

const gated = gatedHasher('verify');
const h = useTestCore({ ports: { hasher: gated.hasher } });
const NEW_PASSWORD = 'a completely different passphrase';

const sessionsOf = async (userId: string) =>
  (
    await sql<{ n: number }>(h.core, 'select count(*)::int as n from "session" where user_id = ?', [userId])
  )[0]?.n;

describe('a sign-in verified before a concurrent change', () => {
  it('writes the session, the auth.login event and lastLoginAt when nothing changed', async () => {
    const user = await h.core.users.create({ email: 'plain@example.com', password: STRONG_PASSWORD });
    const result = await h.core.auth.signIn(
      { email: 'plain@example.com', password: STRONG_PASSWORD },
      { ip: '10.8.0.1', userAgent: 'x'.repeat(600) },
    );
    if (result.mfaRequired) throw new Error('expected a session');
    expect(result.user).toMatchObject({ id: user.id, lastLoginAt: h.clock.now().toISOString() });
    const [session] = await sql<{ id: string; ip: string; user_agent: string; mfa_verified_at: null }>(
      h.core,
      'select id, ip, user_agent, mfa_verified_at from "session" where user_id = ?',
      [user.id],
    );
    expect(session).toEqual({
      id: result.sessionId,
      ip: '10.8.0.1',
      user_agent: 'x'.repeat(512),
      mfa_verified_at: null,
    });
    expect(await h.core.auth.authenticateSession(result.token)).toMatchObject({ user: { id: user.id } });
    const events = await auditRows(h.core, 'auth.login');
    expect(events).toEqual([
      expect.objectContaining({
        actor_id: user.id,
        target_type: 'user',
        target_id: user.id,
        ip: '10.8.0.1',
        metadata: { rehashed: false },
      }),
    ]);
  });

  it('a password change wins: no session, INVALID_CREDENTIALS', async () => {
    const user = await h.core.users.create({ email: 'race@example.com', password: STRONG_PASSWORD });
    const gate = gated.arm();
    const login = h.core.auth.signIn(
      { email: 'race@example.com', password: STRONG_PASSWORD },
      { ip: '10.8.1.1' },
    );
    await gate.reached;
    await h.core.passwords.change(user.id, { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD });
    gate.release();
    await expect(login).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('a deletion wins: no session, INVALID_CREDENTIALS', async () => {
    await h.core.users.create({ email: 'admin@example.com', password: STRONG_PASSWORD, role: 'admin' });
    const user = await h.core.users.create({ email: 'leaving@example.com', password: STRONG_PASSWORD });
    const gate = gated.arm();
    const login = h.core.auth.signIn(
      { email: 'leaving@example.com', password: STRONG_PASSWORD },
      { ip: '10.8.2.1' },
    );
    await gate.reached;
    await h.core.users.delete(user.id);
    gate.release();
    await expect(login).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('a second factor confirmed meanwhile wins: a challenge, not a session', async () => {
    const user = await h.core.users.create({ email: 'enrols@example.com', password: STRONG_PASSWORD });
    const gate = gated.arm();
    const login = h.core.auth.signIn(
      { email: 'enrols@example.com', password: STRONG_PASSWORD },
      { ip: '10.8.3.1' },
    );
    await gate.reached;
    await enrolTotp(h, user.id);
    gate.release();
    await expect(login).resolves.toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery'] });
    expect(await sessionsOf(user.id)).toBe(0);
    expect(await auditRows(h.core, 'auth.login')).toEqual([]);
  });
});
