import { SoftAuthenticator } from '@gatehouse/core/testing';
import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, scriptedPrompts, sql, useCli } from './harness.js';

const h = useCli();

/** A user with a passkey (their second factor) and a live session. */
async function userWithPasskey(email = 'ops@example.com') {
  const user = await h.core.users.create({ email, password: STRONG_PASSWORD, role: 'admin' });
  const authenticator = new SoftAuthenticator({ origin: 'http://gatehouse.test' });
  const options = await h.core.mfa.passkeyRegistrationOptions(user.id);
  await h.core.mfa.registerPasskey(user.id, { name: 'Laptop', passkey: authenticator.register(options) });
  const session = await h.core.auth.loginWithPasskey({
    passkey: authenticator.authenticate(await h.core.auth.passkeyOptions({})),
  });
  return { user, session };
}

describe('gatehouse users reset-mfa', () => {
  it('removes every factor, ends the sessions, and is audited without an actor', async () => {
    const { user, session } = await userWithPasskey();
    const list = await h.cli(['users', 'list']);
    expect(list.stdout.split('\n')[1]).toMatch(/^usr_\w+ +ops@example\.com +admin +- +set +on +/);

    const result = await h.cli(['users', 'reset-mfa', 'ops@example.com', '--yes']);
    expect(result).toEqual({
      code: 0,
      stdout:
        `Removed the second factors of ops@example.com (${user.id}); ended 1 session.\n` +
        'They can sign in with their password alone and set up a new factor.\n',
      stderr: '',
    });
    expect(await h.core.auth.authenticateSession(session.token)).toBeNull();
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(false);
    expect(await sql(h.core, 'select 1 from passkey')).toHaveLength(0);
    expect(await sql(h.core, 'select 1 from recovery_code')).toHaveLength(0);
    const events = await sql(
      h.core,
      `select actor_id, ip, target_id from audit_event where action = 'mfa.reset'`,
    );
    expect(events).toEqual([{ actor_id: null, ip: null, target_id: user.id }]);
    // The password alone signs in again.
    await expect(
      h.core.auth.login({ email: 'ops@example.com', password: STRONG_PASSWORD }),
    ).resolves.toMatchObject({
      user: { id: user.id },
    });
    const after = await h.cli(['users', 'list']);
    expect(after.stdout.split('\n')[1]).toMatch(/^usr_\w+ +ops@example\.com +admin +- +set +- +/);
  });

  it('without --yes and without a terminal, refuses and changes nothing', async () => {
    const { user } = await userWithPasskey();
    const result = await h.cli(['users', 'reset-mfa', user.id]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: refusing to reset the second factors of ops@example.com without confirmation: add --yes\n',
    );
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(true);
  });

  it('at a terminal, asks and honours the answer', async () => {
    const { user } = await userWithPasskey();
    const no = scriptedPrompts({ confirms: [false] });
    const cancelled = await h.cli(['users', 'reset-mfa', user.id], {
      interactive: true,
      prompts: no.prompts,
    });
    expect(cancelled).toMatchObject({ code: 1, stdout: 'Cancelled; nothing was changed.\n' });
    expect(no.asked).toEqual([
      `Remove every second factor of ops@example.com (${user.id}) and end their sessions?`,
    ]);
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(true);
    const yes = scriptedPrompts({ confirms: [true] });
    const done = await h.cli(['users', 'reset-mfa', user.id], { interactive: true, prompts: yes.prompts });
    expect(done.code).toBe(0);
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(false);
  });

  it('an unknown user is NOT_FOUND (exit 1); a user without factors is reset harmlessly', async () => {
    const missing = await h.cli(['users', 'reset-mfa', 'nobody@example.com', '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No user with the email nobody@example.com');
    const plain = await h.core.users.create({ email: 'plain@example.com' });
    const result = await h.cli(['users', 'reset-mfa', 'plain@example.com', '--yes']);
    expect(result.stdout).toContain(
      `Removed the second factors of plain@example.com (${plain.id}) (none was set up)`,
    );
  });

  it('--help explains the break-glass use', async () => {
    const help = await h.cli(['users', 'reset-mfa', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/lost\s+their\s+devices/);
    expect(help.stdout).toContain('--yes');
    expect(help.stdout).toContain('Examples:');
  });
});
