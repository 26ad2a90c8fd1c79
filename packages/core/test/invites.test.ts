import { describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, HOUR, MINUTE, makeAdmin, sha256Hex, sql } from './helpers.js';

const h = useTestCore();

const inviteRow = async (id: string) => {
  const [row] = await sql<Record<string, unknown>>(h.core, 'select * from invite where id = ?', [id]);
  return row;
};

describe('invites.create', () => {
  it('creates a pending invite valid for 168 hours, with inviter, link and a ghi_ token', async () => {
    const admin = await makeAdmin(h);
    const issued = await h.core.invites.create(
      { email: 'new@example.com', role: 'developer' },
      { actorId: admin.id },
    );
    expect(issued.invite).toEqual({
      id: expect.stringMatching(/^inv_[0-9a-z]{26}$/),
      email: 'new@example.com',
      role: 'developer',
      status: 'pending',
      accepted: false,
      expiresAt: '2026-01-08T00:00:00.000Z',
      acceptedAt: null,
      invitedBy: admin.id,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(issued.token).toMatch(/^ghi_[A-Za-z0-9_-]{43}$/);
    expect(issued.acceptUrl).toBe(`http://gatehouse.test/accept-invite?token=${issued.token}`);
    expect(issued.emailSent).toBe(true);
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.to).toBe('new@example.com');
    expect(h.mailer.sent[0]?.text).toContain(issued.acceptUrl);
  });

  it('defaults the role to member', async () => {
    const issued = await h.core.invites.create({ email: 'default-role@example.com' });
    expect(issued.invite.role).toBe('member');
  });

  it('refuses an email that belongs to an active user with EMAIL_TAKEN and writes nothing', async () => {
    const admin = await makeAdmin(h);
    await h.core.users.create({ email: 'member@example.com' });
    await expect(
      h.core.invites.create({ email: 'Member@Example.com' }, { actorId: admin.id }),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN', kind: 'conflict' });
    expect(await countRows(h.core, 'invite')).toBe(0);
    expect(await auditRows(h.core, 'invite.created')).toHaveLength(0);
    expect(h.mailer.sent).toHaveLength(0);
  });

  it('reuses a pending invite: same id, role updated, new token, expiry reset, old token dead', async () => {
    const admin = await makeAdmin(h);
    const first = await h.core.invites.create({ email: 'reuse@example.com', role: 'member' });
    h.clock.advance(10 * HOUR);
    const second = await h.core.invites.create(
      { email: 'REUSE@example.com', role: 'admin' },
      { actorId: admin.id },
    );

    expect(second.invite.id).toBe(first.invite.id);
    expect(second.invite.role).toBe('admin');
    expect(second.invite.invitedBy).toBe(admin.id);
    expect(second.token).not.toBe(first.token);
    expect(second.invite.expiresAt).toBe('2026-01-08T10:00:00.000Z');
    expect(second.invite.createdAt).toBe(first.invite.createdAt);
    expect(second.invite.updatedAt).toBe('2026-01-01T10:00:00.000Z');
    expect(await countRows(h.core, 'invite')).toBe(1);

    await expect(h.core.invites.preview(first.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(
      h.core.invites.accept({ token: first.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await h.core.invites.preview(second.token)).toMatchObject({ role: 'admin', status: 'pending' });
    const { user } = await h.core.invites.accept({ token: second.token, password: STRONG_PASSWORD });
    expect(user.role).toBe('admin');
  });

  it('reuses an expired invite and makes it pending again', async () => {
    const first = await h.core.invites.create({ email: 'expired-reuse@example.com' });
    h.clock.advance(200 * HOUR);
    expect((await h.core.invites.get(first.invite.id)).status).toBe('expired');
    const second = await h.core.invites.create({ email: 'expired-reuse@example.com', role: 'developer' });
    expect(second.invite.id).toBe(first.invite.id);
    expect(second.invite.status).toBe('pending');
    expect(new Date(second.invite.expiresAt).getTime()).toBe(h.clock.now().getTime() + 168 * HOUR);
    await expect(h.core.invites.preview(first.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('does not reuse a revoked invite: a new one is made, and the revoked one stays revoked', async () => {
    const first = await h.core.invites.create({ email: 'after-revoke@example.com' });
    await h.core.invites.revoke(first.invite.id);
    const second = await h.core.invites.create({ email: 'after-revoke@example.com' });
    expect(second.invite.id).not.toBe(first.invite.id);
    expect(second.invite.status).toBe('pending');
    expect((await h.core.invites.get(first.invite.id)).status).toBe('revoked');
    expect((await h.core.invites.preview(first.token)).status).toBe('revoked');
  });

  it('stores only the SHA-256 of the token', async () => {
    const issued = await h.core.invites.create({ email: 'hash@example.com' });
    const row = await inviteRow(issued.invite.id);
    expect(row?.token).toBe(sha256Hex(issued.token));
    expect(JSON.stringify(row)).not.toContain(issued.token);
  });
});

describe('invites.resend', () => {
  it('gives a new token and expiry; the old token stops working at once', async () => {
    const admin = await makeAdmin(h);
    const first = await h.core.invites.create({ email: 'resend@example.com' }, { actorId: admin.id });
    h.clock.advance(24 * HOUR);
    const resent = await h.core.invites.resend({ id: first.invite.id }, { actorId: admin.id });
    expect(resent.invite.id).toBe(first.invite.id);
    expect(resent.token).toMatch(/^ghi_[A-Za-z0-9_-]{43}$/);
    expect(resent.token).not.toBe(first.token);
    expect(resent.invite.expiresAt).toBe('2026-01-09T00:00:00.000Z');
    expect(resent.acceptUrl).toBe(`http://gatehouse.test/accept-invite?token=${resent.token}`);
    expect(resent.emailSent).toBe(true);
    expect(h.mailer.lastTokenFor('resend@example.com')).toBe(resent.token);
    await expect(h.core.invites.preview(first.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(
      h.core.invites.accept({ token: first.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(
      h.core.invites.accept({ token: resent.token, password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({ user: { email: 'resend@example.com' } });
  });

  it('works on an expired invite', async () => {
    const first = await h.core.invites.create({ email: 'resend-expired@example.com' });
    h.clock.advance(168 * HOUR + 1);
    await expect(
      h.core.invites.accept({ token: first.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVITE_EXPIRED' });
    const resent = await h.core.invites.resend({ id: first.invite.id });
    expect(resent.invite.status).toBe('pending');
    expect(new Date(resent.invite.expiresAt).getTime()).toBe(h.clock.now().getTime() + 168 * HOUR);
    await expect(
      h.core.invites.accept({ token: resent.token, password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('is refused for an accepted invite (INVITE_ACCEPTED) and a revoked one (INVITE_REVOKED)', async () => {
    const accepted = await h.core.invites.create({ email: 'acc@example.com' });
    await h.core.invites.accept({ token: accepted.token, password: STRONG_PASSWORD });
    const revoked = await h.core.invites.create({ email: 'rev@example.com' });
    await h.core.invites.revoke(revoked.invite.id);
    h.mailer.clear();

    await expect(h.core.invites.resend({ id: accepted.invite.id })).rejects.toMatchObject({
      code: 'INVITE_ACCEPTED',
    });
    await expect(h.core.invites.resend({ id: revoked.invite.id })).rejects.toMatchObject({
      code: 'INVITE_REVOKED',
    });
    // Refusals change nothing: the old tokens still resolve to their invites.
    expect((await h.core.invites.preview(accepted.token)).status).toBe('accepted');
    expect((await h.core.invites.preview(revoked.token)).status).toBe('revoked');
    expect(h.mailer.sent).toHaveLength(0);
    expect(await auditRows(h.core, 'invite.resent')).toHaveLength(0);
  });

  it('gives NOT_FOUND for an unknown id', async () => {
    await expect(h.core.invites.resend({ id: newId('invite') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('with sendEmail false sends nothing and says so', async () => {
    const first = await h.core.invites.create({ email: 'quiet@example.com', sendEmail: false });
    const resent = await h.core.invites.resend({ id: first.invite.id, sendEmail: false });
    expect(resent.emailSent).toBe(false);
    expect(h.mailer.sent).toHaveLength(0);
  });
});

describe('invites.revoke', () => {
  it('revokes a pending invite: its token is refused with INVITE_REVOKED', async () => {
    const admin = await makeAdmin(h);
    const issued = await h.core.invites.create({ email: 'to-revoke@example.com' });
    h.clock.advance(HOUR);
    await expect(h.core.invites.revoke(issued.invite.id, { actorId: admin.id })).resolves.toEqual({
      id: issued.invite.id,
      revoked: true,
    });
    const invite = await h.core.invites.get(issued.invite.id);
    expect(invite.status).toBe('revoked');
    expect(invite.updatedAt).toBe('2026-01-01T01:00:00.000Z');
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 'INVITE_REVOKED' });
    expect(await countRows(h.core, 'user', 'email = ?', ['to-revoke@example.com'])).toBe(0);
  });

  it('is harmless twice (one audit row) and refused for an accepted invite with INVITE_ACCEPTED', async () => {
    const issued = await h.core.invites.create({ email: 'twice@example.com' });
    await h.core.invites.revoke(issued.invite.id);
    await h.core.invites.revoke(issued.invite.id);
    expect(await auditRows(h.core, 'invite.revoked')).toHaveLength(1);

    const accepted = await h.core.invites.create({ email: 'accepted@example.com' });
    await h.core.invites.accept({ token: accepted.token, password: STRONG_PASSWORD });
    await expect(h.core.invites.revoke(accepted.invite.id)).rejects.toMatchObject({
      code: 'INVITE_ACCEPTED',
    });
    expect((await h.core.invites.get(accepted.invite.id)).status).toBe('accepted');
  });

  it('gives NOT_FOUND for an unknown id', async () => {
    await expect(h.core.invites.revoke(newId('invite'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.core.invites.get(newId('invite'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('invites.preview', () => {
  it('shows email, role, status and expiry', async () => {
    const issued = await h.core.invites.create({ email: 'peek@example.com', role: 'developer' });
    expect(await h.core.invites.preview(issued.token)).toEqual({
      email: 'peek@example.com',
      role: 'developer',
      status: 'pending',
      expiresAt: '2026-01-08T00:00:00.000Z',
    });
  });

  it('has no side effects: the row is unchanged and nothing is audited', async () => {
    const issued = await h.core.invites.create({ email: 'scanner@example.com' });
    const before = await inviteRow(issued.invite.id);
    const auditBefore = await countRows(h.core, 'audit_event');
    h.clock.advance(HOUR);
    for (let i = 0; i < 3; i++) await h.core.invites.preview(issued.token);
    // Even an expired invite previewed repeatedly stays as it was.
    h.clock.advance(200 * HOUR);
    await h.core.invites.preview(issued.token);
    expect(await inviteRow(issued.invite.id)).toEqual(before);
    expect(await countRows(h.core, 'audit_event')).toBe(auditBefore);
    expect(await countRows(h.core, 'user')).toBe(0);
    // Back within its validity, the token still works after all those previews.
    h.clock.set(new Date('2026-01-02T00:00:00Z'));
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('answers normally for expired, revoked and accepted invites', async () => {
    const expired = await h.core.invites.create({ email: 'p-expired@example.com' });
    h.clock.advance(168 * HOUR);
    const revoked = await h.core.invites.create({ email: 'p-revoked@example.com' });
    await h.core.invites.revoke(revoked.invite.id);
    const accepted = await h.core.invites.create({ email: 'p-accepted@example.com' });
    await h.core.invites.accept({ token: accepted.token, password: STRONG_PASSWORD });

    expect(await h.core.invites.preview(expired.token)).toMatchObject({
      email: 'p-expired@example.com',
      status: 'expired',
    });
    expect((await h.core.invites.preview(revoked.token)).status).toBe('revoked');
    expect((await h.core.invites.preview(accepted.token)).status).toBe('accepted');
  });

  it('gives INVALID_TOKEN for an unknown or malformed token', async () => {
    await h.core.invites.create({ email: 'other@example.com' });
    const unknown = `ghi_${'A'.repeat(43)}`;
    await expect(h.core.invites.preview(unknown)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(h.core.invites.preview('not-a-token')).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    // Another kind's prefix is not an invite token.
    await expect(h.core.invites.preview(`ghr_${'A'.repeat(43)}`)).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
  });
});

describe('invites.list', () => {
  it('filters by derived status, with totals', async () => {
    const admin = await makeAdmin(h);
    const expired = await h.core.invites.create({ email: 'l-expired@example.com' });
    h.clock.advance(100 * HOUR);
    const pending = await h.core.invites.create({ email: 'l-pending@example.com' });
    const revoked = await h.core.invites.create({ email: 'l-revoked@example.com' });
    const accepted = await h.core.invites.create({ email: 'l-accepted@example.com' });
    h.clock.advance(100 * HOUR);
    await h.core.invites.revoke(revoked.invite.id, { actorId: admin.id });
    await h.core.invites.accept({ token: accepted.token, password: STRONG_PASSWORD });

    const expectStatus = async (status: 'pending' | 'expired' | 'revoked' | 'accepted', id: string) => {
      const page = await h.core.invites.list({ status });
      expect(page.total).toBe(1);
      expect(page.items.map((invite) => invite.id)).toEqual([id]);
      expect(page.items[0]?.status).toBe(status);
      expect(page.nextCursor).toBeNull();
    };
    await expectStatus('pending', pending.invite.id);
    await expectStatus('expired', expired.invite.id);
    await expectStatus('revoked', revoked.invite.id);
    await expectStatus('accepted', accepted.invite.id);

    const all = await h.core.invites.list();
    expect(all.total).toBe(4);
    // Newest first.
    expect(all.items.map((invite) => invite.id)).toEqual([
      accepted.invite.id,
      revoked.invite.id,
      pending.invite.id,
      expired.invite.id,
    ]);
    const acceptedItem = all.items[0];
    expect(acceptedItem).toMatchObject({ accepted: true, acceptedAt: '2026-01-09T08:00:00.000Z' });
  });

  it('searches the email case-insensitively, wildcards literal, and paginates with totals', async () => {
    for (let i = 0; i < 5; i++) await h.core.invites.create({ email: `team-${i}@corp.example.com` });
    await h.core.invites.create({ email: 'outsider@else.example.com' });
    await h.core.invites.create({ email: 'under_score@else.example.com' });

    const corp = await h.core.invites.list({ q: 'CORP', limit: 2 });
    expect(corp.total).toBe(5);
    expect(corp.items).toHaveLength(2);
    const seen = corp.items.map((invite) => invite.id);
    let cursor = corp.nextCursor;
    while (cursor) {
      const page = await h.core.invites.list({ q: 'CORP', limit: 2, cursor });
      expect(page.total).toBe(5);
      seen.push(...page.items.map((invite) => invite.id));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(5);

    expect((await h.core.invites.list({ q: '_' })).items.map((invite) => invite.email)).toEqual([
      'under_score@else.example.com',
    ]);
    expect((await h.core.invites.list({ q: '%' })).total).toBe(0);
    await expect(h.core.invites.list({ cursor: 'bogus' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(h.core.invites.list({ limit: 0 })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(h.core.invites.list({ limit: 101 })).rejects.toMatchObject({ name: 'ZodError' });
  });
});

describe('invites.list totals, kept without counting rows', () => {
  it('are exact per status, as time passes and as invites are accepted and revoked', async () => {
    const admin = await makeAdmin(h);
    const totals = async () => {
      const of = async (status?: 'pending' | 'expired' | 'revoked' | 'accepted') =>
        (await h.core.invites.list(status ? { status } : {})).total;
      return {
        all: await of(),
        pending: await of('pending'),
        expired: await of('expired'),
        revoked: await of('revoked'),
        accepted: await of('accepted'),
      };
    };
    const early = await h.core.invites.create(
      { email: 'early@example.com', sendEmail: false },
      { actorId: admin.id },
    );
    h.clock.advance(100 * HOUR);
    const toRevoke = await h.core.invites.create({ email: 'revoke@example.com', sendEmail: false });
    const toAccept = await h.core.invites.create({ email: 'accept@example.com', sendEmail: false });
    await h.core.invites.create({ email: 'late@example.com', sendEmail: false });
    await h.core.invites.revoke(toRevoke.invite.id);
    await h.core.invites.accept({ token: toAccept.token, password: STRONG_PASSWORD });
    expect(await totals()).toEqual({ all: 4, pending: 2, expired: 0, revoked: 1, accepted: 1 });
    h.clock.advance(100 * HOUR); // `early` is past its week now, `late` is not
    expect(await totals()).toEqual({ all: 4, pending: 1, expired: 1, revoked: 1, accepted: 1 });
    await h.core.invites.resend({ id: early.invite.id, sendEmail: false });
    expect(await totals()).toEqual({ all: 4, pending: 2, expired: 0, revoked: 1, accepted: 1 });
    // A row written around the services is counted too.
    await sql(
      h.core,
      `insert into "invite" (id, user_email, role, accepted, token, expires_at, created_at, updated_at)
       values ('inv_01kzzzzzzzzzzzzzzzzzzzzzzz', 'raw@example.com', 'member', true, repeat('a', 64), now(), now(), now())`,
    );
    expect(await totals()).toMatchObject({ all: 5, accepted: 2 });
  });

  it('count pending and expired exactly at any moment, also within the hour in which invites expire', async () => {
    // Invites expiring 27 minutes apart (the first on the hour); the totals are then read every 9
    // minutes across those hours (on expiries and on the hour too) and compared with a count of the rows.
    for (let i = 0; i < 12; i += 1) {
      await h.core.invites.create({ email: `wave${i}@example.com`, sendEmail: false });
      h.clock.advance(27 * MINUTE);
    }
    const [first] = await sql<{ at: Date }>(h.core, 'select min(expires_at) as at from "invite"');
    h.clock.set(new Date(new Date(first?.at as Date).getTime() - 54 * MINUTE));
    for (let step = 0; step < 45; step += 1) {
      const now = h.clock.now();
      const [counted] = await sql<{ pending: number; expired: number }>(
        h.core,
        `select count(*) filter (where expires_at > ?)::int as pending,
                count(*) filter (where expires_at <= ?)::int as expired
           from "invite" where not accepted and revoked_at is null`,
        [now, now],
      );
      expect({
        pending: (await h.core.invites.list({ status: 'pending' })).total,
        expired: (await h.core.invites.list({ status: 'expired' })).total,
      }).toEqual(counted);
      h.clock.advance(9 * MINUTE);
    }
  });
});
