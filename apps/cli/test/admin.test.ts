import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, scriptedPrompts, sql, useCli } from './harness.js';

const h = useCli();

describe('gatehouse admin create', () => {
  it('creates the first admin from --password-stdin, audited with no actor and no IP', async () => {
    const result = await h.cli(['admin', 'create', '--email', ' Ops@Example.COM ', '--password-stdin'], {
      stdin: `${STRONG_PASSWORD}\n`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created the first admin ops@example\.com \(usr_[0-9a-z]{26}\)\.\n/);
    expect(result.stdout + result.stderr).not.toContain(STRONG_PASSWORD);

    const admin = await h.core.users.findByEmail('ops@example.com');
    expect(admin).toMatchObject({ role: 'admin', hasPassword: true });
    // The trailing newline of stdin is not part of the password.
    const login = await h.core.auth.login(
      { email: 'ops@example.com', password: STRONG_PASSWORD },
      { ip: '::1' },
    );
    expect(login.user.id).toBe(admin?.id);

    const events = await sql<{
      action: string;
      actor_id: string | null;
      ip: string | null;
      target_id: string;
    }>(h.core, `select action, actor_id, ip, target_id from audit_event where action = 'user.created'`);
    expect(events).toEqual([{ action: 'user.created', actor_id: null, ip: null, target_id: admin?.id }]);
  });

  it('refuses with exit code 1 when an admin exists, and changes nothing', async () => {
    await h.core.users.create({ email: 'first@example.com', password: STRONG_PASSWORD, role: 'admin' });
    const result = await h.cli(['admin', 'create', '--email', 'second@example.com', '--password-stdin'], {
      stdin: STRONG_PASSWORD,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: an admin already exists; nothing was changed\./);
    expect(result.stdout).toBe('');
    expect(await h.core.users.findByEmail('second@example.com')).toBeNull();
    expect(await h.core.users.countAdmins()).toBe(1);
  });

  it('asks twice for the password at a terminal and checks it against the policy', async () => {
    const { prompts, asked } = scriptedPrompts({ passwords: [STRONG_PASSWORD, STRONG_PASSWORD] });
    const result = await h.cli(['admin', 'create', '--email', 'ops@example.com'], {
      interactive: true,
      prompts,
    });
    expect(result.code).toBe(0);
    expect(asked).toEqual(['Password for ops@example.com:', 'Repeat the password:']);
    expect(await h.core.users.countAdmins()).toBe(1);
  });

  it('refuses when the two typed passwords differ', async () => {
    const { prompts } = scriptedPrompts({ passwords: [STRONG_PASSWORD, `${STRONG_PASSWORD}!`] });
    const result = await h.cli(['admin', 'create', '--email', 'ops@example.com'], {
      interactive: true,
      prompts,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: the two passwords do not match; nothing was changed\n');
    expect(await h.core.users.countAdmins()).toBe(0);
  });

  it('without a terminal and without --password-stdin, says how to give the password', async () => {
    const result = await h.cli(['admin', 'create', '--email', 'ops@example.com']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: no password given: pipe it in with --password-stdin');
    expect(await h.core.users.countAdmins()).toBe(0);
  });

  it('reports a weak password with its reason and code', async () => {
    const result = await h.cli(['admin', 'create', '--email', 'ops@example.com', '--password-stdin'], {
      stdin: 'password\n',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: Password is too common; choose a less guessable one (WEAK_PASSWORD)\n',
    );
  });

  it('reports an invalid email as an input issue before asking for anything', async () => {
    const result = await h.cli(['admin', 'create', '--email', 'not-an-email', '--password-stdin'], {
      stdin: STRONG_PASSWORD,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: invalid input\n  - Enter a valid email address\n');
  });

  it('needs --email', async () => {
    const result = await h.cli(['admin', 'create']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: required option '--email <email>' not specified");
  });
});
