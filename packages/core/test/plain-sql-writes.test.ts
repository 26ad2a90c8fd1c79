import { beforeAll, describe, expect, it } from 'vitest';
import { internalsOf } from '../src/core.js';
import { isUniqueViolation } from '../src/db/errors.js';
import { createUnitOfWork, type Sql, type UnitOfWork } from '../src/db/unit-of-work.js';
import { newId } from '../src/ids.js';
import { useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, makeAdmin, sql } from './helpers.js';

// The plain-SQL transaction (UnitOfWork.sqlTransaction) that issues invites: all or nothing, a
// connection never handed back inside a transaction, and pg's own unique violations recognised.

const h = useTestCore();
// One unit of work for the file, as a core has one: statement names are unique per unit of work,
// and its connections are the core's.
let unit: UnitOfWork;
beforeAll(() => {
  unit = createUnitOfWork(internalsOf(h.core).orm);
});
const db = () => unit;

const insertInvite = (sql: Sql, email: string) =>
  sql(
    `insert into "invite" (id, user_email, role, accepted, token, expires_at, created_at, updated_at)
     values (?, ?, 'member', false, md5(random()::text) || md5(random()::text), now() + interval '1 day', now(), now())`,
    [newId('invite'), email],
  );

describe('UnitOfWork.sqlTransaction', () => {
  it('commits every statement of the work together', async () => {
    await db().sqlTransaction(async (sql) => {
      await insertInvite(sql, 'one@example.com');
      await insertInvite(sql, 'two@example.com');
    });
    expect(await countRows(h.core, 'invite')).toBe(2);
  });

  it('writes nothing when the work fails after a statement, and its connections come back clean', async () => {
    for (let i = 0; i < 25; i += 1) {
      await expect(
        unit.sqlTransaction(async (sql) => {
          await insertInvite(sql, `failed${i}@example.com`);
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
    }
    expect(await countRows(h.core, 'invite')).toBe(0);
    // Had a connection gone back to the pool mid-transaction, a statement on it would run inside
    // that transaction, which has a transaction id (it inserted a row).
    const leftovers = await Promise.all(
      Array.from({ length: 25 }, () =>
        unit.sql<{ xid: string | null }>('select pg_current_xact_id_if_assigned()::text as xid'),
      ),
    );
    expect(leftovers.flat().filter((row) => row.xid !== null)).toEqual([]);
  });

  it('writes nothing when a statement fails, and the error is pg’s own, recognised by constraint', async () => {
    await db().sqlTransaction((sql) => insertInvite(sql, 'taken@example.com'));
    const error = await db()
      .sqlTransaction(async (sql) => {
        await insertInvite(sql, 'fresh@example.com');
        await insertInvite(sql, 'taken@example.com'); // a second open invite for the email
      })
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    expect(isUniqueViolation(error, 'invite_open_email_unique')).toBe(true);
    expect(isUniqueViolation(error, 'user_email_unique')).toBe(false);
    expect(await countRows(h.core, 'invite', 'user_email = ?', ['fresh@example.com'])).toBe(0);
  });
  it('refuses to commit a work that caught the failure of one of its statements', async () => {
    await db().sqlTransaction((sql) => insertInvite(sql, 'taken@example.com'));
    const outcome = db().sqlTransaction(async (sql) => {
      await insertInvite(sql, 'fresh@example.com');
      await insertInvite(sql, 'taken@example.com').catch(() => 'swallowed');
      return 'done';
    });
    // PostgreSQL would answer the COMMIT of the aborted transaction with a rollback, silently.
    await expect(outcome).rejects.toSatisfy((error) => isUniqueViolation(error, 'invite_open_email_unique'));
    expect(await countRows(h.core, 'invite', 'user_email = ?', ['fresh@example.com'])).toBe(0);
  });
});

describe('invites.create through plain SQL', () => {
  it('keeps the inviter of a renewed invite when the caller names none (the CLI), and takes a new one', async () => {
    const admin = await makeAdmin(h);
    const other = await makeAdmin(h, 'other-admin@example.com');
    const first = await h.core.invites.create({ email: 'kept@example.com' }, { actorId: admin.id });
    const byCli = await h.core.invites.create({ email: 'kept@example.com', role: 'developer' });
    expect(byCli.invite).toMatchObject({ id: first.invite.id, invitedBy: admin.id, role: 'developer' });
    const byOther = await h.core.invites.create({ email: 'kept@example.com' }, { actorId: other.id });
    expect(byOther.invite).toMatchObject({ id: first.invite.id, invitedBy: other.id, role: 'member' });
    const [row] = await sql<{ invited_by: string }>(h.core, 'select invited_by from invite where id = ?', [
      first.invite.id,
    ]);
    expect(row?.invited_by).toBe(other.id);
  });

  it('writes one invite.created event per call, naming the invite and whether it was renewed', async () => {
    const admin = await makeAdmin(h);
    const first = await h.core.invites.create(
      { email: 'audited@example.com' },
      { actorId: admin.id, ip: '10.1.2.3' },
    );
    await h.core.invites.create({ email: 'audited@example.com', role: 'admin' }, { actorId: admin.id });
    const events = await auditRows(h.core, 'invite.created');
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor_id: admin.id,
          target_type: 'invite',
          target_id: first.invite.id,
          ip: '10.1.2.3',
          metadata: { email: 'audited@example.com', role: 'member', reused: false },
        }),
        expect.objectContaining({
          target_id: first.invite.id,
          metadata: { email: 'audited@example.com', role: 'admin', reused: true },
        }),
      ]),
    );
  });
});
