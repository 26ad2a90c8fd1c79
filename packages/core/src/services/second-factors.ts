import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { MINUTE_MS } from '../clock.js';
import {
  hashRecoveryCode,
  newRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODES_PER_SET,
} from '../crypto/recovery-codes.js';
import { matchTotpStep, totpCodeShape } from '../crypto/totp.js';
import { webauthn } from '../crypto/webauthn.js';
import {
  MfaChallengeSchema,
  PasskeySchema,
  RecoveryCodeSchema,
  TotpFactorSchema,
  type User,
  WebauthnChallengeSchema,
} from '../entities/index.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import type { PasskeyAssertion } from '../schemas.js';
import type { ServiceDeps } from './deps.js';

/** How a second factor was proved. */
export type FactorMethod = 'totp' | 'recovery' | 'passkey';

export type FactorCheck =
  | { ok: true; method: FactorMethod; userId: string; recoveryCodesLeft: number | null }
  | { ok: false; method: FactorMethod | null; reason: string };

/** WebAuthn ceremonies live this long (the browser's own timeout is a minute). */
export const WEBAUTHN_CHALLENGE_MINUTES = 5;

/** The relying party, from PUBLIC_URL only (never from a request's Host or Origin). */
export function relyingPartyOf(publicUrl: string) {
  const url = new URL(publicUrl);
  return { rpID: url.hostname, origin: url.origin, rpName: 'Gatehouse' };
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The challenge a WebAuthn response signed, read from its clientDataJSON (null if unreadable). */
export function challengeOfResponse(clientDataJSON: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof parsed.challenge === 'string' && parsed.challenge.length <= 512 ? parsed.challenge : null;
  } catch {
    return null;
  }
}

/**
 * Checking and keeping second factors, inside the caller's transaction: a TOTP code (its time step
 * recorded atomically, so a code works once), a recovery code (spent atomically), a passkey
 * assertion (its ceremony consumed). Whoever calls decides what a success opens.
 */
export class SecondFactors {
  readonly rp: { rpID: string; origin: string; rpName: string };

  constructor(private readonly deps: ServiceDeps) {
    this.rp = relyingPartyOf(deps.config.publicUrl);
  }

  /**
   * The factors the user can complete a sign-in with. A user counts as having MFA when the flag
   * says so or any factor row exists (a confirmed TOTP, even one whose secret is missing, or a
   * passkey): a broken factor leaves the user unable to pass with the password alone.
   */
  async methodsOf(em: EntityManager, user: Pick<User, 'id' | 'mfaEnabled'>) {
    const totp = await em.count(TotpFactorSchema, { userId: user.id, confirmedAt: { $ne: null } });
    const passkeys = await em.count(PasskeySchema, { userId: user.id });
    const recovery = await em.count(RecoveryCodeSchema, { userId: user.id, usedAt: null });
    const methods: FactorMethod[] = [];
    if (totp > 0) methods.push('totp');
    if (recovery > 0) methods.push('recovery');
    if (passkeys > 0) methods.push('passkey');
    return { hasMfa: user.mfaEnabled || totp > 0 || passkeys > 0, methods };
  }

  /** A TOTP code or a recovery code of `userId`. */
  async checkCode(em: EntityManager, userId: string, code: string): Promise<FactorCheck> {
    const digits = totpCodeShape(code);
    if (digits) return this.checkTotp(em, userId, digits);
    const recovery = normalizeRecoveryCode(code);
    if (!recovery) return { ok: false, method: null, reason: 'malformed' };
    const now = this.deps.clock.now();
    const spent = await em.nativeUpdate(
      RecoveryCodeSchema,
      { userId, codeHash: hashRecoveryCode(userId, recovery), usedAt: null },
      { usedAt: now },
    );
    if (spent !== 1) return { ok: false, method: 'recovery', reason: 'wrong' };
    const left = await em.count(RecoveryCodeSchema, { userId, usedAt: null });
    return { ok: true, method: 'recovery', userId, recoveryCodesLeft: left };
  }

  /** A six-digit TOTP code of the user's confirmed authenticator, each time step once. */
  async checkTotp(em: EntityManager, userId: string, code: string): Promise<FactorCheck> {
    const factor = await em.findOne(TotpFactorSchema, { userId, confirmedAt: { $ne: null } });
    if (!factor) return { ok: false, method: 'totp', reason: 'no TOTP' };
    if (!factor.secretSealed) return { ok: false, method: 'totp', reason: 'broken factor' };
    let secret: string;
    try {
      secret = await this.deps.secrets.open(factor.secretSealed, userId);
    } catch (error) {
      // No key configured: the server's fault, not a wrong code (503, nothing counted).
      if (error instanceof DomainError) throw error;
      return { ok: false, method: 'totp', reason: 'unreadable secret' };
    }
    const step = matchTotpStep(secret, code, this.deps.clock.now());
    if (step === null) return { ok: false, method: 'totp', reason: 'wrong' };
    // Atomic: of two uses of one code (or of any step not after the last used one), one wins.
    const recorded = await em.nativeUpdate(
      TotpFactorSchema,
      { id: factor.id, $or: [{ lastUsedStep: null }, { lastUsedStep: { $lt: step } }] },
      { lastUsedStep: step, updatedAt: this.deps.clock.now() },
    );
    if (recorded !== 1) return { ok: false, method: 'totp', reason: 'replayed' };
    return { ok: true, method: 'totp', userId, recoveryCodesLeft: null };
  }

  /**
   * Options for `navigator.credentials.get()`, the ceremony remembered for one use. `offerUserId`
   * lists that user's passkeys to the browser (without it any discoverable passkey may answer);
   * a ceremony made for a sign-in challenge (`mfaChallengeId`) is bound to that challenge's user.
   */
  async authenticationOptions(
    em: EntityManager,
    scope: { offerUserId: string | null; mfaChallengeId: string | null },
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const passkeys = scope.offerUserId ? await em.find(PasskeySchema, { userId: scope.offerUserId }) : [];
    const options = await (await webauthn()).generateAuthenticationOptions({
      rpID: this.rp.rpID,
      userVerification: 'required',
      allowCredentials: passkeys.map((passkey) => ({
        id: passkey.credentialId,
        ...(passkey.transports ? { transports: passkey.transports } : {}),
      })),
      timeout: 60_000,
    });
    this.rememberCeremony(em, 'authentication', options.challenge, {
      userId: scope.mfaChallengeId ? scope.offerUserId : null,
      mfaChallengeId: scope.mfaChallengeId,
    });
    return options;
  }

  rememberCeremony(
    em: EntityManager,
    kind: 'registration' | 'authentication',
    challenge: string,
    scope: { userId: string | null; mfaChallengeId: string | null },
  ): void {
    const now = this.deps.clock.now();
    em.create(WebauthnChallengeSchema, {
      id: newId('webauthnChallenge'),
      kind,
      challengeHash: sha256(challenge),
      userId: scope.userId,
      mfaChallengeId: scope.mfaChallengeId,
      expiresAt: new Date(now.getTime() + WEBAUTHN_CHALLENGE_MINUTES * MINUTE_MS),
      createdAt: now,
    });
  }

  /**
   * Finds and consumes (deletes) the live ceremony whose challenge the response signed. Null when
   * there is none: unknown, expired, used, or of another kind.
   */
  async consumeCeremony(em: EntityManager, kind: 'registration' | 'authentication', clientDataJSON: string) {
    const challenge = challengeOfResponse(clientDataJSON);
    if (!challenge) return null;
    const ceremony = await em.findOne(
      WebauthnChallengeSchema,
      { challengeHash: sha256(challenge), kind, expiresAt: { $gt: this.deps.clock.now() } },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!ceremony) return null;
    const removed = await em.nativeDelete(WebauthnChallengeSchema, { id: ceremony.id });
    if (removed !== 1) return null;
    return { challenge, userId: ceremony.userId ?? null, mfaChallengeId: ceremony.mfaChallengeId ?? null };
  }

  /**
   * A passkey assertion (user verification required) against a ceremony this server made. `expect`
   * narrows whose passkey and which sign-in challenge it must be; on success the passkey's counter
   * and last use are updated.
   */
  async checkPasskey(
    em: EntityManager,
    response: PasskeyAssertion,
    expect: { userId: string | null; mfaChallengeId: string | null },
  ): Promise<FactorCheck> {
    const fail = (reason: string): FactorCheck => ({ ok: false, method: 'passkey', reason });
    const ceremony = await this.consumeCeremony(em, 'authentication', response.response.clientDataJSON);
    if (!ceremony) return fail('unknown or expired ceremony');
    if (ceremony.mfaChallengeId !== expect.mfaChallengeId) return fail('ceremony of another sign-in');
    const passkey = await em.findOne(PasskeySchema, { credentialId: response.id });
    if (!passkey) return fail('unknown passkey');
    if (expect.userId && passkey.userId !== expect.userId) return fail("another user's passkey");
    if (ceremony.userId && passkey.userId !== ceremony.userId) return fail("another user's passkey");
    try {
      const verification = await (await webauthn()).verifyAuthenticationResponse({
        response,
        expectedChallenge: ceremony.challenge,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.rpID,
        requireUserVerification: true,
        credential: {
          id: passkey.credentialId,
          publicKey: Buffer.from(passkey.publicKey, 'base64url'),
          counter: passkey.counter,
          ...(passkey.transports ? { transports: passkey.transports } : {}),
        },
      });
      if (!verification.verified) return fail('not verified');
      passkey.counter = verification.authenticationInfo.newCounter;
      passkey.backedUp = verification.authenticationInfo.credentialBackedUp;
    } catch {
      return fail('not verified');
    }
    passkey.lastUsedAt = this.deps.clock.now();
    return { ok: true, method: 'passkey', userId: passkey.userId, recoveryCodesLeft: null };
  }

  /** A new set of recovery codes for the user, replacing any old set; the plaintexts, once. */
  async replaceRecoveryCodes(em: EntityManager, userId: string): Promise<string[]> {
    await em.nativeDelete(RecoveryCodeSchema, { userId });
    const now = this.deps.clock.now();
    const codes = Array.from({ length: RECOVERY_CODES_PER_SET }, newRecoveryCode);
    for (const code of codes) {
      em.create(RecoveryCodeSchema, {
        id: newId('recoveryCode'),
        userId,
        codeHash: hashRecoveryCode(userId, normalizeRecoveryCode(code) as string),
        createdAt: now,
      });
    }
    return codes;
  }

  /**
   * Sets `user.mfaEnabled` from the factors left (call with the user row locked). Without any
   * factor the recovery codes are worthless, so they go.
   */
  async recount(em: EntityManager, user: User): Promise<void> {
    await em.flush();
    const totp = await em.count(TotpFactorSchema, { userId: user.id, confirmedAt: { $ne: null } });
    const passkeys = await em.count(PasskeySchema, { userId: user.id });
    user.mfaEnabled = totp + passkeys > 0;
    if (!user.mfaEnabled) await em.nativeDelete(RecoveryCodeSchema, { userId: user.id });
  }
}

/** A random WebAuthn user handle is not needed: the user id (opaque, stable) is the handle. */
export const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.from(userId, 'utf8'));

/** Deletes every second factor of the user and their open ceremonies; says what there was. */
export async function removeSecondFactors(em: EntityManager, userId: string) {
  const totp = await em.nativeDelete(TotpFactorSchema, { userId });
  const passkeys = await em.nativeDelete(PasskeySchema, { userId });
  const recoveryCodes = await em.nativeDelete(RecoveryCodeSchema, { userId });
  await em.nativeDelete(WebauthnChallengeSchema, { userId });
  await em.nativeDelete(MfaChallengeSchema, { userId });
  return { totp: totp > 0, passkeys, recoveryCodes };
}
