import type { UserDto } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { type CliHarness, STRONG_PASSWORD, scriptedPrompts, sql, useCli } from './harness.js';

const h = useCli();

const USER_FIELDS = [
  'id',
  'email',
  'firstName',
  'lastName',
  'role',
  'hasPassword',
  'apiTokenPrefix',
  'metadata',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
  'mfaEnabled',
];

const makeUser = (harness: CliHarness, email: string, role: 'admin' | 'member' | 'developer' = 'member') =>
  harness.core.users.create({ email, role, password: STRONG_PASSWORD });

describe('gatehouse users list', () => {
  it('says so when no user matches', async () => {
    const result = await h.cli(['users', 'list']);
    expect(result).toEqual({ code: 0, stdout: 'No users match.\n', stderr: '' });
  });

  it('prints a table without any secret: no password, hash or token', async () => {
    const admin = await makeUser(h, 'admin@example.com', 'admin');
    await h.core.users.update({ id: admin.id, firstName: 'Ada', lastName: 'Admin' });
    await makeUser(h, 'dev@example.com', 'developer');
    const { token } = await h.core.apiTokens.generate(admin.id);

    const result = await h.cli(['users', 'list']);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.split('\n');
    expect(header).toMatch(
      /^ID +EMAIL +ROLE +NAME +PASSWORD +2FA +API TOKEN +CREATED \(UTC\) +LAST LOGIN \(UTC\)$/,
    );
    expect(rows[0]).toMatch(/^usr_\w+ +dev@example\.com +developer +- +set +- +- +2026-01-01 00:00 +-$/);
    expect(rows[1]).toMatch(
      /^usr_\w+ +admin@example\.com +admin +Ada Admin +set +- +gha_\S+… +2026-01-01 00:00 +-$/,
    );
    expect(result.stdout).toContain('Showing 2 of 2 users.');

    const [stored] = await sql<{ password_hash: string; api_token_hash: string }>(
      h.core,
      `select password_hash, api_token_hash from "user" where id = ?`,
      [admin.id],
    );
    const json = await h.cli(['users', 'list', '--json']);
    for (const output of [result.stdout, json.stdout]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(stored?.password_hash);
      expect(output).not.toContain(stored?.api_token_hash);
      expect(output).not.toContain(STRONG_PASSWORD);
      expect(output).not.toMatch(/hash/i);
    }
  });

  it('--json prints the page as the API does: exactly the contract fields of User', async () => {
    const user = await makeUser(h, 'one@example.com');
    const result = await h.cli(['users', 'list', '--json']);
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as { items: UserDto[]; nextCursor: string | null; total: number };
    const expected = Object.fromEntries(USER_FIELDS.map((field) => [field, user[field as keyof UserDto]]));
    expect(page).toEqual({ items: [expected], nextCursor: null, total: 1, totalCapped: false });
    expect(Object.keys(page.items[0] ?? {})).toEqual(USER_FIELDS);
  });

  it('filters by --q and --role', async () => {
    await makeUser(h, 'alice@acme.test', 'admin');
    await makeUser(h, 'bob@acme.test', 'developer');
    await makeUser(h, 'carol@other.test', 'developer');
    const emails = async (args: string[]) => {
      const result = await h.cli(['users', 'list', ...args, '--json']);
      return (JSON.parse(result.stdout) as { items: UserDto[] }).items.map((user) => user.email);
    };
    expect(await emails(['--q', 'ACME'])).toEqual(['bob@acme.test', 'alice@acme.test']);
    expect(await emails(['--role', 'developer'])).toEqual(['carol@other.test', 'bob@acme.test']);
    expect(await emails(['--q', 'acme', '--role', 'developer'])).toEqual(['bob@acme.test']);
    const none = await h.cli(['users', 'list', '--q', 'nobody']);
    expect(none.stdout).toBe('No users match.\n');
  });

  it('pages with --limit and prints the command for the next page', async () => {
    for (const name of ['a', 'b', 'c']) await makeUser(h, `${name}@example.com`);
    const first = await h.cli(['users', 'list', '--limit', '2', '--q', 'example']);
    expect(first.stdout).toContain('Showing 2 of 3 users.');
    const next = first.stdout.match(
      /^Next page: gatehouse users list --q example --limit 2 --cursor (\S+)$/m,
    );
    expect(next).not.toBeNull();
    const second = await h.cli([
      'users',
      'list',
      '--limit',
      '2',
      '--q',
      'example',
      '--cursor',
      next?.[1] ?? '',
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('a@example.com');
    expect(second.stdout).not.toContain('b@example.com');
    expect(second.stdout).toContain('Showing 1 of 3 users.');
    expect(second.stdout).not.toContain('Next page');
  });

  it('reports out-of-range and malformed input with exit code 1', async () => {
    const tooBig = await h.cli(['users', 'list', '--limit', '101']);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toBe('error: invalid input\n  - limit: Too big: expected number to be <=100\n');

    const notNumber = await h.cli(['users', 'list', '--limit', 'ten']);
    expect(notNumber.code).toBe(1);
    expect(notNumber.stderr).toContain(
      "error: option '--limit <n>' argument 'ten' is invalid. Not a whole number.",
    );

    const badRole = await h.cli(['users', 'list', '--role', 'owner']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('Allowed choices are admin, member, developer.');

    const badCursor = await h.cli(['users', 'list', '--cursor', 'bogus']);
    expect(badCursor.code).toBe(1);
    expect(badCursor.stderr).toBe('error: cursor is not valid for this list (INVALID_CURSOR)\n');
  });
});

describe('gatehouse users create', () => {
  it('creates a user without a password (--no-password), audited with no actor and no IP', async () => {
    const result = await h.cli([
      'users',
      'create',
      '--email',
      'Bot@Example.com',
      '--role',
      'developer',
      '--no-password',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Created user bot@example\.com \(usr_\w+\) with role developer\.\nNo password is set/,
    );
    const user = await h.core.users.findByEmail('bot@example.com');
    expect(user).toMatchObject({ role: 'developer', hasPassword: false });
    const events = await sql(
      h.core,
      `select actor_id, ip, metadata from audit_event where action = 'user.created'`,
    );
    expect(events).toEqual([
      { actor_id: null, ip: null, metadata: { email: 'bot@example.com', role: 'developer' } },
    ]);
  });

  it('takes the password from stdin; the user can sign in with it', async () => {
    const result = await h.cli(
      ['users', 'create', '--email', 'dev@example.com', '--first-name', 'Dee', '--password-stdin', '--json'],
      { stdin: `${STRONG_PASSWORD}\r\n` },
    );
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout) as UserDto;
    expect(user).toMatchObject({
      email: 'dev@example.com',
      role: 'member',
      firstName: 'Dee',
      hasPassword: true,
    });
    await expect(
      h.core.auth.login({ email: 'dev@example.com', password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({
      user: { id: user.id },
    });
  });

  it('needs a way to set the password when not at a terminal', async () => {
    const result = await h.cli(['users', 'create', '--email', 'dev@example.com']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('or use --no-password to set none');
    expect(await h.core.users.findByEmail('dev@example.com')).toBeNull();
  });

  it('refuses --password-stdin together with --no-password', async () => {
    const result = await h.cli([
      'users',
      'create',
      '--email',
      'dev@example.com',
      '--password-stdin',
      '--no-password',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("option '--password-stdin' cannot be used with option '--no-password'");
  });

  it('reports a taken email with EMAIL_TAKEN', async () => {
    await makeUser(h, 'dup@example.com');
    const result = await h.cli(['users', 'create', '--email', 'DUP@example.com', '--no-password']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: A user with this email already exists (EMAIL_TAKEN)\n');
  });
});

describe('gatehouse users set-role', () => {
  it('changes the role of a user given by email or by id', async () => {
    await makeUser(h, 'admin@example.com', 'admin');
    const user = await makeUser(h, 'dev@example.com');
    const byEmail = await h.cli(['users', 'set-role', 'DEV@example.com', 'developer']);
    expect(byEmail.code).toBe(0);
    expect(byEmail.stdout).toBe(
      `Changed the role of dev@example.com (${user.id}) from member to developer.\n`,
    );
    const byId = await h.cli(['users', 'set-role', user.id, 'admin']);
    expect(byId.stdout).toContain('from developer to admin');
    expect((await h.core.users.get(user.id)).role).toBe('admin');
    const same = await h.cli(['users', 'set-role', user.id, 'admin']);
    expect(same.stdout).toContain('already has the role admin; nothing changed');
    const events = await sql(
      h.core,
      `select actor_id, ip from audit_event where action = 'user.role_changed'`,
    );
    expect(events).toEqual([
      { actor_id: null, ip: null },
      { actor_id: null, ip: null },
    ]);
  });

  it('refuses to demote the last admin: LAST_ADMIN, exit code 1', async () => {
    const admin = await makeUser(h, 'admin@example.com', 'admin');
    const result = await h.cli(['users', 'set-role', 'admin@example.com', 'member']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: Cannot demote the last admin: promote another user to admin first (LAST_ADMIN)\n',
    );
    expect((await h.core.users.get(admin.id)).role).toBe('admin');
  });

  it('reports an unknown user or role', async () => {
    const unknown = await h.cli(['users', 'set-role', 'ghost@example.com', 'admin']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No user with the email ghost@example.com (NOT_FOUND)\n');
    const unknownId = await h.cli(['users', 'set-role', 'usr_01jd8v6x1xfz4m5n6p7q8r9s0t', 'admin']);
    expect(unknownId.stderr).toBe('error: User not found (NOT_FOUND)\n');
    await makeUser(h, 'dev@example.com');
    const badRole = await h.cli(['users', 'set-role', 'dev@example.com', 'owner']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toBe('error: unknown role "owner" (expected admin, member, developer)\n');
  });
});

describe('gatehouse users delete', () => {
  it('deletes with --yes: gone from lists, email free again', async () => {
    await makeUser(h, 'admin@example.com', 'admin');
    const user = await makeUser(h, 'dev@example.com');
    const result = await h.cli(['users', 'delete', 'dev@example.com', '--yes']);
    expect(result).toEqual({ code: 0, stdout: `Deleted user dev@example.com (${user.id}).\n`, stderr: '' });
    expect(await h.core.users.findByEmail('dev@example.com')).toBeNull();
    const list = await h.cli(['users', 'list', '--json']);
    expect(list.stdout).not.toContain('dev@example.com');
    const events = await sql(
      h.core,
      `select actor_id, ip, target_id from audit_event where action = 'user.deleted'`,
    );
    expect(events).toEqual([{ actor_id: null, ip: null, target_id: user.id }]);
  });

  it('without --yes and without a terminal, refuses and deletes nothing', async () => {
    await makeUser(h, 'dev@example.com');
    const result = await h.cli(['users', 'delete', 'dev@example.com']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: refusing to delete dev@example.com without confirmation: add --yes\n');
    expect(await h.core.users.findByEmail('dev@example.com')).not.toBeNull();
  });

  it('at a terminal, asks and honours the answer', async () => {
    const user = await makeUser(h, 'dev@example.com');
    const no = scriptedPrompts({ confirms: [false] });
    const cancelled = await h.cli(['users', 'delete', user.id], { interactive: true, prompts: no.prompts });
    expect(cancelled.code).toBe(1);
    expect(cancelled.stdout).toBe('Cancelled; nothing was deleted.\n');
    expect(no.asked).toEqual([
      `Delete dev@example.com (${user.id}, member)? Their sessions and API token end.`,
    ]);
    expect(await h.core.users.findByEmail('dev@example.com')).not.toBeNull();

    const yes = scriptedPrompts({ confirms: [true] });
    const deleted = await h.cli(['users', 'delete', user.id], { interactive: true, prompts: yes.prompts });
    expect(deleted.code).toBe(0);
    expect(await h.core.users.findByEmail('dev@example.com')).toBeNull();
  });

  it('refuses to delete the last admin: LAST_ADMIN, exit code 1', async () => {
    await makeUser(h, 'admin@example.com', 'admin');
    const result = await h.cli(['users', 'delete', 'admin@example.com', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: Cannot delete the last admin: promote another user to admin first (LAST_ADMIN)\n',
    );
    expect(await h.core.users.countAdmins()).toBe(1);
  });
});
