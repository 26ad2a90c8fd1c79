import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InviteDto } from '@gatehouse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, sql, useCli } from './harness.js';

const h = useCli();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-cli-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

const invites = async () =>
  (await h.core.invites.list({ limit: 100 })).items.map((invite: InviteDto) => [
    invite.email,
    invite.role,
    invite.status,
  ]);

/** One good row, one reused invite, and four bad rows of different kinds. */
async function mixedFile(): Promise<string> {
  await h.core.users.create({ email: 'taken@example.com', password: STRONG_PASSWORD });
  await h.core.invites.create({ email: 'open@example.com', role: 'member', sendEmail: false });
  return csv(
    'mixed.csv',
    [
      'email,role',
      'Alice@Example.com,admin',
      'not-an-email,member',
      'taken@example.com,',
      'open@example.com,developer',
      'alice@example.com,member',
      'carl@example.com,owner',
      '',
    ].join('\n'),
  );
}

describe('gatehouse invites import', () => {
  it('goes on past bad rows, shows progress, summarises and exits 1', async () => {
    const file = await mixedFile();
    const result = await h.cli(['invites', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      [
        '[1/6] alice@example.com: created',
        '[2/6] not-an-email: failed: invalid email: Enter a valid email address',
        '[3/6] taken@example.com: failed: A user with this email already exists (EMAIL_TAKEN)',
        '[4/6] open@example.com: reused',
        '[5/6] alice@example.com: failed: duplicate of line 2',
        '[6/6] carl@example.com: failed: unknown role "owner" (expected admin, member, developer)',
      ].join('\n'),
    );
    expect(result.stdout).toContain(`Imported ${file}: 6 rows, 1 created, 1 reused, 4 failed.`);
    expect(result.stdout).toContain(
      [
        'Failed rows:',
        '  line 3: not-an-email: invalid email: Enter a valid email address',
        '  line 4: taken@example.com: A user with this email already exists (EMAIL_TAKEN)',
        '  line 6: alice@example.com: duplicate of line 2',
        '  line 7: carl@example.com: unknown role "owner" (expected admin, member, developer)',
      ].join('\n'),
    );
    // Mails went out, so no link is printed.
    expect(result.stdout).not.toContain('ghi_');
    expect(h.mailer.sent.map((mail) => mail.to).sort()).toEqual(['alice@example.com', 'open@example.com']);
    expect(await invites()).toEqual([
      ['alice@example.com', 'admin', 'pending'],
      ['open@example.com', 'developer', 'pending'],
    ]);
    const events = await sql(h.core, `select actor_id, ip from audit_event where action = 'invite.created'`);
    expect(events).toHaveLength(3);
    expect(events.every((event) => event.actor_id === null && event.ip === null)).toBe(true);
  });

  it('--no-email sends nothing and prints each link instead', async () => {
    const file = await csv('quiet.csv', 'email,role\nx@example.com,\ny@example.com,developer\n');
    const result = await h.cli(['invites', 'import', file, '--no-email', '--role', 'developer']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 rows, 2 created, 0 reused, 0 failed.');
    expect(result.stdout).toMatch(
      /^ {2}x@example\.com {2}http:\/\/gatehouse\.test\/accept-invite\?token=ghi_\S{43}$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}y@example\.com {2}http:\/\/gatehouse\.test\/accept-invite\?token=ghi_\S{43}$/m,
    );
    expect(h.mailer.sent).toEqual([]);
    // --role applies to rows without one.
    expect(await invites()).toEqual([
      ['y@example.com', 'developer', 'pending'],
      ['x@example.com', 'developer', 'pending'],
    ]);
  });

  it('--dry-run says what would happen and changes nothing', async () => {
    const file = await mixedFile();
    const before = await invites();
    const result = await h.cli(['invites', 'import', file, '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[1/6] alice@example.com: would be created');
    expect(result.stdout).toContain('[4/6] open@example.com: would be reused');
    expect(result.stdout).toContain(
      `Dry run of ${file}: 6 rows, 1 would be created, 1 would be reused, 4 failed.`,
    );
    expect(result.stdout).toContain('Dry run: nothing was changed and no email was sent.');
    expect(await invites()).toEqual(before);
    expect(h.mailer.sent).toEqual([]);

    const good = await csv('good.csv', 'email\nfine@example.com\n');
    const clean = await h.cli(['invites', 'import', good, '--dry-run']);
    expect(clean.code).toBe(0);
    expect(await invites()).toEqual(before);
  });

  it('refuses a file without the email,role header, or that cannot be read', async () => {
    const file = await csv('bad-header.csv', 'mail,role\na@example.com,admin\n');
    const result = await h.cli(['invites', 'import', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: ${file}: the first line must be the header "email,role" (found "mail,role")\n`,
    );
    expect(await invites()).toEqual([]);

    const missing = await h.cli(['invites', 'import', path.join(dir, 'missing.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read .*missing\.csv: ENOENT/);

    const empty = await h.cli(['invites', 'import', await csv('empty.csv', '')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('is empty: expected a header line "email,role"');
  });

  it('counts a row with too many fields as failed and goes on', async () => {
    const file = await csv('extra.csv', 'email,role\n"a@example.com",member,extra\nb@example.com,member\n');
    const result = await h.cli(['invites', 'import', file, '--no-email']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('line 2: a@example.com: 3 fields, but the header has 2');
    expect(result.stdout).toContain('2 rows, 1 created, 0 reused, 1 failed.');
  });

  it('draws a progress bar instead of one line per row when stdout is a terminal', async () => {
    const file = await csv('tty.csv', 'email,role\np@example.com,\nq@example.com,\n');
    const result = await h.cli(['invites', 'import', file, '--no-email'], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Inviting \[[█░]+\] 2\/2 q@example\.com/);
    expect(result.stdout).not.toContain('[1/2]');
    expect(result.stdout).toContain('2 rows, 2 created, 0 reused, 0 failed.');
  });
});
