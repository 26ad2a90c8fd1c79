import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, makeAdmin, outcomes, sql, warmPool } from './helpers.js';

const h = useTestCore();

describe('invites.accept race', () => {
  it('of 25 concurrent accepts of one token exactly one succeeds, the rest get INVITE_ACCEPTED', async () => {
    const admin = await makeAdmin(h);
    const issued = await h.core.invites.create(
      { email: 'racer@example.com', role: 'developer', sendEmail: false },
      { actorId: admin.id },
    );
    await warmPool(h.core);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD, firstName: `r${i}` }),
      ),
    );
    const { fulfilled, codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(fulfilled).toHaveLength(1);
    expect(codes).toEqual(Array(24).fill('INVITE_ACCEPTED'));

    const winner = fulfilled[0]?.user;
    expect(winner).toMatchObject({ email: 'racer@example.com', role: 'developer' });
    expect(await countRows(h.core, 'user', 'email = ?', ['racer@example.com'])).toBe(1);
    expect(await countRows(h.core, 'invite', 'accepted = true')).toBe(1);
    const [invite] = await sql<{ accepted: boolean; accepted_at: string | null }>(
      h.core,
      'select accepted, accepted_at from invite where id = ?',
      [issued.invite.id],
    );
    expect(invite?.accepted).toBe(true);
    expect(new Date(String(invite?.accepted_at)).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(await auditRows(h.core, 'invite.accepted')).toHaveLength(1);
    expect((await auditRows(h.core, 'user.created')).map((row) => row.target_id)).toEqual([
      admin.id,
      winner?.id,
    ]);
  });

  it('accept racing a revoke: either the accept wins (revoke refused) or the accept is refused', async () => {
    const admin = await makeAdmin(h);
    const issued = await h.core.invites.create({ email: 'vs-revoke@example.com', sendEmail: false });
    await warmPool(h.core, 4);
    const [accept, revoke] = await Promise.allSettled([
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
      h.core.invites.revoke(issued.invite.id, { actorId: admin.id }),
    ]);
    const users = await countRows(h.core, 'user', 'email = ?', ['vs-revoke@example.com']);
    if (accept.status === 'fulfilled') {
      expect(revoke).toMatchObject({ status: 'rejected', reason: { code: 'INVITE_ACCEPTED' } });
      expect(users).toBe(1);
    } else {
      expect(revoke.status).toBe('fulfilled');
      expect(accept.reason).toMatchObject({ code: 'INVITE_REVOKED' });
      expect(users).toBe(0);
    }
  });

  it('accept racing a resend: either the accept wins (resend refused) or the old token is dead', async () => {
    const admin = await makeAdmin(h);
    for (let round = 0; round < 5; round += 1) {
      const email = `vs-resend${round}@example.com`;
      const issued = await h.core.invites.create({ email, sendEmail: false });
      await warmPool(h.core, 4);
      const [accept, resend] = await Promise.allSettled([
        h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
        h.core.invites.resend({ id: issued.invite.id, sendEmail: false }, { actorId: admin.id }),
      ]);
      const users = await countRows(h.core, 'user', 'email = ?', [email]);
      if (accept.status === 'fulfilled') {
        expect(resend).toMatchObject({ status: 'rejected', reason: { code: 'INVITE_ACCEPTED' } });
        expect(users).toBe(1);
      } else {
        expect(resend.status).toBe('fulfilled');
        expect(accept.reason).toMatchObject({ code: 'INVALID_TOKEN' });
        expect(users).toBe(0);
      }
    }
  });
});
