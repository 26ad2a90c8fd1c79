import { describe, expect, it } from 'vitest';
import { domainCodeOf } from '../src/trpc/errors.js';
import { failure, STRONG_PASSWORD, useApiHarness } from './harness.js';

// Public calls that compute a password hash draw on a per-IP budget (HASH_RATE_PER_MINUTE), so one
// client cannot take the whole hash queue that everyone's sign-ins wait in.
const h = useApiHarness({ HASH_RATE_PER_MINUTE: '3', LOGIN_MAX_FAILURES: '100' });

describe('per-IP budget of password-hashing calls', () => {
  it('refuses the 4th hashing call of a minute from one IP, whatever the procedure, with 429 RATE_LIMITED', async () => {
    const attacker = h.anonymous({ ip: '198.51.100.7' });
    for (let i = 0; i < 3; i += 1) {
      const error = await failure(
        attacker.auth.login({ email: `spray${i}@example.com`, password: STRONG_PASSWORD }),
      );
      expect(domainCodeOf(error)).toBe('INVALID_CREDENTIALS');
    }
    for (const call of [
      () => attacker.auth.login({ email: 'spray9@example.com', password: STRONG_PASSWORD }),
      () => attacker.invites.accept({ token: `ghi_${'A'.repeat(43)}`, password: STRONG_PASSWORD }),
      () => attacker.auth.resetPassword({ token: `ghr_${'A'.repeat(43)}`, newPassword: STRONG_PASSWORD }),
      () =>
        attacker.setup.createFirstAdmin({
          token: 'ghsetup_x',
          email: 'x@example.com',
          password: STRONG_PASSWORD,
        }),
    ]) {
      const error = await failure(call());
      expect({ code: error.code, domainCode: domainCodeOf(error) }).toEqual({
        code: 'TOO_MANY_REQUESTS',
        domainCode: 'RATE_LIMITED',
      });
    }
    // Calls that hash nothing are not counted, and another IP has its own budget.
    await expect(attacker.setup.status()).resolves.toEqual({ needsSetup: true });
    await h.core.users.create({ email: 'someone@example.com', password: STRONG_PASSWORD });
    await expect(
      h
        .anonymous({ ip: '198.51.100.8' })
        .auth.login({ email: 'someone@example.com', password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({ user: { email: 'someone@example.com' } });
  });
});
