import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../src/crypto/totp.js';
import { DomainError } from '../src/errors.js';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, dumpAllTables, outcomes, sql, warmPool } from './helpers.js';
import { challengeFor, codeAt, enrolTotp, TOTP_STEP_MS } from './mfa-helpers.js';

const h = useTestCore();
const IP = '10.1.0.1';

const member = (email = 'totp@example.com') => h.core.users.create({ email, password: STRONG_PASSWORD });

describe('TOTP enrolment', () => {
  it('start gives a base32 secret and an otpauth:// URL; pending until a code is confirmed', async () => {
    const user = await member();
    const { secret, otpauthUrl } = await h.core.mfa.startTotp(user.id);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
    expect(decodeURIComponent(url.pathname)).toContain('totp@example.com');

    // Pending: not a factor yet, sign-in needs no second step.
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(false);
    expect((await h.core.mfa.status(user)).totp).toBe(false);
    const signIn = await h.core.auth.signIn({ email: user.email, password: STRONG_PASSWORD }, { ip: IP });
    expect(signIn.mfaRequired).toBe(false);

    await expect(h.core.mfa.confirmTotp(user.id, '000000')).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });
    const { recoveryCodes } = await h.core.mfa.confirmTotp(user.id, codeAt(h, secret));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(true);
    expect(await h.core.mfa.status(user)).toEqual({
      totp: true,
      passkeys: [],
      recoveryCodesLeft: 10,
      required: false,
    });
    expect((await auditRows(h.core, 'mfa.totp_enabled')).map((row) => row.target_id)).toEqual([user.id]);
    expect(await auditRows(h.core, 'mfa.recovery_codes_generated')).toHaveLength(1);
  });

  it('a new start replaces a pending secret (the old one no longer confirms); refused once active', async () => {
    const user = await member();
    const first = await h.core.mfa.startTotp(user.id);
    const second = await h.core.mfa.startTotp(user.id);
    expect(second.secret).not.toBe(first.secret);
    await expect(h.core.mfa.confirmTotp(user.id, codeAt(h, first.secret))).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });
    await h.core.mfa.confirmTotp(user.id, codeAt(h, second.secret));
    await expect(h.core.mfa.startTotp(user.id)).rejects.toMatchObject({ code: 'MFA_ALREADY_ENABLED' });
  });

  it('secrets are sealed at rest: no base32 secret in any table, and a row copied to another user does not open', async () => {
    const user = await member();
    const { secret, recoveryCodes } = await enrolTotp(h, user.id);
    const dump = await dumpAllTables(h.core);
    expect(dump).not.toContain(secret);
    expect(dump.toLowerCase()).not.toContain(secret.toLowerCase());
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replaceAll('-', ''));
    }
    const [row] = await sql<{ secret_sealed: string }>(h.core, 'select secret_sealed from totp_factor');
    expect(row?.secret_sealed).toMatch(/^v1\./);

    // The sealed secret is bound to its user: moved to another user's row, it matches no code.
    const other = await member('other@example.com');
    const { secret: otherSecret } = await enrolTotp(h, other.id);
    await sql(h.core, 'update totp_factor set secret_sealed = ? where user_id = ?', [
      row?.secret_sealed,
      other.id,
    ]);
    const challenge = await challengeFor(h.core, other.email);
    for (const candidate of [secret, otherSecret]) {
      await expect(
        h.core.auth.verifyMfa({ challenge: challenge.challenge, code: codeAt(h, candidate) }, { ip: IP }),
      ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
    }
  });

  it('disable (and removing the last factor) drops the recovery codes and the flag', async () => {
    const user = await member();
    await enrolTotp(h, user.id);
    await h.core.mfa.disableTotp(user.id, { actorId: user.id });
    expect(await h.core.mfa.status(user)).toMatchObject({ totp: false, recoveryCodesLeft: 0 });
    expect((await h.core.users.get(user.id)).mfaEnabled).toBe(false);
    expect(await auditRows(h.core, 'mfa.totp_disabled')).toHaveLength(1);
    await expect(h.core.mfa.disableTotp(user.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Signs in with the password alone again.
    expect((await h.core.auth.signIn({ email: user.email, password: STRONG_PASSWORD })).mfaRequired).toBe(
      false,
    );
  });
});

describe('TOTP codes: drift, replay and races', () => {
  it('accepts ±1 step of drift and refuses ±2 (injected clock)', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const base = h.clock.now().getTime();
    // Each accepted code spends its step and every earlier one, so walk forward in time.
    const cases: [offsetSteps: number, accepted: boolean][] = [
      [-2, false],
      [-1, true],
      [0, true],
      [1, true],
      [2, false],
    ];
    let step = 0;
    for (const [offset, accepted] of cases) {
      // Move the server clock 3 steps on per case, so earlier steps never shadow later ones.
      step += 3;
      h.clock.set(new Date(base + step * TOTP_STEP_MS));
      const code = codeAt(h, secret, offset);
      const challenge = await challengeFor(h.core, user.email);
      const attempt = h.core.auth.verifyMfa({ challenge: challenge.challenge, code }, { ip: IP });
      if (accepted)
        await expect(attempt, `offset ${offset}`).resolves.toMatchObject({ user: { id: user.id } });
      else await expect(attempt, `offset ${offset}`).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
    }
  });

  it('a code (its time step) works once: replay refused, at sign-in and at step-up', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const code = codeAt(h, secret);
    const first = await challengeFor(h.core, user.email);
    const session = await h.core.auth.verifyMfa({ challenge: first.challenge, code }, { ip: IP });
    const second = await challengeFor(h.core, user.email);
    await expect(
      h.core.auth.verifyMfa({ challenge: second.challenge, code }, { ip: IP }),
    ).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });
    const principal = await h.core.auth.authenticateSession(session.token);
    if (!principal) throw new Error('no session');
    await expect(h.core.mfa.stepUp(principal, { code }, { ip: IP })).rejects.toMatchObject({
      code: 'INVALID_MFA_CODE',
    });
    // An earlier step (still inside the ±1 window) is refused too, once a later one was used.
    await expect(
      h.core.mfa.stepUp(principal, { code: codeAt(h, secret, -1) }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
    // The next step works.
    h.clock.advance(TOTP_STEP_MS);
    await expect(
      h.core.mfa.stepUp(principal, { code: codeAt(h, secret) }, { ip: IP }),
    ).resolves.toMatchObject({
      ok: true,
    });
    const failures = await auditRows(h.core, 'auth.mfa_failed');
    expect(failures.map((row) => row.metadata?.reason)).toEqual(['replayed', 'replayed', 'replayed']);
  });

  it('concurrent uses of one code on different challenges: exactly one session', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const challenges = [];
    for (let i = 0; i < 8; i += 1)
      challenges.push((await challengeFor(h.core, user.email, `10.9.0.${i}`)).challenge);
    const code = codeAt(h, secret);
    await warmPool(h.core, 10);
    const results = await Promise.allSettled(
      challenges.map((challenge, i) => h.core.auth.verifyMfa({ challenge, code }, { ip: `10.9.0.${i}` })),
    );
    const { fulfilled, codes, unexpected } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(fulfilled).toHaveLength(1);
    expect(codes).toEqual(Array(7).fill('INVALID_MFA_CODE'));
    const [row] = await sql<{ n: number }>(h.core, 'select count(*)::int as n from session');
    expect(row?.n).toBe(1);
  });

  it('a code is checked against the time of the injected clock, not the machine', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    const challenge = await challengeFor(h.core, user.email);
    const machineNowCode = totpCodeAt(secret, new Date());
    const clockCode = codeAt(h, secret);
    if (machineNowCode !== clockCode) {
      await expect(
        h.core.auth.verifyMfa({ challenge: challenge.challenge, code: machineNowCode }, { ip: IP }),
      ).rejects.toBeInstanceOf(DomainError);
    }
    await expect(
      h.core.auth.verifyMfa({ challenge: challenge.challenge, code: clockCode }, { ip: IP }),
    ).resolves.toMatchObject({ user: { id: user.id } });
  });
});

describe('a broken factor never lets the password alone through', () => {
  it('a confirmed TOTP row without a secret still demands the second step, and no code passes', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    await sql(h.core, 'update totp_factor set secret_sealed = null');
    const challenge = await challengeFor(h.core, user.email);
    expect(challenge.methods).toContain('totp');
    await expect(
      h.core.auth.verifyMfa({ challenge: challenge.challenge, code: codeAt(h, secret) }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
    await expect(h.core.auth.login({ email: user.email, password: STRONG_PASSWORD })).rejects.toMatchObject({
      code: 'MFA_REQUIRED',
    });
  });

  it('a garbled ciphertext is a wrong code, not a server error; a confirmed row counts even if the flag was lost', async () => {
    const user = await member();
    const { secret } = await enrolTotp(h, user.id);
    await sql(h.core, `update totp_factor set secret_sealed = 'v1.AAAA.BBBB.CCCC'`);
    await sql(h.core, 'update "user" set mfa_enabled = false');
    const challenge = await challengeFor(h.core, user.email);
    await expect(
      h.core.auth.verifyMfa({ challenge: challenge.challenge, code: codeAt(h, secret) }, { ip: IP }),
    ).rejects.toMatchObject({ code: 'INVALID_MFA_CODE' });
    expect(await sql(h.core, 'select 1 from session')).toHaveLength(0);
  });
});
