import type { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { domainCodeOf } from '../src/trpc/errors.js';
import { failure, STRONG_PASSWORD, useApiHarness } from './harness.js';

// Three failures per (IP, email) within the window, then TOO_MANY_REQUESTS. The throttle store lives
// in this file's core for its whole run, so every test uses its own emails and IPs.
const h = useApiHarness({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_MINUTES: '15' });

describe('login throttling', () => {
  it('after 3 failures even the right password gets TOO_MANY_REQUESTS / RATE_LIMITED with a retry delay', async () => {
    await h.core.users.create({ email: 'target1@example.com', password: STRONG_PASSWORD });
    const caller = h.anonymous({ ip: '198.51.100.1' });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const error = await failure(
        caller.auth.login({ email: 'target1@example.com', password: 'wrong guess!' }),
      );
      expect({ attempt, code: error.code }).toEqual({ attempt, code: 'UNAUTHORIZED' });
    }
    const blocked = await failure(
      caller.auth.login({ email: 'target1@example.com', password: STRONG_PASSWORD }),
    );
    expect(blocked.code).toBe('TOO_MANY_REQUESTS');
    expect(blocked.cause).toMatchObject({ code: 'RATE_LIMITED' });
    expect(domainCodeOf(blocked)).toBe('RATE_LIMITED');
    const retryAfter = (blocked.cause as unknown as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('does not block before the limit', async () => {
    await h.core.users.create({ email: 'target2@example.com', password: STRONG_PASSWORD });
    const caller = h.anonymous({ ip: '198.51.100.2' });
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      await expect(
        caller.auth.login({ email: 'target2@example.com', password: 'wrong guess!' }),
      ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(
      caller.auth.login({ email: 'target2@example.com', password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({ user: { email: 'target2@example.com' } });
  });

  it('counts per (IP, normalised email): other emails and other IPs are unaffected, case variants are not', async () => {
    await h.core.users.create({ email: 'target3@example.com', password: STRONG_PASSWORD });
    await h.core.users.create({ email: 'bystander3@example.com', password: STRONG_PASSWORD });
    const attacker = h.anonymous({ ip: '198.51.100.3' });
    for (const email of ['target3@example.com', 'TARGET3@example.com', ' Target3@Example.com ']) {
      await expect(attacker.auth.login({ email, password: 'wrong guess!' })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    await expect(
      attacker.auth.login({ email: 'target3@example.com', password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });

    // Same IP, other email.
    await expect(
      attacker.auth.login({ email: 'bystander3@example.com', password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
    // Same email, other IP: the account is not locked.
    await expect(
      h
        .anonymous({ ip: '198.51.100.33' })
        .auth.login({ email: 'target3@example.com', password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  // Regression (found by this suite): the throttle used to be read before the password was verified
  // and a failure recorded only afterwards, so a burst of parallel guesses all slipped in under the
  // limit. Run one after another, attempts 4..20 get TOO_MANY_REQUESTS (rules 6 and 9).
  it('a concurrent burst gets no more password guesses than the limit', async () => {
    await h.core.users.create({ email: 'burst5@example.com', password: STRONG_PASSWORD });
    const caller = h.anonymous({ ip: '198.51.100.5' });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        caller.auth.login({ email: 'burst5@example.com', password: 'wrong guess!' }),
      ),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as TRPCError).code : 'OK'));
    const guessed = codes.filter((code) => code === 'UNAUTHORIZED').length;
    expect(codes.filter((code) => code !== 'UNAUTHORIZED' && code !== 'TOO_MANY_REQUESTS')).toEqual([]);
    expect(guessed).toBeLessThanOrEqual(3);
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(20 - guessed);
  });

  it('throttles unknown emails the same way', async () => {
    const caller = h.anonymous({ ip: '198.51.100.4' });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await expect(
        caller.auth.login({ email: 'ghost4@example.com', password: 'wrong guess!' }),
      ).rejects.toMatchObject({ code: 'UNAUTHORIZED', cause: { code: 'INVALID_CREDENTIALS' } });
    }
    await expect(
      caller.auth.login({ email: 'ghost4@example.com', password: 'wrong guess!' }),
    ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', cause: { code: 'RATE_LIMITED' } });
  });
});
