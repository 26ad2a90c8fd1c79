import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonText, printable, shellQuote, table } from '../src/format.js';
import { type CliResult, scriptedPrompts, sql, useCli } from './harness.js';

// A member who names themselves with escape sequences must not drive the operator's terminal. The
// API refuses such names now, but older rows may hold them: the rows here are written with raw SQL.

const h = useCli();

/** Clears the screen, retitles the window, rings the bell. */
const FIRST = 'Eve\u001b[2J\u001b]0;pwned\u0007';
/** C1 CSI (one-character ESC [ on some terminals), DEL, a right-to-left override. */
const LAST = 'Mallory\u009b31m\u007f\u202e';
/** OSC 52 writes the clipboard. */
const EMAIL = 'eve\u001b]52;c;cHduZWQ=\u0007@example.com';
const METADATA = { note: '\u001b[1;31mred\u009b0m', '\u001bkey': 'value\u0085' };

/** What a terminal would act on: every C0 control but LF, DEL, C1, bidi controls, lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const DANGEROUS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

function expectTerminalSafe(result: CliResult) {
  for (const [stream, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    const found = DANGEROUS.exec(text);
    expect(
      found ? `${stream} holds U+${found[0].charCodeAt(0).toString(16)} in ${JSON.stringify(text)}` : 'safe',
    ).toBe('safe');
  }
}

const userId = (n: number) => `usr_${'0'.repeat(25)}${n}`;

/** A user row as an old version (or an operator with psql) could have left it. */
async function insertHostileUser(n = 1, email = EMAIL) {
  await sql(
    h.core,
    `insert into "user" (id, email, role, first_name, last_name, metadata, created_at, updated_at)
     values (?, ?, 'member', ?, ?, ?::jsonb, now(), now())`,
    [userId(n), email, FIRST, LAST, JSON.stringify(METADATA)],
  );
  return userId(n);
}

describe('the hostile row is really stored as is', () => {
  it('reads back byte for byte (so the tests below test something)', async () => {
    const id = await insertHostileUser();
    const user = await h.core.users.get(id);
    expect(user).toMatchObject({ email: EMAIL, firstName: FIRST, lastName: LAST, metadata: METADATA });
  });

  it('and the API would refuse it today', async () => {
    await expect(h.core.users.create({ email: 'eve@example.com', firstName: FIRST })).rejects.toMatchObject({
      name: 'ZodError',
    });
  });
});

describe('gatehouse users: human-readable output never carries control characters', () => {
  it('users list prints the name with visible escapes, on one aligned row', async () => {
    await insertHostileUser();
    const result = await h.cli(['users', 'list']);
    expect(result.code).toBe(0);
    expectTerminalSafe(result);
    expect(result.stdout).toContain('Eve\\x1B[2J\\x1B]0;pwned\\x07 Mallory\\x9B31m\\x7F\\u202E');
    expect(result.stdout).toContain('eve\\x1B]52;c;cHduZWQ=\\x07@example.com');
    const [header, row, ...rest] = result.stdout.split('\n');
    expect(row?.indexOf('member')).toBe(header?.indexOf('ROLE'));
    expect(rest).toEqual(['', 'Showing 1 of 1 user.', '']);
  });

  it('users list --json stays exact JSON, without raw control characters', async () => {
    await insertHostileUser();
    const result = await h.cli(['users', 'list', '--json']);
    expect(result.code).toBe(0);
    expectTerminalSafe(result);
    const parsed = JSON.parse(result.stdout) as { items: Record<string, unknown>[] };
    expect(parsed.items[0]).toMatchObject({
      email: EMAIL,
      firstName: FIRST,
      lastName: LAST,
      metadata: METADATA,
    });
    expect(result.stdout).toContain(String.raw`"firstName": "Eve\u001b[2J\u001b]0;pwned\u0007"`);
    expect(result.stdout).toContain(String.raw`"lastName": "Mallory\u009b31m\u007f\u202e"`);
  });

  it('a search with control characters is refused with a clear message, printed safely', async () => {
    await insertHostileUser(1);
    const result = await h.cli(['users', 'list', '--q', '\u001b', '--limit', '1']);
    expect(result.code).toBe(1);
    expectTerminalSafe(result);
    expect(result.stderr).toContain('must not contain control characters');
  });

  it('users set-role and its "nothing changed" message', async () => {
    const id = await insertHostileUser();
    const changed = await h.cli(['users', 'set-role', id, 'developer']);
    expect(changed.code).toBe(0);
    expectTerminalSafe(changed);
    expect(changed.stdout).toContain('Changed the role of eve\\x1B]52;c;cHduZWQ=\\x07@example.com');
    const same = await h.cli(['users', 'set-role', id, 'developer']);
    expectTerminalSafe(same);
    expect(same.stdout).toContain('already has the role developer');
  });

  it('users delete: the refusal, the question and the confirmation', async () => {
    const id = await insertHostileUser();
    const refused = await h.cli(['users', 'delete', id]);
    expect(refused.code).toBe(1);
    expectTerminalSafe(refused);

    const asking = scriptedPrompts({ confirms: [true] });
    const deleted = await h.cli(['users', 'delete', id], { interactive: true, prompts: asking.prompts });
    expect(deleted.code).toBe(0);
    expectTerminalSafe(deleted);
    expect(asking.asked).toHaveLength(1);
    expect(asking.asked[0]).not.toMatch(DANGEROUS);
    expect(deleted.stdout).toContain('Deleted user eve\\x1B]52');
  });

  it('api-token generate and revoke', async () => {
    const id = await insertHostileUser();
    const generated = await h.cli(['api-token', 'generate', id]);
    expect(generated.code).toBe(0);
    expectTerminalSafe(generated);
    const revoked = await h.cli(['api-token', 'revoke', id]);
    expectTerminalSafe(revoked);
    expect(revoked.stdout).toContain('of eve\\x1B]52');
    const none = await h.cli(['api-token', 'revoke', id]);
    expectTerminalSafe(none);
    expect(none.stdout).toContain('has no API token');
  });
});

describe('gatehouse invites: stored invite emails are printed safely', () => {
  const inviteId = `inv_${'0'.repeat(25)}1`;
  const insertHostileInvite = () =>
    sql(
      h.core,
      `insert into "invite" (id, user_email, role, token, expires_at, created_at, updated_at)
       values (?, ?, 'member', ?, now() + interval '1 day', now(), now())`,
      [inviteId, EMAIL, 'f'.repeat(64)],
    );

  it('invites list, invites list --json and invites revoke', async () => {
    await insertHostileInvite();
    const listed = await h.cli(['invites', 'list']);
    expect(listed.code).toBe(0);
    expectTerminalSafe(listed);
    expect(listed.stdout).toContain('eve\\x1B]52;c;cHduZWQ=\\x07@example.com');

    const json = await h.cli(['invites', 'list', '--json']);
    expectTerminalSafe(json);
    expect((JSON.parse(json.stdout) as { items: { email: string }[] }).items[0]?.email).toBe(EMAIL);

    const revoked = await h.cli(['invites', 'revoke', inviteId]);
    expect(revoked.code).toBe(0);
    expectTerminalSafe(revoked);
    expect(revoked.stdout).toContain('Revoked invite');
  });
});

describe('gatehouse invites import: CSV cells are printed safely', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-cli-terminal-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('progress lines and failed rows escape bad emails and roles', async () => {
    const file = path.join(dir, 'hostile.csv');
    await writeFile(
      file,
      [
        'email,role',
        `${FIRST}@example.com,member`,
        `ok@example.com,adm\u001b[8min`,
        'fine@example.com,',
      ].join('\n'),
    );
    const result = await h.cli(['invites', 'import', file, '--no-email']);
    expect(result.code).toBe(1);
    expectTerminalSafe(result);
    expect(result.stdout).toContain('[1/3] Eve\\x1B[2J\\x1B]0;pwned\\x07@example.com: failed: invalid email');
    expect(result.stdout).toContain('unknown role "adm\\x1B[8min"');
  });

  it('a hostile header is escaped in the error', async () => {
    const file = path.join(dir, 'header.csv');
    await writeFile(file, `email,\u001b]0;pwned\u0007\nok@example.com,x\n`);
    const result = await h.cli(['invites', 'import', file]);
    expect(result.code).toBe(1);
    expectTerminalSafe(result);
    expect(result.stderr).toContain('found "email,\\x1B]0;pwned\\x07"');
  });
});

describe('format helpers', () => {
  it('printable escapes C0, DEL, C1, bidi controls and lone surrogates, and keeps the rest', () => {
    expect(printable('a\u0000b\u0007c\u001bd\ne\tf')).toBe('a\\x00b\\x07c\\x1Bd\\x0Ae\\x09f');
    expect(printable('\u007f\u0080\u009b\u009f')).toBe('\\x7F\\x80\\x9B\\x9F');
    expect(printable('x\ud800y\udc00z\udc00\ud800')).toBe('x\\uD800y\\uDC00z\\uDC00\\uD800');
    expect(printable('\u202eevil\u2066')).toBe('\\u202Eevil\\u2066');
    expect(printable("Zoë 😀 李 عبد O'Brien \\x1B")).toBe("Zoë 😀 李 عبد O'Brien \\x1B");
    expect(printable(null)).toBe('');
  });

  it('table escapes every cell before measuring it', () => {
    const lines = table(
      ['A', 'B'],
      [
        ['x\u001b[2J', 'y'],
        ['long value', 'z'],
      ],
    ).split('\n');
    expect(lines).toEqual([`A${' '.repeat(11)}B`, `x\\x1B[2J${' '.repeat(4)}y`, 'long value  z']);
    expect(lines.join('\n')).not.toMatch(DANGEROUS);
  });

  it('jsonText is JSON.stringify with DEL, C1 and bidi controls escaped too', () => {
    const value = { name: FIRST, last: LAST, lone: '\ud800', emoji: '😀', nested: [METADATA] };
    const text = jsonText(value);
    expect(text).not.toMatch(DANGEROUS);
    expect(JSON.parse(text)).toEqual(value);
    const plain = { a: 1, b: ['x', null], c: 'Zoë' };
    expect(jsonText(plain)).toBe(JSON.stringify(plain, null, 2));
  });

  it("shellQuote keeps plain arguments and quotes control characters as $'…'", () => {
    expect(shellQuote('smith')).toBe('smith');
    expect(shellQuote("o'brien x")).toBe(`'o'\\''brien x'`);
    expect(shellQuote("\u001b[2J it's\\")).toBe("$'\\x1B[2J it\\'s\\\\'");
  });
});
