import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, outcomes, warmPool } from './helpers.js';

const h = useTestCore();

describe('users.create race', () => {
  it('of 25 concurrent creates of one email, exactly one wins and 24 get EMAIL_TAKEN', async () => {
    await warmPool(h.core);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        h.core.users.create({
          // Differently written, same normalised email.
          email: i % 2 === 0 ? 'race@example.com' : ` RACE@Example.com `,
          password: STRONG_PASSWORD,
          firstName: `n${i}`,
        }),
      ),
    );
    const { fulfilled, codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(fulfilled).toHaveLength(1);
    expect(codes).toEqual(Array(24).fill('EMAIL_TAKEN'));
    expect(await countRows(h.core, 'user', 'email = ?', ['race@example.com'])).toBe(1);
    expect(await countRows(h.core, 'user')).toBe(1);
    // The losers' audit rows were rolled back with their inserts.
    const created = await auditRows(h.core, 'user.created');
    expect(created.map((row) => row.target_id)).toEqual([fulfilled[0]?.id]);
  });
});
