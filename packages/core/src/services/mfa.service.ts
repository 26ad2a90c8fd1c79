import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { MINUTE_MS } from '../clock.js';
import { newTotpSecret, otpauthUrl, totpCodeShape } from '../crypto/totp.js';
import { webauthn } from '../crypto/webauthn.js';
import { type MfaStatusDto, type PasskeyDto, toPasskeyDto, type UserDto } from '../dto.js';
import {
  PasskeySchema,
  RecoveryCodeSchema,
  TotpFactorSchema,
  type User,
  UserSchema,
} from '../entities/index.js';
import { DomainError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Role } from '../roles.js';
import {
  idSchema,
  type RegisterPasskeyInput,
  type RenamePasskeyInput,
  registerPasskeyInput,
  renamePasskeyInput,
  type StepUpInput,
  stepUpInput,
  totpConfirmInput,
} from '../schemas.js';
import { assertNotThrottled } from '../throttle/assert-not-throttled.js';
import { throttleKeyOfIp } from '../throttle/client-key.js';
import type { AuditLog } from './audit-log.js';
import type { Principal } from './auth.service.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { type FactorCheck, removeSecondFactors, type SecondFactors, userHandleOf } from './second-factors.js';
import { SessionStore } from './session-store.js';

/** A user has at most this many passkeys (each is a row and a line in allowCredentials). */
const MAX_PASSKEYS = 20;

export interface TotpEnrolment {
  /** RFC 4648 base32, to type into an authenticator app; shown once (stored only sealed). */
  secret: string;
  /** For the QR code. */
  otpauthUrl: string;
}

export interface RegisteredPasskey extends PasskeyDto {
  /** A new set when this passkey is the user's first factor, else empty. Shown once. */
  recoveryCodes: string[];
}

const INVALID_CODE = 'That code is not valid (wrong, expired or already used)';

/**
 * A user's second factors (TOTP, passkeys, recovery codes), the per-role enrolment rule, step-up
 * for sensitive actions, and the admin's reset. Every change locks the user row, keeps
 * `user.mfaEnabled` right and is audited in the same transaction.
 */
export class MfaService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
    private readonly factors: SecondFactors,
  ) {}

  /** The role requires a second factor and the user has none: they may only enrol. */
  enrolmentRequired(user: { role: Role; mfaEnabled: boolean }): boolean {
    return !user.mfaEnabled && this.deps.config.mfaRequiredRoles.includes(user.role);
  }

  assertEnrolled(user: { role: Role; mfaEnabled: boolean }): void {
    if (this.enrolmentRequired(user)) {
      throw new DomainError(
        'MFA_ENROLLMENT_REQUIRED',
        'Your role requires a second factor: set up an authenticator app or a passkey first',
      );
    }
  }

  /**
   * Sensitive actions: a caller with MFA on a browser session needs a second-factor check on that
   * session within MFA_STEP_UP_MINUTES. API-token callers and users without MFA pass.
   */
  assertSteppedUp(principal: Principal): void {
    if (principal.via !== 'session' || !principal.user.mfaEnabled) return;
    const verifiedAt = principal.mfaVerifiedAt?.getTime();
    const window = this.deps.config.mfaStepUpMinutes * MINUTE_MS;
    if (verifiedAt !== undefined && this.deps.clock.now().getTime() - verifiedAt < window) return;
    throw new DomainError(
      'STEP_UP_REQUIRED',
      'Confirm it is you with your second factor (auth.stepUp), then try again',
    );
  }

  async status(user: Pick<UserDto, 'id' | 'role'>): Promise<MfaStatusDto> {
    idSchema.parse(user.id);
    const em = this.deps.db.read();
    const totp = await em.count(TotpFactorSchema, { userId: user.id, confirmedAt: { $ne: null } });
    const passkeys = await em.find(PasskeySchema, { userId: user.id }, { orderBy: { id: 'asc' } });
    const left = await em.count(RecoveryCodeSchema, { userId: user.id, usedAt: null });
    return {
      totp: totp > 0,
      passkeys: passkeys.map(toPasskeyDto),
      recoveryCodesLeft: left,
      required: this.deps.config.mfaRequiredRoles.includes(user.role),
    };
  }

  /** A new pending TOTP secret (replacing a pending one); active only after `confirmTotp`. */
  async startTotp(userId: string): Promise<TotpEnrolment> {
    idSchema.parse(userId);
    const secret = newTotpSecret();
    const sealed = await this.deps.secrets.seal(secret, userId);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      const existing = await em.findOne(TotpFactorSchema, { userId });
      if (existing?.confirmedAt) {
        throw new DomainError(
          'MFA_ALREADY_ENABLED',
          'An authenticator app is already set up: remove it before adding another',
        );
      }
      const now = this.deps.clock.now();
      if (existing) {
        existing.secretSealed = sealed;
        existing.lastUsedStep = null;
        existing.createdAt = now;
        existing.updatedAt = now;
      } else {
        em.create(TotpFactorSchema, {
          id: newId('totpFactor'),
          userId,
          secretSealed: sealed,
          confirmedAt: null,
          lastUsedStep: null,
          createdAt: now,
          updatedAt: now,
        });
      }
      return { secret, otpauthUrl: otpauthUrl(secret, user.email) };
    });
  }

  /** Activates the pending TOTP with a code from it; the first factor also gets recovery codes. */
  async confirmTotp(
    userId: string,
    code: string,
    meta: RequestMeta = {},
  ): Promise<{ recoveryCodes: string[] }> {
    idSchema.parse(userId);
    const { code: given } = totpConfirmInput.parse({ code });
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      const pending = await em.findOne(TotpFactorSchema, { userId, confirmedAt: null });
      if (!pending) throw new DomainError('MFA_NOT_ENABLED', 'Start the authenticator set-up first');
      // Confirmed first (inside this transaction), so the same step check as sign-in applies.
      pending.confirmedAt = this.deps.clock.now();
      await em.flush();
      const digits = totpCodeShape(given);
      const check = digits ? await this.factors.checkTotp(em, userId, digits) : null;
      if (!check?.ok) throw new DomainError('INVALID_MFA_CODE', INVALID_CODE);
      const first = !user.mfaEnabled;
      const recoveryCodes = first ? await this.factors.replaceRecoveryCodes(em, userId) : [];
      user.mfaEnabled = true;
      user.updatedAt = this.deps.clock.now();
      this.audit.record(em, meta, { action: 'mfa.totp_enabled', targetType: 'user', targetId: userId });
      if (first) this.#auditCodes(em, meta, userId, 'first factor');
      return { recoveryCodes };
    });
  }

  async disableTotp(userId: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    idSchema.parse(userId);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      const removed = await em.nativeDelete(TotpFactorSchema, { userId });
      if (removed === 0) throw notFound('Authenticator app');
      await this.factors.recount(em, user);
      user.updatedAt = this.deps.clock.now();
      this.audit.record(em, meta, { action: 'mfa.totp_disabled', targetType: 'user', targetId: userId });
      return { ok: true as const };
    });
  }

  /** Options for `navigator.credentials.create()`: a discoverable passkey with user verification. */
  async passkeyRegistrationOptions(userId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    idSchema.parse(userId);
    return this.deps.db.transaction(async (em) => {
      const user = await em.findOne(UserSchema, { id: userId });
      if (!user) throw notFound('User');
      const existing = await em.find(PasskeySchema, { userId });
      const { rpID, rpName } = this.factors.rp;
      const options = await (await webauthn()).generateRegistrationOptions({
        rpName,
        rpID,
        userName: user.email,
        userID: userHandleOf(user.id),
        userDisplayName: [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email,
        attestationType: 'none',
        excludeCredentials: existing.map((passkey) => ({
          id: passkey.credentialId,
          ...(passkey.transports ? { transports: passkey.transports } : {}),
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        timeout: 60_000,
      });
      this.factors.rememberCeremony(em, 'registration', options.challenge, { userId, mfaChallengeId: null });
      return options;
    });
  }

  /** Verifies and keeps a new passkey of the user (from options this server made for them). */
  async registerPasskey(
    userId: string,
    input: RegisterPasskeyInput,
    meta: RequestMeta = {},
  ): Promise<RegisteredPasskey> {
    idSchema.parse(userId);
    const { name, passkey: response } = registerPasskeyInput.parse(input);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      const ceremony = await this.factors.consumeCeremony(
        em,
        'registration',
        response.response.clientDataJSON,
      );
      const refused = () =>
        new DomainError('INVALID_MFA_CODE', 'The passkey could not be verified; try again');
      if (!ceremony || ceremony.userId !== userId) throw refused();
      let verified: VerifiedRegistrationResponse;
      try {
        verified = await (await webauthn()).verifyRegistrationResponse({
          response,
          expectedChallenge: ceremony.challenge,
          expectedOrigin: this.factors.rp.origin,
          expectedRPID: this.factors.rp.rpID,
          requireUserVerification: true,
        });
      } catch {
        throw refused();
      }
      if (!verified.verified) throw refused();
      const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
      if (await em.count(PasskeySchema, { credentialId: credential.id })) {
        throw new DomainError('PASSKEY_TAKEN', 'This passkey is already registered');
      }
      if ((await em.count(PasskeySchema, { userId })) >= MAX_PASSKEYS) {
        throw new DomainError('INVALID_INPUT', `At most ${MAX_PASSKEYS} passkeys per user: remove one first`);
      }
      const now = this.deps.clock.now();
      const transports = response.response.transports ?? credential.transports ?? null;
      const passkey = em.create(PasskeySchema, {
        id: newId('passkey'),
        userId,
        name,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports,
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
        createdAt: now,
        lastUsedAt: null,
      });
      const first = !user.mfaEnabled;
      const recoveryCodes = first ? await this.factors.replaceRecoveryCodes(em, userId) : [];
      user.mfaEnabled = true;
      user.updatedAt = now;
      this.audit.record(em, meta, {
        action: 'mfa.passkey_added',
        targetType: 'user',
        targetId: userId,
        metadata: { passkeyId: passkey.id, name },
      });
      if (first) this.#auditCodes(em, meta, userId, 'first factor');
      return { ...toPasskeyDto(passkey), recoveryCodes };
    });
  }

  async renamePasskey(userId: string, input: RenamePasskeyInput): Promise<PasskeyDto> {
    idSchema.parse(userId);
    const { id, name } = renamePasskeyInput.parse(input);
    return this.deps.db.transaction(async (em) => {
      const passkey = await em.findOne(PasskeySchema, { id, userId });
      if (!passkey) throw notFound('Passkey');
      passkey.name = name;
      return toPasskeyDto(passkey);
    });
  }

  async removePasskey(userId: string, id: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    idSchema.parse(userId);
    idSchema.parse(id);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      const passkey = await em.findOne(PasskeySchema, { id, userId });
      if (!passkey) throw notFound('Passkey');
      em.remove(passkey);
      await this.factors.recount(em, user);
      user.updatedAt = this.deps.clock.now();
      this.audit.record(em, meta, {
        action: 'mfa.passkey_removed',
        targetType: 'user',
        targetId: userId,
        metadata: { passkeyId: passkey.id, name: passkey.name },
      });
      return { ok: true as const };
    });
  }

  /** A new set of 10 recovery codes; the old set stops working. Needs a factor. */
  async regenerateRecoveryCodes(
    userId: string,
    meta: RequestMeta = {},
  ): Promise<{ recoveryCodes: string[] }> {
    idSchema.parse(userId);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      if (!user.mfaEnabled) {
        throw new DomainError('MFA_NOT_ENABLED', 'Set up an authenticator app or a passkey first');
      }
      const recoveryCodes = await this.factors.replaceRecoveryCodes(em, userId);
      this.#auditCodes(em, meta, userId, 'regenerated');
      return { recoveryCodes };
    });
  }

  /**
   * Removes every second factor of the user (TOTP, passkeys, recovery codes, open challenges) and
   * ends their sessions: for an admin helping someone who lost their devices, or the operator's
   * break-glass CLI. The user signs in with their password alone next time (and must enrol again
   * if their role requires it).
   */
  async reset(userId: string, meta: RequestMeta = {}): Promise<{ ok: true; sessionsEnded: number }> {
    idSchema.parse(userId);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      const { totp, passkeys, recoveryCodes } = await removeSecondFactors(em, userId);
      const sessionsEnded = await SessionStore.endAllOf(em, userId);
      user.mfaEnabled = false;
      user.updatedAt = this.deps.clock.now();
      this.audit.record(em, meta, {
        action: 'mfa.reset',
        targetType: 'user',
        targetId: userId,
        metadata: { email: user.email, totp, passkeys, recoveryCodes, sessionsEnded },
      });
      return { ok: true as const, sessionsEnded };
    });
  }

  /**
   * A second-factor check on the caller's session: sensitive actions are open for
   * MFA_STEP_UP_MINUTES. Wrong codes count against the sign-in throttle of (IP, email).
   */
  async stepUp(
    principal: Principal,
    input: StepUpInput,
    meta: RequestMeta = {},
  ): Promise<{ ok: true; until: Date }> {
    const given = stepUpInput.parse(input);
    const sessionId = principal.sessionId;
    if (principal.via !== 'session' || !sessionId) {
      throw new DomainError(
        'INVALID_INPUT',
        'Only a signed-in browser session steps up (API tokens need not)',
      );
    }
    const userId = principal.user.id;
    const throttleKey = `${throttleKeyOfIp(meta.ip)}|${principal.user.email}`;
    await assertNotThrottled(this.deps.throttle, throttleKey, 'wrong codes');
    const result = await this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, userId);
      if (!(await this.factors.methodsOf(em, user)).hasMfa) {
        throw new DomainError('MFA_NOT_ENABLED', 'You have no second factor to confirm with');
      }
      const check: FactorCheck =
        'code' in given
          ? await this.factors.checkCode(em, userId, given.code)
          : await this.factors.checkPasskey(em, given.passkey, { userId, mfaChallengeId: null });
      if (!check.ok) {
        this.audit.record(em, meta, {
          action: 'auth.mfa_failed',
          targetType: 'user',
          targetId: userId,
          metadata: { during: 'step-up', method: check.method, reason: check.reason },
        });
        return null;
      }
      const now = this.deps.clock.now();
      await SessionStore.markVerified(em, sessionId, userId, now);
      this.audit.record(em, meta, {
        action: 'auth.step_up',
        targetType: 'user',
        targetId: userId,
        metadata: { method: check.method },
      });
      if (check.method === 'recovery') {
        this.audit.record(em, meta, {
          action: 'mfa.recovery_code_used',
          targetType: 'user',
          targetId: userId,
          metadata: { left: check.recoveryCodesLeft },
        });
      }
      return {
        ok: true as const,
        until: new Date(now.getTime() + this.deps.config.mfaStepUpMinutes * MINUTE_MS),
      };
    });
    if (!result) throw new DomainError('INVALID_MFA_CODE', INVALID_CODE);
    await this.deps.throttle.succeeded(throttleKey);
    return result;
  }

  #auditCodes(em: EntityManager, meta: RequestMeta, userId: string, reason: string): void {
    this.audit.record(em, meta, {
      action: 'mfa.recovery_codes_generated',
      targetType: 'user',
      targetId: userId,
      metadata: { reason },
    });
  }
}

async function lockUser(em: EntityManager, id: string): Promise<User> {
  const user = await em.findOne(UserSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!user) throw notFound('User');
  return user;
}
