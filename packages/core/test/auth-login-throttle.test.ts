import { afterEach, describe, expect, it, vi } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { createLoginThrottle } from '../src/throttle/login-throttle.js';

const h = useTestCore({ env: { LOGIN_MAX_FAILURES: '3' } });

const fail = (email: string, ip: string) =>
  expect(h.core.auth.login({ email, password: 'definitely wrong' }, { ip })).rejects.toMatchObject({
    code: 'INVALID_CREDENTIALS',
  });
const succeed = (email: string, ip: string) =>
  expect(h.core.auth.login({ email, password: STRONG_PASSWORD }, { ip })).resolves.toMatchObject({
    user: { email },
  });
const limited = (email: string, ip: string, password = STRONG_PASSWORD) =>
  expect(h.core.auth.login({ email, password }, { ip })).rejects.toMatchObject({
    code: 'RATE_LIMITED',
    retryAfterSeconds: expect.any(Number),
  });

// The throttle lives in this file's core for the whole file: every test uses its own IPs.
describe('login throttling per (IP, normalised email), LOGIN_MAX_FAILURES=3', () => {
  it('refuses the 4th attempt after 3 failures, right password or not', async () => {
    await h.core.users.create({ email: 'victim@example.com', password: STRONG_PASSWORD });
    for (let i = 0; i < 3; i++) await fail('victim@example.com', '10.4.0.1');
    await limited('victim@example.com', '10.4.0.1');
    await limited('victim@example.com', '10.4.0.1', 'definitely wrong');
  });

  it('counts the email normalised: case and spaces do not give fresh attempts', async () => {
    await h.core.users.create({ email: 'norm@example.com', password: STRONG_PASSWORD });
    await fail('norm@example.com', '10.4.1.1');
    await fail('NORM@example.com', '10.4.1.1');
    await fail('  Norm@Example.COM ', '10.4.1.1');
    await limited('norm@EXAMPLE.com', '10.4.1.1');
  });

  it('leaves other emails from the same IP and the same email from another IP unaffected', async () => {
    await h.core.users.create({ email: 'locked@example.com', password: STRONG_PASSWORD });
    await h.core.users.create({ email: 'neighbour@example.com', password: STRONG_PASSWORD });
    for (let i = 0; i < 3; i++) await fail('locked@example.com', '10.4.2.1');
    await limited('locked@example.com', '10.4.2.1');
    await succeed('neighbour@example.com', '10.4.2.1');
    await succeed('locked@example.com', '10.4.2.2');
  });

  it('counts parallel guesses before checking any of them: only the first 3 get through', async () => {
    await h.core.users.create({ email: 'parallel@example.com', password: STRONG_PASSWORD });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        h.core.auth.login(
          { email: 'parallel@example.com', password: 'definitely wrong' },
          { ip: '10.4.5.1' },
        ),
      ),
    );
    const codes = results.map((result) => (result.status === 'rejected' ? result.reason.code : 'ok'));
    expect(codes.filter((code) => code === 'INVALID_CREDENTIALS')).toHaveLength(3);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(9);
  });

  it('throttles unknown emails too (no way to tell them apart)', async () => {
    for (let i = 0; i < 3; i++) await fail('nobody-here@example.com', '10.4.3.1');
    await limited('nobody-here@example.com', '10.4.3.1');
  });

  it('a successful login before the limit resets the counter', async () => {
    await h.core.users.create({ email: 'forgetful@example.com', password: STRONG_PASSWORD });
    const ip = '10.4.4.1';
    await fail('forgetful@example.com', ip);
    await fail('forgetful@example.com', ip);
    await succeed('forgetful@example.com', ip);
    await fail('forgetful@example.com', ip);
    await fail('forgetful@example.com', ip);
    await succeed('forgetful@example.com', ip);
    // After a reset it takes the full 3 failures again to be limited.
    for (let i = 0; i < 3; i++) await fail('forgetful@example.com', ip);
    await limited('forgetful@example.com', ip);
  });
});

// The in-process throttle keeps time with Date (not the core's clock), so only Date is faked here:
// nothing sleeps, and no timer is run early.
describe('login throttle window (in-process store)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses until the window has passed, then lets the key try again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const throttle = createLoginThrottle({ maxFailures: 3, windowMinutes: 15 });
    const key = '10.4.9.1|window@example.com';
    for (let i = 0; i < 3; i++) expect(await throttle.attempt(key)).toBe(0);
    expect(await throttle.attempt(key)).toBe(15 * 60);

    vi.setSystemTime(new Date('2026-01-01T00:10:00Z'));
    expect(await throttle.retryAfterSeconds(key)).toBe(5 * 60);

    vi.setSystemTime(new Date('2026-01-01T00:15:00.001Z'));
    expect(await throttle.retryAfterSeconds(key)).toBe(0);
    // An attempt after the window starts a new count, rather than adding to the old one.
    expect(await throttle.attempt(key)).toBe(0);
    expect(await throttle.retryAfterSeconds(key)).toBe(0);
    await throttle.close();
  });
});

describe('password change throttling', () => {
  it('refuses further guesses of the current password after LOGIN_MAX_FAILURES wrong ones', async () => {
    const user = await h.core.users.create({ email: 'stolen@example.com', password: STRONG_PASSWORD });
    const guess = (currentPassword: string) =>
      h.core.passwords.change(user.id, { currentPassword, newPassword: 'a brand new passphrase' });
    for (let i = 0; i < 3; i++)
      await expect(guess(`guess number ${i}`)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(guess(STRONG_PASSWORD)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
