import { describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, dumpAllTables, HOUR, MINUTE, sha256Hex, sql } from './helpers.js';

const h = useTestCore();
const NEW_PASSWORD = 'a completely different passphrase';

async function signedIn(email: string, ip = '10.7.0.1') {
  const user = await h.core.users.create({ email, password: STRONG_PASSWORD });
  const login = await h.core.auth.login({ email, password: STRONG_PASSWORD }, { ip });
  return { user, login };
}

describe('secrets: prefixes, 256 bits, stored only as SHA-256', () => {
  it('session ghs_, API gha_, invite ghi_, reset ghr_: 43 base64url chars (32 bytes) after the prefix', async () => {
    const admin = await h.core.users.create({
      email: 'admin@example.com',
      password: STRONG_PASSWORD,
      role: 'admin',
    });
    const session = (await h.core.auth.login({ email: admin.email, password: STRONG_PASSWORD })).token;
    const api = (await h.core.apiTokens.generate(admin.id)).token;
    const invite = (await h.core.invites.create({ email: 'inv@example.com' })).token;
    await h.core.passwords.requestReset({ email: admin.email });
    await h.core.idle();
    const reset = h.mailer.lastTokenFor(admin.email);

    const expectations: [string, string][] = [
      [session, 'ghs_'],
      [api, 'gha_'],
      [invite, 'ghi_'],
      [reset, 'ghr_'],
    ];
    for (const [token, prefix] of expectations) {
      expect(token.startsWith(prefix)).toBe(true);
      const body = token.slice(prefix.length);
      expect(body).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(body, 'base64url').length).toBeGreaterThanOrEqual(32);
    }

    const [sessionRow] = await sql<{ token_hash: string }>(h.core, 'select token_hash from session');
    expect(sessionRow?.token_hash).toBe(sha256Hex(session));
    const [userRow] = await sql<{ api_token_hash: string; api_token_prefix: string }>(
      h.core,
      'select api_token_hash, api_token_prefix from "user" where id = ?',
      [admin.id],
    );
    expect(userRow?.api_token_hash).toBe(sha256Hex(api));
    expect(api.startsWith(userRow?.api_token_prefix ?? 'x')).toBe(true);
    const [inviteRow] = await sql<{ token: string }>(h.core, 'select token from invite');
    expect(inviteRow?.token).toBe(sha256Hex(invite));
    const [resetRow] = await sql<{ token_hash: string }>(h.core, 'select token_hash from password_reset');
    expect(resetRow?.token_hash).toBe(sha256Hex(reset));

    const everything = await dumpAllTables(h.core);
    for (const [token, prefix] of expectations) {
      expect(everything).not.toContain(token);
      // Not even the random part on its own.
      expect(everything).not.toContain(token.slice(prefix.length));
    }
    expect(everything).not.toContain(STRONG_PASSWORD);
  });
});

describe('sessions', () => {
  it('authenticateSession resolves a live session, null for unknown, malformed or other-kind tokens', async () => {
    const { user, login } = await signedIn('s@example.com');
    expect(await h.core.auth.authenticateSession(login.token)).toMatchObject({
      via: 'session',
      sessionId: login.sessionId,
      user: { id: user.id, email: 's@example.com' },
    });
    expect(await h.core.auth.authenticateSession(`ghs_${'A'.repeat(43)}`)).toBeNull();
    expect(await h.core.auth.authenticateSession('')).toBeNull();
    expect(await h.core.auth.authenticateSession(login.token.replace('ghs_', 'gha_'))).toBeNull();
  });

  it('expires after SESSION_TTL_HOURS (168)', async () => {
    const { login } = await signedIn('expiring@example.com');
    h.clock.advance(168 * HOUR - 1);
    expect(await h.core.auth.authenticateSession(login.token)).not.toBeNull();
    h.clock.advance(1);
    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
  });

  it('logout ends that session only, and is audited', async () => {
    const { user, login } = await signedIn('out@example.com');
    const other = await h.core.auth.login(
      { email: user.email, password: STRONG_PASSWORD },
      { ip: '10.7.0.2' },
    );
    await expect(
      h.core.sessions.logout(login.sessionId, { actorId: user.id, ip: '10.7.0.1' }),
    ).resolves.toEqual({
      ok: true,
    });
    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
    expect(await h.core.auth.authenticateSession(other.token)).not.toBeNull();
    const [audit] = await auditRows(h.core, 'auth.logout');
    expect(audit).toMatchObject({ actor_id: user.id, ip: '10.7.0.1', target_id: user.id });
    // Logging out an ended session is harmless and not audited again.
    await expect(h.core.sessions.logout(login.sessionId)).resolves.toEqual({ ok: true });
    expect(await auditRows(h.core, 'auth.logout')).toHaveLength(1);
  });

  it('endAllSessions ends every session of that user only', async () => {
    const { user, login } = await signedIn('all@example.com');
    const second = await h.core.auth.login(
      { email: user.email, password: STRONG_PASSWORD },
      { ip: '10.7.0.3' },
    );
    const bystander = await signedIn('bystander@example.com');
    expect(await h.core.sessions.endAll(user.id)).toBe(2);
    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
    expect(await h.core.auth.authenticateSession(second.token)).toBeNull();
    expect(await h.core.auth.authenticateSession(bystander.login.token)).not.toBeNull();
  });

  it('lastSeenAt follows use of the session, written at most once a minute', async () => {
    const { user, login } = await signedIn('seen@example.com');
    const lastSeen = async () => (await h.core.sessions.list(user.id))[0]?.lastSeenAt;
    expect(await lastSeen()).toBe('2026-01-01T00:00:00.000Z');
    h.clock.advance(30_000);
    await h.core.auth.authenticateSession(login.token);
    expect(await lastSeen()).toBe('2026-01-01T00:00:00.000Z');
    h.clock.advance(MINUTE);
    await h.core.auth.authenticateSession(login.token);
    expect(await lastSeen()).toBe('2026-01-01T00:01:30.000Z');
  });
});

describe('auth.changePassword', () => {
  it('ends every other session and keeps the one that made the change', async () => {
    const { user, login } = await signedIn('change@example.com');
    const other1 = await h.core.auth.login(
      { email: user.email, password: STRONG_PASSWORD },
      { ip: '10.7.1.2' },
    );
    const other2 = await h.core.auth.login(
      { email: user.email, password: STRONG_PASSWORD },
      { ip: '10.7.1.3' },
    );
    const bystander = await signedIn('someone-else@example.com');

    await expect(
      h.core.passwords.change(
        user.id,
        { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD },
        { actorId: user.id, ip: '10.7.1.1', sessionId: login.sessionId },
      ),
    ).resolves.toEqual({ ok: true });

    expect(await h.core.auth.authenticateSession(login.token)).not.toBeNull();
    expect(await h.core.auth.authenticateSession(other1.token)).toBeNull();
    expect(await h.core.auth.authenticateSession(other2.token)).toBeNull();
    expect(await h.core.auth.authenticateSession(bystander.login.token)).not.toBeNull();
    expect(await countRows(h.core, 'session', 'user_id = ?', [user.id])).toBe(1);

    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.7.1.9' }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(
      h.core.auth.login({ email: user.email, password: NEW_PASSWORD }, { ip: '10.7.1.9' }),
    ).resolves.toBeDefined();
    const [audit] = await auditRows(h.core, 'auth.password_changed');
    expect(audit).toMatchObject({ actor_id: user.id, ip: '10.7.1.1', target_id: user.id });
  });

  it('without a sessionId (e.g. by API token) ends every session', async () => {
    const { user, login } = await signedIn('change-all@example.com');
    await h.core.passwords.change(user.id, {
      currentPassword: STRONG_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
  });

  it('refuses a wrong current password with INVALID_CREDENTIALS and changes nothing', async () => {
    const { user, login } = await signedIn('wrong-current@example.com');
    const other = await h.core.auth.login(
      { email: user.email, password: STRONG_PASSWORD },
      { ip: '10.7.2.2' },
    );
    await expect(
      h.core.passwords.change(
        user.id,
        { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
        { sessionId: login.sessionId },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await h.core.auth.authenticateSession(other.token)).not.toBeNull();
    expect(await auditRows(h.core, 'auth.password_changed')).toHaveLength(0);
    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.7.2.3' }),
    ).resolves.toBeDefined();
  });

  it('refuses a user without a password with INVALID_CREDENTIALS, an unknown user with NOT_FOUND', async () => {
    const user = await h.core.users.create({ email: 'pwless@example.com' });
    await expect(
      h.core.passwords.change(user.id, { currentPassword: 'anything at all', newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(
      h.core.passwords.change(newId('user'), { currentPassword: 'anything', newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('API tokens', () => {
  it('generate: shown once, authenticates as the user, prefix in the user DTO, audited', async () => {
    const { user } = await signedIn('machine@example.com');
    const generated = await h.core.apiTokens.generate(user.id, { actorId: user.id, ip: '10.7.3.1' });
    expect(generated.token).toMatch(/^gha_[A-Za-z0-9_-]{43}$/);
    expect(generated.token.startsWith(generated.prefix)).toBe(true);
    expect(generated.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect((await h.core.users.get(user.id)).apiTokenPrefix).toBe(generated.prefix);

    expect(await h.core.auth.authenticateApiToken(generated.token)).toMatchObject({
      via: 'apiToken',
      sessionId: null,
      user: { id: user.id },
    });
    const [audit] = await auditRows(h.core, 'api_token.generated');
    expect(audit).toMatchObject({ actor_id: user.id, ip: '10.7.3.1', target_id: user.id });
    expect(audit?.metadata).toEqual({ prefix: generated.prefix });
  });

  it('records last use at most once a minute', async () => {
    const { user } = await signedIn('lastused@example.com');
    const { token } = await h.core.apiTokens.generate(user.id);
    const lastUsed = async () => {
      const [row] = await sql<{ api_token_last_used_at: string | null }>(
        h.core,
        'select api_token_last_used_at from "user" where id = ?',
        [user.id],
      );
      return row?.api_token_last_used_at ? new Date(row.api_token_last_used_at).toISOString() : null;
    };
    expect(await lastUsed()).toBeNull();
    await h.core.auth.authenticateApiToken(token);
    expect(await lastUsed()).toBe('2026-01-01T00:00:00.000Z');
    h.clock.advance(30_000);
    await h.core.auth.authenticateApiToken(token);
    expect(await lastUsed()).toBe('2026-01-01T00:00:00.000Z');
    h.clock.advance(MINUTE);
    await h.core.auth.authenticateApiToken(token);
    expect(await lastUsed()).toBe('2026-01-01T00:01:30.000Z');
  });

  it('generating again kills the first token', async () => {
    const { user } = await signedIn('rotate@example.com');
    const first = await h.core.apiTokens.generate(user.id);
    const second = await h.core.apiTokens.generate(user.id);
    expect(second.token).not.toBe(first.token);
    expect(await h.core.auth.authenticateApiToken(first.token)).toBeNull();
    expect((await h.core.auth.authenticateApiToken(second.token))?.user.id).toBe(user.id);
    expect((await h.core.users.get(user.id)).apiTokenPrefix).toBe(second.prefix);
  });

  it('revoke ends the token, clears the prefix, is audited once, and is harmless twice', async () => {
    const { user } = await signedIn('revoke@example.com');
    const { token } = await h.core.apiTokens.generate(user.id);
    await expect(h.core.apiTokens.revoke(user.id, { actorId: user.id, ip: '10.7.4.1' })).resolves.toEqual({
      ok: true,
    });
    expect(await h.core.auth.authenticateApiToken(token)).toBeNull();
    expect((await h.core.users.get(user.id)).apiTokenPrefix).toBeNull();
    await expect(h.core.apiTokens.revoke(user.id)).resolves.toEqual({ ok: true });
    const audits = await auditRows(h.core, 'api_token.revoked');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_id: user.id, ip: '10.7.4.1' });
  });

  it('authenticateApiToken is null for unknown, malformed and session tokens; a session token is not an API token', async () => {
    const { login } = await signedIn('kinds@example.com');
    expect(await h.core.auth.authenticateApiToken(`gha_${'A'.repeat(43)}`)).toBeNull();
    expect(await h.core.auth.authenticateApiToken('Bearer nonsense')).toBeNull();
    expect(await h.core.auth.authenticateApiToken(login.token)).toBeNull();
  });

  it('generate and revoke for an unknown user are NOT_FOUND', async () => {
    await expect(h.core.apiTokens.generate(newId('user'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.core.apiTokens.revoke(newId('user'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('purging dead credentials', () => {
  it('deletes expired sessions and used or expired reset links, and nothing alive', async () => {
    const user = await h.core.users.create({ email: 'purge@example.com', password: STRONG_PASSWORD });
    const old = await h.core.auth.login(
      { email: 'purge@example.com', password: STRONG_PASSWORD },
      { ip: '10.7.0.1' },
    );
    await h.core.passwords.requestReset({ email: 'purge@example.com' });
    await h.core.idle();
    h.clock.advance(169 * HOUR);
    const fresh = await h.core.auth.login(
      { email: 'purge@example.com', password: STRONG_PASSWORD },
      { ip: '10.7.0.1' },
    );

    expect(await h.core.purgeExpired()).toEqual({ sessions: 1, passwordResets: 1 });
    expect(await h.core.auth.authenticateSession(fresh.token)).toMatchObject({ user: { id: user.id } });
    expect(await h.core.auth.authenticateSession(old.token)).toBeNull();
    expect(await h.core.purgeExpired()).toEqual({ sessions: 0, passwordResets: 0 });
  });
});
