import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordWeakness } from '../src/password-policy.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { countRows } from './helpers.js';

const h = useTestCore();

const WEAK: [string, string][] = [
  ['7 characters', 'abcdefg'],
  ['empty', ''],
  ['257 characters', 'x'.repeat(257)],
  ['common (password123)', 'password123'],
  ['common (qwertyuiop)', 'qwertyuiop'],
  ['common in another case', 'QwertyUiop'],
  ['a lone surrogate (it cannot be encoded)', 'long enough passphrase \ud800'],
];

describe('password policy, as a function', () => {
  it('has bounds 8 and 256', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(PASSWORD_MAX_LENGTH).toBe(256);
  });

  it.each(WEAK)('refuses %s with a clear reason', (_, password) => {
    expect(passwordWeakness(password)).toEqual(expect.any(String));
  });

  it('names the reason', () => {
    expect(passwordWeakness('short')).toMatch(/at least 8/);
    expect(passwordWeakness('y'.repeat(257))).toMatch(/at most 256/);
    expect(passwordWeakness('password123')).toMatch(/common/i);
    expect(passwordWeakness('jane.doe-rocks-2026', 'Jane.Doe@example.com')).toMatch(/email/i);
  });

  it('accepts exactly 8 and exactly 256 characters, without composition rules', () => {
    expect(passwordWeakness('kq7vmz2p')).toBeNull();
    expect(passwordWeakness(`${'z'.repeat(255)}q`)).toBeNull();
    expect(passwordWeakness('all lower case words only')).toBeNull();
    // Length counts characters, not UTF-16 units: 8 emoji are 8 characters.
    expect(passwordWeakness('🔑'.repeat(8))).toBeNull();
    expect(passwordWeakness('🔑'.repeat(7))).not.toBeNull();
  });

  it('refuses passwords containing the email’s local part, in any case', () => {
    expect(passwordWeakness('my-alice-secret-99', 'alice@example.com')).not.toBeNull();
    expect(passwordWeakness('MY-ALICE-SECRET-99', 'Alice@example.com')).not.toBeNull();
    expect(passwordWeakness('my-alice-secret-99', 'bob@example.com')).toBeNull();
  });
});

describe('WEAK_PASSWORD wherever a password is set', () => {
  it.each(WEAK)('users.create refuses %s and writes no row', async (_, password) => {
    await expect(h.core.users.create({ email: 'weak@example.com', password })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
      kind: 'invalid',
    });
    expect(await countRows(h.core, 'user')).toBe(0);
  });

  it('users.create refuses a password containing the email name', async () => {
    await expect(
      h.core.users.create({ email: 'Marguerite@example.com', password: 'i am marguerite, ok' }),
    ).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    await expect(
      h.core.users.create({ email: 'marguerite@example.com', password: STRONG_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('invites.accept refuses weak passwords, including the invite email’s name', async () => {
    const issued = await h.core.invites.create({ email: 'gwendolyn@example.com' });
    for (const password of ['password123', 'qwertyuiop', 'x'.repeat(257), 'gwendolyn-is-here']) {
      await expect(h.core.invites.accept({ token: issued.token, password })).rejects.toMatchObject({
        code: 'WEAK_PASSWORD',
      });
    }
    expect(await countRows(h.core, 'user')).toBe(0);
  });

  it('auth.changePassword refuses weak new passwords and keeps the old one', async () => {
    const user = await h.core.users.create({ email: 'changer@example.com', password: STRONG_PASSWORD });
    for (const newPassword of ['short', 'password123', 'qwertyuiop', 'x'.repeat(257), 'changer-2026-pw']) {
      await expect(
        h.core.passwords.change(user.id, { currentPassword: STRONG_PASSWORD, newPassword }),
      ).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    }
    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.9.9.9' }),
    ).resolves.toBeDefined();
  });

  it('auth.resetPassword refuses weak new passwords', async () => {
    const user = await h.core.users.create({ email: 'resetter@example.com', password: STRONG_PASSWORD });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    const token = h.mailer.lastTokenFor(user.email);
    for (const newPassword of ['short', 'password123', 'qwertyuiop', 'x'.repeat(257), 'resetter-pass-1']) {
      await expect(h.core.passwords.reset({ token, newPassword })).rejects.toMatchObject({
        code: 'WEAK_PASSWORD',
      });
    }
  });

  it('a password far over the maximum (5000 characters) is WEAK_PASSWORD too, not an input error', async () => {
    const huge = 'h'.repeat(5000);
    await expect(h.core.users.create({ email: 'huge@example.com', password: huge })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    const issued = await h.core.invites.create({ email: 'huge-invite@example.com' });
    await expect(h.core.invites.accept({ token: issued.token, password: huge })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    const user = await h.core.users.create({ email: 'huge-change@example.com', password: STRONG_PASSWORD });
    await expect(
      h.core.passwords.change(user.id, { currentPassword: STRONG_PASSWORD, newPassword: huge }),
    ).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    await h.core.passwords.requestReset({ email: user.email });
    await h.core.idle();
    await expect(
      h.core.passwords.reset({ token: h.mailer.lastTokenFor(user.email), newPassword: huge }),
    ).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
  });

  it('a user may be created without a password (hasPassword false) and cannot sign in', async () => {
    const user = await h.core.users.create({ email: 'nopass@example.com' });
    expect(user.hasPassword).toBe(false);
    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.8.8.8' }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});
