import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../src/audit-actions.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import {
  auditRows,
  dumpAllTables,
  MINUTE,
  makeAdmin,
  outcomes,
  sha256Hex,
  sql,
  warmPool,
} from './helpers.js';
import {
  challengeFor,
  codeAt,
  enrolPasskey,
  enrolTotp,
  softAuthenticator,
  TOTP_STEP_MS,
} from './mfa-helpers.js';

const h = useTestCore({ env: { LOGIN_MAX_FAILURES: '10' } });
const IP = '10.2.0.1';

const member = (email = 'mfa@example.com') => h.core.users.create({ email, password: STRONG_PASSWORD });

describe('sign-in with a second factor', () => {
  it('a correct password gives a ghc_ challenge (no session), stored only hashed; the code completes it once', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const issued = await challengeFor(h.core, user.email, IP);
    expect(issued).toEqual({
      mfaRequired: true,
      challenge: expect.stringMatching(/^ghc_[A-Za-z0-9_-]{43}$/),
      methods: ['totp', 'recovery'],
      expiresAt: new Date(h.clock.now().getTime() + 5 * MINUTE),
    });
    expect(await sql(h.core, 'select 1 from session')).toHaveLength(0);
    const dump = await dumpAllTables(h.core);
    expect(dump).not.toContain(issued.challenge);
    expect(dump).toContain(sha256Hex(issued.challenge));
    // No successful login yet: lastLoginAt unset, no auth.login event.
    expect((await h.core.users.get(user.id)).lastLoginAt).toBeNull();
    expect(await auditRows(h.core, 'auth.login')).toHaveLength(0);

    const session = await h.core.auth.verifyMfa(
      { challenge: issued.challenge, code: codeAt(h, secret) },
      { ip: IP },
    );
    expect(session.token).toMatch(/^ghs_/);
    const principal = await h.core.auth.authenticateSession(session.token);
    expect(principal).toMatchObject({
      user: { id: user.id, mfaEnabled: true },
      mfaVerifiedAt: h.clock.now(),
    });
    expect((await auditRows(h.core, 'auth.login'))[0]?.metadata).toEqual({ method: 'totp' });

    // Single use, even with another good code.
    h.clock.advance(TOTP_STEP_MS);
    await expect(
      h.core.auth.verifyMfa({ challenge: issued.challenge, code: codeAt(h, secret) }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    // Password-only login refuses users with MFA outright.
    await expect(h.core.auth.login({ email: user.email, password: STRONG_PASSWORD })).rejects.toMatchObject({
      code: 'MFA_REQUIRED',
    });
  });

  it('a challenge expires after 5 minutes', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const issued = await challengeFor(h.core, user.email, IP);
    h.clock.advance(5 * MINUTE);
    await expect(
      h.core.auth.verifyMfa({ challenge: issued.challenge, code: codeAt(h, secret) }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(h.core.auth.passkeyOptions({ challenge: issued.challenge })).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
    // purgeExpired clears it.
    await h.core.purgeExpired();
    expect(await sql(h.core, 'select 1 from mfa_challenge')).toHaveLength(0);
  });

  it('a challenge dies after 5 wrong codes, even for the right code next; each wrong code is audited', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const issued = await challengeFor(h.core, user.email, IP);
    for (let i = 0; i < 5; i += 1) {
      await expect(
        h.core.auth.verifyMfa({ challenge: issued.challenge, code: '000000' }, { ip: IP }),
      ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
    }
    await expect(
      h.core.auth.verifyMfa({ challenge: issued.challenge, code: codeAt(h, secret) }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    const failed = await auditRows(h.core, 'auth.mfa_failed');
    expect(failed).toHaveLength(5);
    expect(failed[4]).toMatchObject({
      actor_id: user.id,
      ip: IP,
      target_id: user.id,
      metadata: { failures: 5 },
    });
    // A new password sign-in gives a new challenge that works.
    const again = await challengeFor(h.core, user.email, IP);
    await expect(
      h.core.auth.verifyMfa({ challenge: again.challenge, code: codeAt(h, secret) }, { ip: IP }),
    ).resolves.toMatchObject({ user: { id: user.id } });
  });

  it('wrong codes count against the login throttle of (IP, email); a known password does not reset it', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    // 10 attempts per window: each password step and each code counts until a sign-in completes.
    let attempts = 0;
    while (attempts < 10) {
      const issued = await challengeFor(h.core, user.email, IP);
      attempts += 1;
      for (let i = 0; i < 4 && attempts < 10; i += 1) {
        await expect(
          h.core.auth.verifyMfa({ challenge: issued.challenge, code: '111111' }, { ip: IP }),
        ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
        attempts += 1;
      }
    }
    await expect(
      h.core.auth.signIn({ email: user.email, password: STRONG_PASSWORD }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Another address is unaffected, and its success does not unlock the first.
    const elsewhere = await challengeFor(h.core, user.email, '10.2.0.99');
    await h.core.auth.verifyMfa(
      { challenge: elsewhere.challenge, code: codeAt(h, secret) },
      { ip: '10.2.0.99' },
    );
    await expect(
      h.core.auth.signIn({ email: user.email, password: STRONG_PASSWORD }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('malformed or unknown challenges are refused without touching the database', async () => {
    await expect(h.core.auth.verifyMfa({ challenge: 'nope', code: '123456' })).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
    await expect(
      h.core.auth.verifyMfa({ challenge: `ghc_${'A'.repeat(43)}`, code: '123456' }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});

describe('recovery codes', () => {
  it('complete a sign-in once each; the number left is shown; a new set replaces the old', async () => {
    const user = await member();
    const { recoveryCodes } = await enrolTotp(h, user.id);
    const [first, second] = recoveryCodes as [string, string];
    const issued = await challengeFor(h.core, user.email, IP);
    // Typed loosely: upper case, spaces instead of dashes.
    const session = await h.core.auth.verifyMfa(
      { challenge: issued.challenge, code: first.toUpperCase().replaceAll('-', ' ') },
      { ip: IP },
    );
    expect(session.user.id).toBe(user.id);
    expect((await h.core.mfa.status(user)).recoveryCodesLeft).toBe(9);
    expect((await auditRows(h.core, 'mfa.recovery_code_used'))[0]?.metadata).toEqual({ left: 9 });

    const again = await challengeFor(h.core, user.email, IP);
    await expect(
      h.core.auth.verifyMfa({ challenge: again.challenge, code: first }, { ip: IP }),
    ).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });

    const { recoveryCodes: fresh } = await h.core.mfa.regenerateRecoveryCodes(user.id);
    expect(fresh).toHaveLength(10);
    expect((await h.core.mfa.status(user)).recoveryCodesLeft).toBe(10);
    await expect(
      h.core.auth.verifyMfa({ challenge: again.challenge, code: second }, { ip: IP }),
    ).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });
    await expect(
      h.core.auth.verifyMfa({ challenge: again.challenge, code: fresh[0] as string }, { ip: IP }),
    ).resolves.toMatchObject({ user: { id: user.id } });

    const stored = await sql<{ code_hash: string }>(h.core, 'select code_hash from recovery_code');
    const dump = await dumpAllTables(h.core);
    for (const code of [...recoveryCodes, ...fresh]) expect(dump).not.toContain(code);
    expect(stored.every((row) => /^[0-9a-f]{64}$/.test(row.code_hash))).toBe(true);
  });

  it('one recovery code used concurrently on several challenges: exactly one session', async () => {
    const user = await member();
    const { recoveryCodes } = await enrolTotp(h, user.id);
    const challenges: string[] = [];
    for (let i = 0; i < 6; i += 1)
      challenges.push((await challengeFor(h.core, user.email, `10.8.0.${i}`)).challenge);
    await warmPool(h.core, 8);
    const results = await Promise.allSettled(
      challenges.map((challenge, i) =>
        h.core.auth.verifyMfa({ challenge, code: recoveryCodes[0] as string }, { ip: `10.8.0.${i}` }),
      ),
    );
    const { fulfilled, codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(fulfilled).toHaveLength(1);
    expect(codes).toEqual(Array(5).fill('INVALID_MFA_CODE'));
    expect((await h.core.mfa.status(user)).recoveryCodesLeft).toBe(9);
  });

  it('two good answers to one challenge at once: one session, the other finds it spent', async () => {
    const user = await member();
    const { secret, recoveryCodes } = await enrolTotp(h, user.id);
    const issued = await challengeFor(h.core, user.email, IP);
    await warmPool(h.core, 4);
    const results = await Promise.allSettled([
      h.core.auth.verifyMfa({ challenge: issued.challenge, code: codeAt(h, secret) }, { ip: IP }),
      h.core.auth.verifyMfa({ challenge: issued.challenge, code: recoveryCodes[0] as string }, { ip: IP }),
    ]);
    const { fulfilled, codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(fulfilled).toHaveLength(1);
    expect(codes).toEqual(['INVALID_TOKEN']);
    expect(await sql(h.core, 'select 1 from session')).toHaveLength(1);
  });

  it('regenerating needs a factor', async () => {
    const user = await member();
    await expect(h.core.mfa.regenerateRecoveryCodes(user.id)).rejects.toMatchObject({
      code: 'MFA_NOT_ENABLED',
    });
  });
});

describe('passkeys (software authenticator against @simplewebauthn/server)', () => {
  it('register several, named; list them with last use; rename; remove', async () => {
    const user = await member();
    const authenticator = softAuthenticator();
    const laptop = await enrolPasskey(h.core, user.id, authenticator, 'Laptop');
    expect(laptop).toEqual({
      id: expect.stringMatching(/^pkey_/),
      name: 'Laptop',
      createdAt: h.clock.now().toISOString(),
      lastUsedAt: null,
      recoveryCodes: expect.any(Array),
    });
    expect(laptop.recoveryCodes).toHaveLength(10);
    const phone = await enrolPasskey(h.core, user.id, softAuthenticator(), 'Phone');
    expect(phone.recoveryCodes).toEqual([]);
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(true);

    const renamed = await h.core.mfa.renamePasskey(user.id, { id: phone.id, name: 'Old phone' });
    expect(renamed.name).toBe('Old phone');
    const status = await h.core.mfa.status(user);
    expect(status.passkeys.map((passkey) => passkey.name)).toEqual(['Laptop', 'Old phone']);

    // Another user cannot rename or remove it.
    const other = await member('other@example.com');
    await expect(h.core.mfa.renamePasskey(other.id, { id: phone.id, name: 'Mine' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(h.core.mfa.removePasskey(other.id, phone.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await h.core.mfa.removePasskey(user.id, phone.id);
    await h.core.mfa.removePasskey(user.id, laptop.id);
    expect(await h.core.mfa.status(user)).toMatchObject({ passkeys: [], recoveryCodesLeft: 0 });
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(false);
    expect(await auditRows(h.core, 'mfa.passkey_added')).toHaveLength(2);
    expect(await auditRows(h.core, 'mfa.passkey_removed')).toHaveLength(2);
  });

  it('registration is refused for a ceremony of another user, a used ceremony, a wrong origin, or no user verification', async () => {
    const user = await member();
    const other = await member('other@example.com');
    const options = await h.core.mfa.passkeyRegistrationOptions(user.id);
    const response = softAuthenticator().register(options);
    await expect(
      h.core.mfa.registerPasskey(other.id, { name: 'X', passkey: response }),
    ).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });
    // The owner completes it; the same ceremony (or response) cannot be used again.
    await h.core.mfa.registerPasskey(user.id, { name: 'X', passkey: response });
    await expect(h.core.mfa.registerPasskey(user.id, { name: 'Y', passkey: response })).rejects.toMatchObject(
      {
        code: 'INVALID_MFA_CODE',
      },
    );
    await h.core.mfa.reset(user.id);
    const phishing = softAuthenticator({ origin: 'https://evil.example' }).register(
      await h.core.mfa.passkeyRegistrationOptions(user.id),
    );
    await expect(h.core.mfa.registerPasskey(user.id, { name: 'X', passkey: phishing })).rejects.toMatchObject(
      {
        code: 'INVALID_MFA_CODE',
      },
    );
    const unverified = softAuthenticator({ userVerified: false }).register(
      await h.core.mfa.passkeyRegistrationOptions(user.id),
    );
    await expect(
      h.core.mfa.registerPasskey(user.id, { name: 'X', passkey: unverified }),
    ).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });
    expect(await sql(h.core, 'select 1 from passkey')).toHaveLength(0);
  });

  it('the options name PUBLIC_URL as relying party and require user verification', async () => {
    const user = await member();
    const options = await h.core.mfa.passkeyRegistrationOptions(user.id);
    expect(options.rp).toMatchObject({ id: 'gatehouse.test' });
    expect(options.authenticatorSelection).toMatchObject({
      userVerification: 'required',
      residentKey: 'required',
    });
    const request = await h.core.auth.passkeyOptions({});
    expect(request).toMatchObject({
      rpId: 'gatehouse.test',
      userVerification: 'required',
      allowCredentials: [],
    });
  });

  it('a passkey completes the second step of a sign-in, only for that challenge and user', async () => {
    const user = await member();
    const authenticator = softAuthenticator();
    const added = await enrolPasskey(h.core, user.id, authenticator);
    const issued = await challengeFor(h.core, user.email, IP);
    expect(issued.methods).toEqual(['recovery', 'passkey']);
    const options = await h.core.auth.passkeyOptions({ challenge: issued.challenge });
    expect(options.allowCredentials?.map((credential) => credential.id)).toEqual([
      authenticator.credentials[0]?.id,
    ]);
    h.clock.advance(MINUTE);
    const session = await h.core.auth.verifyMfa(
      { challenge: issued.challenge, passkey: authenticator.authenticate(options) },
      { ip: IP },
    );
    expect(session.user.id).toBe(user.id);
    const [passkey] = (await h.core.mfa.status(user)).passkeys;
    expect(passkey).toMatchObject({ id: added.id, lastUsedAt: h.clock.now().toISOString() });

    // Options made for one challenge do not answer another.
    const first = await challengeFor(h.core, user.email, IP);
    const second = await challengeFor(h.core, user.email, IP);
    const forFirst = await h.core.auth.passkeyOptions({ challenge: first.challenge });
    await expect(
      h.core.auth.verifyMfa(
        { challenge: second.challenge, passkey: authenticator.authenticate(forFirst) },
        { ip: IP },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
  });

  it('passwordless sign-in with a discoverable passkey; refused without user verification or for a replayed assertion', async () => {
    const user = await member();
    const authenticator = softAuthenticator();
    await enrolPasskey(h.core, user.id, authenticator);
    const options = await h.core.auth.passkeyOptions({});
    const assertion = authenticator.authenticate(options);
    const session = await h.core.auth.loginWithPasskey({ passkey: assertion }, { ip: IP });
    expect(session.user.id).toBe(user.id);
    expect((await h.core.auth.authenticateSession(session.token))?.mfaVerifiedAt).toEqual(h.clock.now());
    await expect(h.core.auth.loginWithPasskey({ passkey: assertion }, { ip: IP })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });

    // The same key without user verification (a tap, no PIN) is refused.
    const lazy = softAuthenticator({ userVerified: false });
    lazy.credentials.push(...authenticator.credentials);
    await expect(
      h.core.auth.loginWithPasskey(
        { passkey: lazy.authenticate(await h.core.auth.passkeyOptions({})) },
        { ip: IP },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // A deleted user's passkey signs no one in.
    await makeAdmin(h);
    await h.core.users.delete(user.id);
    expect(await sql(h.core, 'select 1 from passkey')).toHaveLength(0);
    await expect(
      h.core.auth.loginWithPasskey(
        { passkey: authenticator.authenticate(await h.core.auth.passkeyOptions({})) },
        { ip: IP },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});

describe('step-up', () => {
  it('a code or passkey on this session opens sensitive actions for MFA_STEP_UP_MINUTES (10)', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const authenticator = softAuthenticator();
    await enrolPasskey(h.core, user.id, authenticator);
    const issued = await challengeFor(h.core, user.email, IP);
    const session = await h.core.auth.verifyMfa(
      { challenge: issued.challenge, code: codeAt(h, secret) },
      { ip: IP },
    );
    const principalNow = async () => {
      const principal = await h.core.auth.authenticateSession(session.token);
      if (!principal) throw new Error('signed out');
      return principal;
    };
    const steppedUp = async () => {
      const principal = await principalNow();
      try {
        h.core.mfa.assertSteppedUp(principal);
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    // Signing in with the second factor counts as a check.
    expect(await steppedUp()).toBe('ok');
    h.clock.advance(9 * MINUTE);
    expect(await steppedUp()).toBe('ok');
    h.clock.advance(MINUTE);
    expect(await steppedUp()).toBe('STEP_UP_REQUIRED');

    const result = await h.core.mfa.stepUp(await principalNow(), { code: codeAt(h, secret) }, { ip: IP });
    expect(result).toEqual({ ok: true, until: new Date(h.clock.now().getTime() + 10 * MINUTE) });
    expect(await steppedUp()).toBe('ok');

    h.clock.advance(11 * MINUTE);
    expect(await steppedUp()).toBe('STEP_UP_REQUIRED');
    const options = await h.core.auth.passkeyOptions({}, user.id);
    expect(options.allowCredentials).toHaveLength(1);
    await h.core.mfa.stepUp(
      await principalNow(),
      { passkey: authenticator.authenticate(options) },
      { ip: IP },
    );
    expect(await steppedUp()).toBe('ok');
    // API-token callers are not subject to step-up.
    const viaToken = {
      ...(await principalNow()),
      via: 'apiToken' as const,
      sessionId: null,
      mfaVerifiedAt: null,
    };
    h.clock.advance(60 * MINUTE);
    expect(() => h.core.mfa.assertSteppedUp(viaToken)).not.toThrow();
    expect((await auditRows(h.core, 'auth.step_up')).map((row) => row.metadata?.method)).toEqual([
      'totp',
      'passkey',
    ]);
  });

  it("another user's passkey does not step up this user", async () => {
    const user = await member();
    const mine = softAuthenticator();
    await enrolPasskey(h.core, user.id, mine);
    const other = await member('other@example.com');
    const theirs = softAuthenticator();
    await enrolPasskey(h.core, other.id, theirs);
    const session = await h.core.auth.loginWithPasskey(
      { passkey: mine.authenticate(await h.core.auth.passkeyOptions({})) },
      { ip: IP },
    );
    const principal = await h.core.auth.authenticateSession(session.token);
    if (!principal) throw new Error('signed out');
    await expect(
      h.core.mfa.stepUp(
        principal,
        { passkey: theirs.authenticate(await h.core.auth.passkeyOptions({})) },
        { ip: IP },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
  });
});

describe('admin reset', () => {
  it('removes every factor and ends every session of the user; audited', async () => {
    const admin = await makeAdmin(h);
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    await enrolPasskey(h.core, user.id, softAuthenticator());
    const issued = await challengeFor(h.core, user.email, IP);
    const session = await h.core.auth.verifyMfa(
      { challenge: issued.challenge, code: codeAt(h, secret) },
      { ip: IP },
    );
    const pending = await challengeFor(h.core, user.email, IP);

    const result = await h.core.mfa.reset(user.id, { actorId: admin.id, ip: '10.2.0.50' });
    expect(result).toEqual({ ok: true, sessionsEnded: 1 });
    expect(await h.core.auth.authenticateSession(session.token)).toBeNull();
    expect(await h.core.mfa.status(user)).toMatchObject({ totp: false, passkeys: [], recoveryCodesLeft: 0 });
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(false);
    for (const table of ['totp_factor', 'passkey', 'recovery_code', 'mfa_challenge', 'webauthn_challenge']) {
      expect(await sql(h.core, `select 1 from "${table}" where user_id = ?`, [user.id]), table).toHaveLength(
        0,
      );
    }
    await expect(
      h.core.auth.verifyMfa({ challenge: pending.challenge, code: codeAt(h, secret, 1) }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    const [event] = await auditRows(h.core, 'mfa.reset');
    expect(event).toMatchObject({ actor_id: admin.id, ip: '10.2.0.50', target_id: user.id });
    expect(event?.metadata).toMatchObject({ totp: true, passkeys: 1, recoveryCodes: 10, sessionsEnded: 1 });
    // The password alone signs in again.
    expect(
      (await h.core.auth.signIn({ email: user.email, password: STRONG_PASSWORD }, { ip: IP })).mfaRequired,
    ).toBe(false);
  });
});

describe('races with a reset', () => {
  it('second steps racing an admin reset: each either signs in or is refused with a 4xx code, never a database error', async () => {
    const admin = await makeAdmin(h);
    const user = await member();
    const { recoveryCodes } = await enrolTotp(h, user.id);
    const challenges: string[] = [];
    for (let i = 0; i < 5; i += 1)
      challenges.push((await challengeFor(h.core, user.email, `10.7.0.${i}`)).challenge);
    await warmPool(h.core, 8);
    const results = await Promise.allSettled<unknown>([
      ...challenges.map((challenge, i) =>
        h.core.auth.verifyMfa({ challenge, code: recoveryCodes[i] as string }, { ip: `10.7.0.${i}` }),
      ),
      h.core.mfa.reset(user.id, { actorId: admin.id }),
    ]);
    const { codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    for (const code of codes) expect(['INVALID_TOKEN', 'INVALID_MFA_CODE']).toContain(code);
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(false);
    expect(await sql(h.core, 'select 1 from recovery_code')).toHaveLength(0);
  });
});

describe('enrolment rule and audit', () => {
  it('MFA_REQUIRED_ROLES: a role listed there without a factor must enrol', () => {
    expect(h.core.config.mfaRequiredRoles).toEqual([]);
    expect(h.core.mfa.enrolmentRequired({ role: 'admin', mfaEnabled: false })).toBe(false);
  });

  it('every second-factor action of the contract is audited', async () => {
    const admin = await makeAdmin(h);
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    await enrolPasskey(h.core, user.id, softAuthenticator());
    const issued = await challengeFor(h.core, user.email, IP);
    await expect(
      h.core.auth.verifyMfa({ challenge: issued.challenge, code: '222222' }, { ip: IP }),
    ).rejects.toThrow();
    const session = await h.core.auth.verifyMfa(
      { challenge: issued.challenge, code: codeAt(h, secret) },
      { ip: IP },
    );
    const principal = await h.core.auth.authenticateSession(session.token);
    if (!principal) throw new Error('signed out');
    h.clock.advance(TOTP_STEP_MS);
    await h.core.mfa.stepUp(principal, { code: codeAt(h, secret) }, { ip: IP });
    const { recoveryCodes } = await h.core.mfa.regenerateRecoveryCodes(user.id);
    const again = await challengeFor(h.core, user.email, IP);
    await h.core.auth.verifyMfa({ challenge: again.challenge, code: recoveryCodes[0] as string }, { ip: IP });
    const [passkey] = (await h.core.mfa.status(user)).passkeys;
    await h.core.mfa.removePasskey(user.id, passkey?.id as string);
    await h.core.mfa.disableTotp(user.id);
    await enrolTotp(h, user.id);
    await h.core.mfa.reset(user.id, { actorId: admin.id });

    const actions = new Set((await auditRows(h.core)).map((row) => row.action));
    for (const action of AUDIT_ACTIONS.filter(
      (a) => a.startsWith('mfa.') || a === 'auth.mfa_failed' || a === 'auth.step_up',
    )) {
      expect(actions.has(action), action).toBe(true);
    }
    // No code, secret or challenge in the trail.
    const trail = JSON.stringify(await auditRows(h.core));
    expect(trail).not.toContain(secret);
    expect(trail).not.toContain(issued.challenge);
    for (const code of recoveryCodes) expect(trail).not.toContain(code);
  });
});
