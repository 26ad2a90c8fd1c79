import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher, type PasswordHasher } from '../src/crypto/password-hasher.js';
import { DomainError } from '../src/errors.js';
import { createTestCore, STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countingHasher, countRows, outcomes, sql, warmPool } from './helpers.js';

// Findings of the security review (issue 7) that live in core; each case failed before its fix.
const h = useTestCore({ env: { LOGIN_MAX_FAILURES: '3' } });
const NEW_PASSWORD = 'a completely different passphrase';

describe('a BUSY answer does not use up the login throttle (finding 1)', () => {
  it('five logins refused as BUSY, then the right password still signs in', async () => {
    const inner = createPasswordHasher({ logN: 10 });
    let busy = 5;
    const hasher: PasswordHasher = {
      ...inner,
      logN: inner.logN,
      async verify(hash, password) {
        if (busy > 0) {
          busy -= 1;
          throw new DomainError('BUSY', 'The server is busy checking passwords');
        }
        return inner.verify(hash, password);
      },
    };
    const core = await createTestCore(h.databaseUrl, { hasher, env: { LOGIN_MAX_FAILURES: '3' } });
    try {
      await core.users.create({ email: 'busy@example.com', password: STRONG_PASSWORD });
      for (let i = 0; i < 5; i += 1) {
        await expect(
          core.auth.login({ email: 'busy@example.com', password: STRONG_PASSWORD }, { ip: '10.70.0.1' }),
        ).rejects.toMatchObject({ code: 'BUSY' });
      }
      await expect(
        core.auth.login({ email: 'busy@example.com', password: STRONG_PASSWORD }, { ip: '10.70.0.1' }),
      ).resolves.toMatchObject({ user: { email: 'busy@example.com' } });
    } finally {
      await core.close();
    }
  });
});

describe('IPv6 clients are throttled by their /64 (finding 2)', () => {
  it('rotating through addresses of one /64 does not give fresh attempts', async () => {
    await h.core.users.create({ email: 'v6@example.com', password: STRONG_PASSWORD });
    for (let i = 1; i <= 3; i += 1) {
      await expect(
        h.core.auth.login(
          { email: 'v6@example.com', password: 'wrong password!' },
          { ip: `2001:db8:1:2::${i}` },
        ),
      ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    }
    await expect(
      h.core.auth.login(
        { email: 'v6@example.com', password: STRONG_PASSWORD },
        { ip: '2001:db8:1:2:ffff::9' },
      ),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Another /64 is another client.
    await expect(
      h.core.auth.login({ email: 'v6@example.com', password: STRONG_PASSWORD }, { ip: '2001:db8:1:3::1' }),
    ).resolves.toMatchObject({ user: { email: 'v6@example.com' } });
  });
});

describe('password reset requests are limited (finding 3)', () => {
  it('mails one address at most 3 times an hour, answering { ok: true } every time', async () => {
    await h.core.users.create({ email: 'flood@example.com', password: STRONG_PASSWORD });
    for (let i = 0; i < 10; i += 1) {
      expect(
        await h.core.passwords.requestReset({ email: 'flood@example.com' }, { ip: `10.71.0.${i}` }),
      ).toEqual({
        ok: true,
      });
    }
    await h.core.idle();
    expect(h.mailer.sent.filter((mail) => mail.to === 'flood@example.com')).toHaveLength(3);
    expect(await countRows(h.core, 'password_reset')).toBe(3);
  });

  it('mails at most 20 an hour on behalf of one IP', async () => {
    for (let i = 0; i < 25; i += 1) await h.core.users.create({ email: `many${i}@example.com` });
    for (let i = 0; i < 25; i += 1) {
      await h.core.passwords.requestReset({ email: `many${i}@example.com` }, { ip: '10.72.0.1' });
    }
    await h.core.idle();
    expect(h.mailer.sent).toHaveLength(20);
  });

  it('keeps one live link per user: a new one replaces the old', async () => {
    await h.core.users.create({ email: 'twice@example.com', password: STRONG_PASSWORD });
    await h.core.passwords.requestReset({ email: 'twice@example.com' });
    await h.core.idle();
    const first = h.mailer.lastTokenFor('twice@example.com');
    await h.core.passwords.requestReset({ email: 'twice@example.com' });
    await h.core.idle();
    const second = h.mailer.lastTokenFor('twice@example.com');
    await expect(h.core.passwords.reset({ token: first, newPassword: NEW_PASSWORD })).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
    await expect(h.core.passwords.reset({ token: second, newPassword: NEW_PASSWORD })).resolves.toEqual({
      ok: true,
    });
  });
});

describe('one lock order for credential changes (finding 5)', () => {
  it('a reset racing a password change ends in 2xx or 4xx, never a deadlock', async () => {
    for (let round = 0; round < 5; round += 1) {
      const email = `lock${round}@example.com`;
      const user = await h.core.users.create({ email, password: STRONG_PASSWORD });
      await h.core.passwords.requestReset({ email });
      await h.core.idle();
      const token = h.mailer.lastTokenFor(email);
      await warmPool(h.core, 4);
      const results = await Promise.allSettled([
        h.core.passwords.reset({ token, newPassword: NEW_PASSWORD }),
        h.core.passwords.change(user.id, {
          currentPassword: STRONG_PASSWORD,
          newPassword: 'yet another passphrase',
        }),
      ]);
      const { fulfilled, unexpected } = outcomes(results);
      expect(unexpected).toEqual([]);
      expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('two reset links of one user used at once: one wins, the other is INVALID_TOKEN', async () => {
    // Links made before "one live link per user" (or by an operator) may still be around.
    const user = await h.core.users.create({ email: 'two-links@example.com', password: STRONG_PASSWORD });
    const tokens: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      await h.core.passwords.requestReset({ email: user.email });
      await h.core.idle();
      tokens.push(h.mailer.lastTokenFor(user.email));
      // Bring the replaced link back to life, as an old row would be.
      await sql(h.core, 'update password_reset set used_at = null');
    }
    await warmPool(h.core, 4);
    const results = await Promise.allSettled(
      tokens.map((token) => h.core.passwords.reset({ token, newPassword: NEW_PASSWORD })),
    );
    const { fulfilled, codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(fulfilled).toHaveLength(1);
    expect(codes).toEqual(['INVALID_TOKEN']);
  });
});

describe('the same scrypt work whatever is stored (finding 7)', () => {
  it('pads the check of a hash made at a lower cost up to the configured cost', async () => {
    const hasher = countingHasher(12);
    const core = await createTestCore(h.databaseUrl, { hasher, env: { PASSWORD_HASH_LOGN: '12' } });
    try {
      const user = await core.users.create({ email: 'old-cost@example.com' });
      // A hash from before PASSWORD_HASH_LOGN was raised from 10 to 12.
      const oldHash = await createPasswordHasher({ logN: 10 }).hash(STRONG_PASSWORD);
      await sql(core, 'update "user" set password_hash = ? where id = ?', [oldHash, user.id]);
      const before = hasher.calls.verify;
      await expect(
        core.auth.login({ email: 'old-cost@example.com', password: 'wrong password!' }, { ip: '10.73.0.1' }),
      ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
      // Its own check at logN 10, then dummies at 10 and 11: 2^10 + 2^10 + 2^11 = 2^12.
      expect(hasher.calls.verify - before).toBe(3);
    } finally {
      await core.close();
    }
  });

  it('answers a reset request without waiting for its lookup and insert, for known and unknown emails', async () => {
    await h.core.users.create({ email: 'known@example.com', password: STRONG_PASSWORD });
    // Another transaction holds the reset table: an insert made before answering would wait for it.
    const blocker = new pg.Client({ connectionString: h.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table password_reset in exclusive mode');
      for (const email of ['known@example.com', 'unknown@example.com']) {
        expect(await h.core.passwords.requestReset({ email })).toEqual({ ok: true });
      }
      await blocker.query('rollback');
    } finally {
      await blocker.end();
    }
    await h.core.idle();
    expect(await countRows(h.core, 'password_reset')).toBe(1);
    expect(h.mailer.sent.map((mail) => mail.to)).toEqual(['known@example.com']);
  });
});

describe('a new password ends the API token too (finding 11)', () => {
  it('on reset: the token stops working and the revocation is audited', async () => {
    const user = await h.core.users.create({ email: 'minted@example.com', password: STRONG_PASSWORD });
    const { token } = await h.core.apiTokens.generate(user.id);
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    await h.core.passwords.reset({ token: h.mailer.lastTokenFor(user.email), newPassword: NEW_PASSWORD });
    expect(await h.core.auth.authenticateApiToken(token)).toBeNull();
    expect((await h.core.users.get(user.id)).apiTokenPrefix).toBeNull();
    expect(await auditRows(h.core, 'api_token.revoked')).toMatchObject([
      { target_id: user.id, metadata: { reason: 'password reset' } },
    ]);
  });

  it('on change: the token stops working and the revocation is audited', async () => {
    const user = await h.core.users.create({ email: 'changer@example.com', password: STRONG_PASSWORD });
    const { token } = await h.core.apiTokens.generate(user.id);
    await h.core.passwords.change(user.id, { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD });
    expect(await h.core.auth.authenticateApiToken(token)).toBeNull();
    expect(await auditRows(h.core, 'api_token.revoked')).toMatchObject([
      { target_id: user.id, metadata: { reason: 'password changed' } },
    ]);
  });

  it('two concurrent correct logins that both rehash both succeed', async () => {
    const core = await createTestCore(h.databaseUrl, { env: { PASSWORD_HASH_LOGN: '11' } });
    try {
      for (let round = 0; round < 3; round += 1) {
        const email = `rehash${round}@example.com`;
        const user = await core.users.create({ email });
        const oldHash = await createPasswordHasher({ logN: 10 }).hash(STRONG_PASSWORD);
        await sql(core, 'update "user" set password_hash = ? where id = ?', [oldHash, user.id]);
        const results = await Promise.allSettled(
          ['10.74.0.1', '10.74.0.2'].map((ip) =>
            core.auth.login({ email, password: STRONG_PASSWORD }, { ip }),
          ),
        );
        expect(outcomes(results).codes).toEqual([]);
      }
    } finally {
      await core.close();
    }
  });
});
