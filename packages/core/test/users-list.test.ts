import { describe, expect, it } from 'vitest';
import { encodeCursor, likeContains } from '../src/pagination.js';
import { sql, useTestCore } from '../src/testing/index.js';

const h = useTestCore();

describe('users.list', () => {
  it('lists newest first with every field present, without deleted users', async () => {
    const a = await h.core.users.create({ email: 'a@example.com' });
    const b = await h.core.users.create({ email: 'b@example.com', role: 'admin' });
    const c = await h.core.users.create({ email: 'c@example.com' });
    await h.core.users.delete(a.id);
    const page = await h.core.users.list();
    expect(page.items.map((user) => user.id)).toEqual([c.id, b.id]);
    expect(page.total).toBe(2);
    expect(page.nextCursor).toBeNull();
    expect(page.items[1]).toEqual(b);
  });

  it('matches q on email, first and last name, case-insensitively', async () => {
    const byEmail = await h.core.users.create({ email: 'zed.findme@example.com' });
    const byFirst = await h.core.users.create({ email: 'one@example.com', firstName: 'FindMe' });
    const byLast = await h.core.users.create({ email: 'two@example.com', lastName: 'McFINDMEson' });
    await h.core.users.create({ email: 'nobody@example.com', firstName: 'No', lastName: 'Body' });

    const found = await h.core.users.list({ q: 'fInDmE' });
    expect(new Set(found.items.map((user) => user.id))).toEqual(new Set([byEmail.id, byFirst.id, byLast.id]));
    expect(found.total).toBe(3);
    expect((await h.core.users.list({ q: '  findme  ' })).total).toBe(3);
    expect((await h.core.users.list({ q: 'absent' })).total).toBe(0);
  });

  it('treats LIKE wildcards and backslashes in q as literal characters', async () => {
    const percent = await h.core.users.create({ email: 'p@example.com', firstName: '100% sure' });
    const underscore = await h.core.users.create({ email: 'under_score@example.com' });
    const backslash = await h.core.users.create({ email: 'bs@example.com', lastName: 'back\\slash' });
    await h.core.users.create({ email: 'plain@example.com', firstName: 'Plain' });
    await h.core.users.create({ email: 'underXscore@example.com' });

    const ids = async (q: string) => (await h.core.users.list({ q })).items.map((user) => user.id);
    expect(await ids('%')).toEqual([percent.id]);
    expect(await ids('0% s')).toEqual([percent.id]);
    expect(await ids('_')).toEqual([underscore.id]);
    expect(await ids('under_s')).toEqual([underscore.id]);
    expect(await ids('\\')).toEqual([backslash.id]);
    expect((await h.core.users.list({ q: '%' })).total).toBe(1);
  });

  it('filters by role, together with q, and counts only the matches', async () => {
    await h.core.users.create({ email: 'admin1@example.com', role: 'admin' });
    await h.core.users.create({ email: 'admin2@other.com', role: 'admin' });
    await h.core.users.create({ email: 'dev@example.com', role: 'developer' });
    await h.core.users.create({ email: 'member@example.com' });

    const admins = await h.core.users.list({ role: 'admin' });
    expect(admins.total).toBe(2);
    expect(admins.items.every((user) => user.role === 'admin')).toBe(true);
    expect((await h.core.users.list({ role: 'developer' })).items.map((u) => u.email)).toEqual([
      'dev@example.com',
    ]);
    const both = await h.core.users.list({ role: 'admin', q: 'example.com' });
    expect(both.items.map((u) => u.email)).toEqual(['admin1@example.com']);
    expect(both.total).toBe(1);
  });

  it('paginates 7 users by 3: pages of 3, 3, 1; nextCursor null on the last; total always 7', async () => {
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await h.core.users.create({ email: `page${i}@example.com` }));
    const newestFirst = created.map((user) => user.id).reverse();

    const first = await h.core.users.list({ limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.total).toBe(7);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await h.core.users.list({ limit: 3, cursor: first.nextCursor });
    expect(second.items).toHaveLength(3);
    expect(second.total).toBe(7);
    const third = await h.core.users.list({ limit: 3, cursor: second.nextCursor });
    expect(third.items).toHaveLength(1);
    expect(third.total).toBe(7);
    expect(third.nextCursor).toBeNull();

    expect([...first.items, ...second.items, ...third.items].map((user) => user.id)).toEqual(newestFirst);
  });

  it('gives nextCursor null when the last page is exactly full', async () => {
    for (let i = 0; i < 4; i++) await h.core.users.create({ email: `full${i}@example.com` });
    const first = await h.core.users.list({ limit: 2 });
    const second = await h.core.users.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });

  it('paginates a filtered list with the filter’s total', async () => {
    for (let i = 0; i < 5; i++) {
      await h.core.users.create({ email: `dev${i}@example.com`, role: 'developer' });
      await h.core.users.create({ email: `mem${i}@example.com` });
    }
    const first = await h.core.users.list({ role: 'developer', limit: 3 });
    const second = await h.core.users.list({ role: 'developer', limit: 3, cursor: first.nextCursor });
    expect(first.total).toBe(5);
    expect(second.total).toBe(5);
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].every((user) => user.role === 'developer')).toBe(true);
  });

  it('refuses a cursor it did not make with INVALID_CURSOR', async () => {
    await h.core.users.create({ email: 'x@example.com' });
    for (const cursor of [
      'garbage',
      'Zm9v',
      encodeCursor('DROP TABLE user'),
      Buffer.from('usr_1').toString('base64url'),
    ]) {
      await expect(h.core.users.list({ cursor })).rejects.toMatchObject({
        code: 'INVALID_CURSOR',
        kind: 'invalid',
      });
    }
  });

  it('rejects limit 0 and 101 instead of clamping; 1 and 100 are fine', async () => {
    await expect(h.core.users.list({ limit: 0 })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(h.core.users.list({ limit: 101 })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(h.core.users.list({ limit: 2.5 })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(h.core.users.list({ limit: 1 })).resolves.toMatchObject({ total: 0 });
    await expect(h.core.users.list({ limit: 100 })).resolves.toMatchObject({ total: 0 });
  });

  it('defaults the limit to 50', async () => {
    for (let i = 0; i < 51; i++) await h.core.users.create({ email: `many${i}@example.com` });
    const page = await h.core.users.list();
    expect(page.items).toHaveLength(50);
    expect(page.total).toBe(51);
    expect(page.nextCursor).not.toBeNull();
  });

  it('keeps exact totals without counting rows: creates, role changes, deletes, and raw inserts', async () => {
    const totals = async () => ({
      all: (await h.core.users.list()).total,
      admin: (await h.core.users.list({ role: 'admin' })).total,
      member: (await h.core.users.list({ role: 'member' })).total,
      developer: (await h.core.users.list({ role: 'developer' })).total,
    });
    const admin = await h.core.users.create({ email: 'count-admin@example.com', role: 'admin' });
    const member = await h.core.users.create({ email: 'count-member@example.com' });
    await h.core.users.create({ email: 'count-dev@example.com', role: 'developer' });
    expect(await totals()).toEqual({ all: 3, admin: 1, member: 1, developer: 1 });
    await h.core.users.update({ id: member.id, role: 'admin' });
    expect(await totals()).toEqual({ all: 3, admin: 2, member: 0, developer: 1 });
    await h.core.users.delete(admin.id);
    expect(await totals()).toEqual({ all: 2, admin: 1, member: 0, developer: 1 });
    // A write that bypasses the services (an operator's SQL) is counted too: a trigger keeps the count.
    await sql(
      h.core,
      `insert into "user" (id, email, role, created_at, updated_at) values (?, ?, 'member', now(), now())`,
      ['usr_01kzzzzzzzzzzzzzzzzzzzzzzz', 'raw@example.com'],
    );
    expect(await totals()).toEqual({ all: 3, admin: 1, member: 1, developer: 1 });
    expect((await h.core.users.list()).totalCapped).toBe(false);
  });

  it('pages through every match of a search exactly once, newest first, wherever the matches lie', async () => {
    // Matches among the oldest rows, then many newer rows that do not match: the page must come
    // from the matches, in id order, however the database finds them.
    await sql(
      h.core,
      `insert into "user" (id, email, first_name, role, created_at, updated_at)
       select 'usr_01k' || lpad(to_hex(n), 23, '0'),
              case when n <= 30 then 'needle' || n || '@old.example' else 'hay' || n || '@new.example' end,
              case when n = 2000 then 'Needle' end, 'member', now(), now()
         from generate_series(1, 2000) as n`,
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await h.core.users.list({ q: 'needle', limit: 7, cursor });
      expect({ total: page.total, totalCapped: page.totalCapped }).toEqual({ total: 31, totalCapped: false });
      seen.push(...page.items.map((user) => user.email));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const expected = [
      'hay2000@new.example',
      ...Array.from({ length: 30 }, (_, i) => `needle${30 - i}@old.example`),
    ];
    expect(seen).toEqual(expected);
    expect((await h.core.users.list({ q: 'no-such-needle' })).items).toEqual([]);
  });

  it('finds exactly what a plain ILIKE over email and names finds: in domains, local parts, names, and across the @', async () => {
    const people: [string, string | null, string | null][] = [
      ['ann.acme@acme.com', 'Ann', 'Smith'],
      ['bob@acme.com', 'Bob', null],
      ['bob@acme.co.uk', null, 'Acme'],
      ['b@mail.acme.com', 'Keith', 'Ob'],
      ['smith@x.io', 'Jane', null],
      ['jane@shop.example', 'Smith', 'Jane'],
      ['a_b+c@x.io', 'Per%cent', 'Under_score'],
      ['acme@shop.example', null, null],
      ['com@com.com', 'Com', 'Com'],
      ['zed@example.com', 'ACME', 'Shop'],
      ['o@o.io', 'O', 'O'],
    ];
    const roles = ['admin', 'member', 'developer'] as const;
    for (const [index, [email, firstName, lastName]] of people.entries()) {
      await h.core.users.create({ email, firstName, lastName, role: roles[index % 3] });
    }
    const gone = await h.core.users.create({ email: 'gone@gone.example', firstName: 'Acme' });
    await h.core.users.delete(gone.id);

    const searches = [
      'acme',
      'ACME.CO',
      'acme.com',
      'e.com',
      'com',
      'o',
      'bob',
      'shop',
      '.io',
      'x.i',
      'gone',
      'ith',
      'Smith',
      '@',
      '@acme',
      '@ACME.COM',
      'bob@',
      'ith@',
      'n.acme@',
      'b@acme',
      'bob@acme.co',
      'm@x',
      'o@o.io',
      '@@',
      'a@b@c',
      '_',
      '%',
      'b%c@',
      '%c@x',
      'zzz',
    ];
    for (const q of searches) {
      for (const role of [undefined, 'admin', 'developer'] as const) {
        const expected = await sql<{ id: string }>(
          h.core,
          `select id from "user" where deleted_at is null ${role ? 'and role = ?' : ''}
              and (email || chr(31) || coalesce(first_name, '') || chr(31) || coalesce(last_name, '')) ilike ?
            order by id desc`,
          [...(role ? [role] : []), likeContains(q)],
        );
        const found = await h.core.users.list({ q, role, limit: 100 });
        expect({ q, role, ids: found.items.map((user) => user.id), total: found.total }).toEqual({
          q,
          role,
          ids: expected.map((row) => row.id),
          total: expected.length,
        });
      }
    }
    // The search is not trivially empty or full.
    expect((await h.core.users.list({ q: 'acme' })).total).toBe(6);
    expect((await h.core.users.list({ q: 'ith@' })).total).toBe(1);
  });

  it('caps the total of a q search at 10,000 (totalCapped), and stays exact below', async () => {
    await sql(
      h.core,
      `insert into "user" (id, email, role, created_at, updated_at)
       select 'usr_01k' || lpad(to_hex(n), 23, '0'), 'bulk' || n || '@many.example', 'member', now(), now()
         from generate_series(1, 10050) as n`,
    );
    const capped = await h.core.users.list({ q: 'many.example', limit: 5 });
    expect({ total: capped.total, totalCapped: capped.totalCapped, page: capped.items.length }).toEqual({
      total: 10_000,
      totalCapped: true,
      page: 5,
    });
    // Past the cap the page is still the newest matches, and the next page follows on.
    expect(capped.items.map((user) => user.email)).toEqual(
      [10050, 10049, 10048, 10047, 10046].map((n) => `bulk${n}@many.example`),
    );
    const after = await h.core.users.list({ q: 'many.example', limit: 2, cursor: capped.nextCursor });
    expect(after.items.map((user) => user.email)).toEqual([
      'bulk10045@many.example',
      'bulk10044@many.example',
    ]);
    const exact = await h.core.users.list({ q: 'bulk1005' });
    expect({ total: exact.total, totalCapped: exact.totalCapped }).toEqual({ total: 2, totalCapped: false });
    expect(exact.items.map((user) => user.email)).toEqual([
      'bulk10050@many.example',
      'bulk1005@many.example',
    ]);
    // Unfiltered totals are exact at any size.
    expect((await h.core.users.list({ limit: 1 })).total).toBe(10_050);
  });
});
