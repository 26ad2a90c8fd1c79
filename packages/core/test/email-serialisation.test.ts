import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { insertUserRow } from './helpers.js';

const h = useTestCore();

describe('one decision per email at a time', () => {
  it('refuses an invite for an email that became a user while the invite was being made', async () => {
    // Another transaction holds the email (as accept and users.create do) and creates the user.
    const other = new pg.Client({ connectionString: h.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`select pg_advisory_xact_lock(hashtext('gatehouse:email:late@example.com'))`);
      await other.query(
        `insert into "user" (id, email, role, created_at, updated_at) values ($1, 'late@example.com', 'member', now(), now())`,
        [newId('user')],
      );
      const invite = h.core.invites.create({ email: 'late@example.com' });
      // The invite waits for the lock; let it get there, then commit the user.
      await new Promise((resolve) => setTimeout(resolve, 150));
      await other.query('commit');
      await expect(invite).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    } finally {
      await other.end();
    }
    const list = await h.core.invites.list({ q: 'late@example.com' });
    expect(list.total).toBe(0);
  });

  it('closes open invites of an email when an admin creates that user directly', async () => {
    const issued = await h.core.invites.create({ email: 'direct@example.com', sendEmail: false });
    await h.core.users.create({ email: 'direct@example.com', password: STRONG_PASSWORD });
    expect((await h.core.invites.get(issued.invite.id)).status).toBe('revoked');
    await expect(
      h.core.invites.accept({ token: issued.token, password: STRONG_PASSWORD }),
    ).rejects.toMatchObject({
      code: 'INVITE_REVOKED',
    });
  });

  it('refuses to resend an invite whose email now belongs to a user', async () => {
    const issued = await h.core.invites.create({ email: 'resend@example.com', sendEmail: false });
    // A user appears without passing through users.create (e.g. restored by an operator).
    await insertUserRow(h.core, 'resend@example.com');
    await expect(h.core.invites.resend({ id: issued.invite.id })).rejects.toMatchObject({
      code: 'EMAIL_TAKEN',
    });
  });
});

describe('cursors belong to their list', () => {
  it('refuses a users cursor on the invites and audit lists', async () => {
    for (let i = 0; i < 3; i += 1) await h.core.users.create({ email: `c${i}@example.com` });
    const page = await h.core.users.list({ limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    await expect(h.core.invites.list({ cursor: page.nextCursor })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
    await expect(h.core.audit.list({ cursor: page.nextCursor })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
    expect((await h.core.users.list({ limit: 1, cursor: page.nextCursor })).items).toHaveLength(1);
  });
});

describe('input PostgreSQL cannot store', () => {
  it('refuses NUL characters with an input error, never a database error', async () => {
    const { ZodError } = await import('zod');
    const attempts = [
      h.core.users.create({ email: 'nul@example.com', firstName: 'a\u0000b' }),
      h.core.users.list({ q: 'a\u0000' }),
      h.core.users.get('usr_\u0000'),
      h.core.users.create({ email: 'meta@example.com', metadata: { note: { deep: 'x\u0000' } } }),
      h.core.audit.list({ actorId: 'usr\u0000' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error === null ? 'resolved' : error instanceof ZodError ? 'zod' : String(error)).toMatch(
        /zod|NOT_FOUND/,
      );
    }
  });
});
