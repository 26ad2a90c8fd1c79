import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../src/core.js';
import { DomainError } from '../src/errors.js';
import { createTestCore, STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countingHasher, HOUR } from './helpers.js';

const h = useTestCore();

// Each test uses its own IP so the (in-process) throttle of this file's core never carries over.
describe('auth.login', () => {
  it('returns the user, a ghs_ session token with its id and expiry, and records lastLoginAt', async () => {
    const user = await h.core.users.create({ email: 'in@example.com', password: STRONG_PASSWORD });
    h.clock.advance(HOUR);
    const result = await h.core.auth.login(
      { email: 'in@example.com', password: STRONG_PASSWORD },
      { ip: '10.1.0.1', userAgent: 'vitest' },
    );
    expect(result.user.id).toBe(user.id);
    expect(result.user.lastLoginAt).toBe('2026-01-01T01:00:00.000Z');
    expect(result.token).toMatch(/^ghs_[A-Za-z0-9_-]{43}$/);
    expect(result.sessionId).toMatch(/^ses_/);
    expect(result.expiresAt.toISOString()).toBe('2026-01-08T01:00:00.000Z');
    expect((await h.core.users.get(user.id)).lastLoginAt).toBe('2026-01-01T01:00:00.000Z');
    const principal = await h.core.auth.authenticateSession(result.token);
    expect(principal).toMatchObject({ via: 'session', sessionId: result.sessionId, user: { id: user.id } });
  });

  it('gives the same INVALID_CREDENTIALS error for an unknown email and a wrong password', async () => {
    await h.core.users.create({ email: 'known@example.com', password: STRONG_PASSWORD });
    const unknown = await h.core.auth
      .login({ email: 'unknown@example.com', password: STRONG_PASSWORD }, { ip: '10.1.0.2' })
      .catch((error: unknown) => error);
    const wrong = await h.core.auth
      .login({ email: 'known@example.com', password: 'not the right one' }, { ip: '10.1.0.2' })
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(DomainError);
    expect(wrong).toBeInstanceOf(DomainError);
    const [a, b] = [unknown as DomainError, wrong as DomainError];
    expect(a.code).toBe('INVALID_CREDENTIALS');
    expect(b.code).toBe('INVALID_CREDENTIALS');
    expect(a.kind).toBe('unauthenticated');
    expect(a.message).toBe(b.message);
    expect(a.message).not.toMatch(/unknown@|known@|not the right one/);
  });

  it('records auth.login and auth.login_failed with ip', async () => {
    const user = await h.core.users.create({ email: 'aud@example.com', password: STRONG_PASSWORD });
    await expect(
      h.core.auth.login({ email: 'aud@example.com', password: 'wrong password!' }, { ip: '10.1.0.3' }),
    ).rejects.toThrow();
    await expect(
      h.core.auth.login({ email: 'nobody@example.com', password: 'wrong password!' }, { ip: '10.1.0.3' }),
    ).rejects.toThrow();
    await h.core.auth.login({ email: 'aud@example.com', password: STRONG_PASSWORD }, { ip: '10.1.0.3' });
    const failed = await auditRows(h.core, 'auth.login_failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ actor_id: user.id, target_id: user.id, ip: '10.1.0.3' });
    expect(failed[1]).toMatchObject({ actor_id: null, target_id: null, ip: '10.1.0.3' });
    const [ok] = await auditRows(h.core, 'auth.login');
    expect(ok).toMatchObject({ actor_id: user.id, target_id: user.id, ip: '10.1.0.3' });
  });
});

describe('auth.login does the same work for unknown and known emails', () => {
  let counted: Core;
  const hasher = countingHasher();
  beforeAll(async () => {
    counted = await createTestCore(h.databaseUrl, { hasher, clock: h.clock, mailer: h.mailer });
  });
  afterAll(async () => {
    await counted?.close();
  });

  it('calls verify exactly once for an unknown email, a wrong password, a user without password and a success', async () => {
    await counted.users.create({ email: 'counted@example.com', password: STRONG_PASSWORD });
    await counted.users.create({ email: 'nopw@example.com' });
    const attempt = async (email: string, password: string) => {
      const before = hasher.calls.verify;
      await counted.auth.login({ email, password }, { ip: '10.2.0.1' }).catch(() => undefined);
      return hasher.calls.verify - before;
    };
    expect(await attempt('ghost@example.com', STRONG_PASSWORD)).toBe(1);
    expect(await attempt('counted@example.com', 'a wrong password')).toBe(1);
    expect(await attempt('nopw@example.com', STRONG_PASSWORD)).toBe(1);
    expect(await attempt('ghost2@example.com', STRONG_PASSWORD)).toBe(1);
    expect(await attempt('counted@example.com', STRONG_PASSWORD)).toBe(1);
  });
});

describe('login throttling with the default LOGIN_MAX_FAILURES (10)', () => {
  it('after 10 failures for (ip, email), even the right password is RATE_LIMITED with retryAfterSeconds', async () => {
    expect(h.core.config.loginMaxFailures).toBe(10);
    await h.core.users.create({ email: 'target@example.com', password: STRONG_PASSWORD });
    const ip = '10.3.0.1';
    for (let i = 0; i < 10; i++) {
      await expect(
        h.core.auth.login({ email: 'target@example.com', password: `wrong-${i}-password` }, { ip }),
      ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    }
    const limited = await h.core.auth
      .login({ email: 'target@example.com', password: STRONG_PASSWORD }, { ip })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(DomainError);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', kind: 'rate_limited' });
    const retryAfter = (limited as DomainError).retryAfterSeconds ?? 0;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Refused attempts are not audited as a login.
    expect(await auditRows(h.core, 'auth.login')).toHaveLength(0);

    // Never an account lock: another IP signs in with the right password.
    await expect(
      h.core.auth.login({ email: 'target@example.com', password: STRONG_PASSWORD }, { ip: '10.3.0.2' }),
    ).resolves.toBeDefined();
  });
});
