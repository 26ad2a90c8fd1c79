import { describe, expect, it } from 'vitest';
import { useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, makeAdmin, outcomes, warmPool } from './helpers.js';

const h = useTestCore();

describe('invites.create race (under concurrency)', () => {
  it('10 concurrent invites of one email make one invite row; every call succeeds', async () => {
    const admin = await makeAdmin(h);
    await warmPool(h.core);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        h.core.invites.create(
          { email: i % 2 ? 'Same@Example.com' : 'same@example.com', role: 'developer', sendEmail: false },
          { actorId: admin.id },
        ),
      ),
    );
    const { fulfilled, codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(codes).toEqual([]);
    expect(fulfilled).toHaveLength(10);

    expect(await countRows(h.core, 'invite')).toBe(1);
    const ids = new Set(fulfilled.map((issued) => issued.invite.id));
    expect(ids.size).toBe(1);

    // As if run one after another: each call replaced the token, so exactly one of them still works.
    const previews = await Promise.allSettled(
      fulfilled.map((issued) => h.core.invites.preview(issued.token)),
    );
    const live = previews.filter((p) => p.status === 'fulfilled');
    expect(live).toHaveLength(1);
    expect(outcomes(previews).codes).toEqual(Array(9).fill('INVALID_TOKEN'));

    // One audit row per successful call: one creation and nine reuses.
    const audit = await auditRows(h.core, 'invite.created');
    expect(audit).toHaveLength(10);
    expect(audit.filter((row) => row.metadata?.reused === false)).toHaveLength(1);
    expect(audit.filter((row) => row.metadata?.reused === true)).toHaveLength(9);
  });
});
