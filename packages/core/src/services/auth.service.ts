import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { MINUTE_MS } from '../clock.js';
import { checkPassword } from '../crypto/password-check.js';
import { hashToken, hasTokenShape } from '../crypto/tokens.js';
import { accountByEmail, startSessionIfUnchanged } from '../db/password-sign-in.js';
import { userBySessionHash } from '../db/user-reads.js';
import { toUserDto, type UserDto, userDtoFromRow } from '../dto.js';
import { type MfaChallenge, MfaChallengeSchema, type User, UserSchema } from '../entities/index.js';
import { DomainError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import {
  type LoginInput,
  type LoginWithPasskeyInput,
  loginInput,
  loginWithPasskeyInput,
  type PasskeyOptionsInput,
  passkeyOptionsInput,
  type VerifyMfaInput,
  verifyMfaInput,
} from '../schemas.js';
import { assertNotThrottled } from '../throttle/assert-not-throttled.js';
import { throttleKeyOfIp } from '../throttle/client-key.js';
import type { AuditLog } from './audit-log.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import type { FactorCheck, FactorMethod, SecondFactors } from './second-factors.js';
import { SessionStore } from './session-store.js';

export interface LoginResult {
  user: UserDto;
  sessionId: string;
  /** Session secret for the cookie. */
  token: string;
  expiresAt: Date;
}

export interface Principal {
  user: UserDto;
  via: 'session' | 'apiToken';
  /** Set when authenticated by a session cookie. */
  sessionId: string | null;
  /** When a second factor was last checked on this session (sign-in or step-up), if ever. */
  mfaVerifiedAt?: Date | null;
}

/** The password was right and the user has a second factor: the sign-in continues with this. */
export interface MfaChallengeIssued {
  mfaRequired: true;
  /** `ghc_…`: single use, valid MFA_CHALLENGE_MINUTES, dies after MAX_WRONG_CODES wrong codes. */
  challenge: string;
  /** What the user can answer with. */
  methods: FactorMethod[];
  expiresAt: Date;
}

/** What a correct password gives: a session, or (for a user with MFA) a challenge to finish. */
export type SignInResult = ({ mfaRequired: false } & LoginResult) | MfaChallengeIssued;

/** A sign-in challenge lives this long. */
export const MFA_CHALLENGE_MINUTES = 5;
/** Wrong codes a challenge survives (the fifth kills it). */
export const MAX_WRONG_CODES = 5;
const INVALID_CODE = 'That code is not valid (wrong, expired or already used)';
const DEAD_CHALLENGE = 'This sign-in has expired or was used up: sign in again with your password';

const INVALID_CREDENTIALS = 'Invalid email or password';
/** Session and API-token use is recorded at most this often: authentication stays a read. */
const LAST_USE_RESOLUTION_MS = MINUTE_MS;

/** Who is calling: sign-in with a password (throttled) and resolving a session or API token. */
export class AuthService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
    private readonly factors: SecondFactors,
  ) {}

  /**
   * Password sign-in for callers that cannot do a second step (scripts, tests): a user with a
   * second factor gets MFA_REQUIRED and no session. The transports use `signIn`.
   */
  async login(input: LoginInput, meta: RequestMeta = {}): Promise<LoginResult> {
    const result = await this.signIn(input, meta);
    if (result.mfaRequired) {
      throw new DomainError('MFA_REQUIRED', 'This account has a second factor: finish signing in with it');
    }
    const { mfaRequired: _, ...session } = result;
    return session;
  }

  /**
   * One generic error for an unknown email and a wrong password, with one scrypt verification in
   * both cases. Failures are throttled per (IP, email); the account itself is never locked. A user
   * with a second factor gets a challenge instead of a session, and the throttle keeps counting
   * until the second step succeeds (so a known password does not buy unlimited code guesses).
   */
  async signIn(input: LoginInput, meta: RequestMeta = {}): Promise<SignInResult> {
    const { email, password } = loginInput.parse(input);
    const throttleKey = `${throttleKeyOfIp(meta.ip)}|${email}`;
    await assertNotThrottled(this.deps.throttle, throttleKey, 'failed sign-in attempts');

    const account = await accountByEmail(this.deps.db, email);
    const hash = account?.passwordHash ?? null;
    // The same scrypt work, user or not (checkPassword pads and uses dummy hashes as needed).
    const valid = await checkPassword(this.deps.hasher, hash, password).catch(async (error: unknown) => {
      // Too busy to check the password: the attempt was never judged, so it does not count.
      if (error instanceof DomainError && error.code === 'BUSY')
        await this.deps.throttle.notJudged(throttleKey);
      throw error;
    });
    if (!account || !hash || !valid) {
      await this.deps.db.transaction(async (tx) => {
        this.audit.record(
          tx,
          { ...meta, actorId: account?.id ?? null },
          {
            action: 'auth.login_failed',
            targetType: account ? 'user' : null,
            targetId: account?.id ?? null,
            metadata: { email },
          },
        );
      });
      throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }

    // Hash made at a lower cost than configured: upgrade it now that we know the password.
    const upgradedHash = this.deps.hasher.needsRehash(hash) ? await this.deps.hasher.hash(password) : null;
    if (!upgradedHash) {
      // The common case in one statement; anything else (a second factor, a password changed
      // meanwhile, a user gone) takes the general path below, which decides what it means.
      const session = SessionStore.newSession(this.deps, account.id, meta);
      const event = this.audit.eventRow(
        { ...meta, actorId: account.id },
        { action: 'auth.login', targetType: 'user', targetId: account.id, metadata: { rehashed: false } },
      );
      const user = await startSessionIfUnchanged(this.deps.db, {
        verifiedHash: hash,
        session: session.row,
        event,
      });
      if (user) {
        await this.deps.throttle.succeeded(throttleKey);
        const { id: sessionId, expiresAt } = session.row;
        return { mfaRequired: false, user: userDtoFromRow(user), sessionId, token: session.token, expiresAt };
      }
    }
    const result = await this.deps.db.transaction(async (tx): Promise<SignInResult> => {
      const now = this.deps.clock.now();
      // Re-read under a row lock: a password change, reset or delete that committed while we were
      // verifying wins, and this login (with its rehash and new session) must not undo it.
      const fresh = await tx.findOne(
        UserSchema,
        { id: account.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!fresh?.passwordHash) throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
      let rehashed = false;
      if (fresh.passwordHash !== hash) {
        // Changed meanwhile: by a concurrent login's rehash of this same password (fine), or by a
        // password change or reset (this login must not undo it). The password tells which.
        if (!(await this.deps.hasher.verify(fresh.passwordHash, password)))
          throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
      } else if (upgradedHash) {
        fresh.passwordHash = upgradedHash;
        rehashed = true;
      }
      const { hasMfa, methods } = await this.factors.methodsOf(tx, fresh);
      if (hasMfa) {
        const challenge = this.deps.tokens.generate('mfaChallenge');
        const expiresAt = new Date(now.getTime() + MFA_CHALLENGE_MINUTES * MINUTE_MS);
        tx.create(MfaChallengeSchema, {
          id: newId('mfaChallenge'),
          userId: fresh.id,
          tokenHash: hashToken(challenge),
          failures: 0,
          expiresAt,
          usedAt: null,
          createdAt: now,
        });
        await tx.flush();
        return { mfaRequired: true, challenge, methods, expiresAt };
      }
      fresh.lastLoginAt = now;
      const session = SessionStore.issue(tx, this.deps, fresh.id, meta);
      this.audit.record(
        tx,
        { ...meta, actorId: fresh.id },
        {
          action: 'auth.login',
          targetType: 'user',
          targetId: fresh.id,
          metadata: { rehashed },
        },
      );
      await tx.flush();
      return { mfaRequired: false, user: toUserDto(fresh), ...session };
    });
    if (!result.mfaRequired) await this.deps.throttle.succeeded(throttleKey);
    return result;
  }

  /**
   * The second step of a sign-in: a TOTP code, a recovery code or a passkey for the challenge's
   * user. Each attempt counts against the sign-in throttle of (IP, email); a wrong one also
   * against the challenge, which dies at the fifth. Success spends the challenge and starts a
   * session whose step-up window starts now.
   */
  async verifyMfa(input: VerifyMfaInput, meta: RequestMeta = {}): Promise<LoginResult> {
    const given = verifyMfaInput.parse(input);
    if (!hasTokenShape(given.challenge, 'mfaChallenge'))
      throw new DomainError('INVALID_TOKEN', DEAD_CHALLENGE);
    const tokenHash = hashToken(given.challenge);
    const found = await this.#liveChallenge(tokenHash);
    if (!found) throw new DomainError('INVALID_TOKEN', DEAD_CHALLENGE);
    const throttleKey = `${throttleKeyOfIp(meta.ip)}|${found.email}`;
    await assertNotThrottled(this.deps.throttle, throttleKey, 'wrong codes');

    const outcome = await this.deps.db.transaction(async (em) => {
      const now = this.deps.clock.now();
      // The user row first, then the challenge: the order of every use-case that changes a user's
      // factors (reset, delete), so they queue instead of deadlocking.
      const user = await em.findOne(
        UserSchema,
        { id: found.userId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const challenge = await em.findOne(
        MfaChallengeSchema,
        { tokenHash },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!user || !challenge || challenge.userId !== user.id || !isLive(challenge, now))
        return { kind: 'dead' as const };
      const check: FactorCheck =
        'code' in given
          ? await this.factors.checkCode(em, user.id, given.code)
          : await this.factors.checkPasskey(em, given.passkey, {
              userId: user.id,
              mfaChallengeId: challenge.id,
            });
      if (!check.ok) {
        challenge.failures += 1;
        this.audit.record(
          em,
          { ...meta, actorId: user.id },
          {
            action: 'auth.mfa_failed',
            targetType: 'user',
            targetId: user.id,
            metadata: {
              during: 'sign-in',
              method: check.method,
              reason: check.reason,
              failures: challenge.failures,
            },
          },
        );
        return { kind: 'wrong' as const };
      }
      challenge.usedAt = now;
      return { kind: 'ok' as const, session: this.#completeSignIn(em, user, meta, check, now) };
    });
    if (outcome.kind === 'dead') throw new DomainError('INVALID_TOKEN', DEAD_CHALLENGE);
    if (outcome.kind === 'wrong') throw new DomainError('INVALID_MFA_CODE', INVALID_CODE);
    await this.deps.throttle.succeeded(throttleKey);
    return outcome.session;
  }

  /**
   * WebAuthn request options: for a sign-in's second step (`challenge`: that user's passkeys), for
   * a signed-in user's step-up (`signedInUserId`: their passkeys), else for a passwordless sign-in
   * with any discoverable passkey. Each ceremony can be answered once, within minutes.
   */
  async passkeyOptions(
    input: PasskeyOptionsInput,
    signedInUserId: string | null = null,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { challenge } = passkeyOptionsInput.parse(input);
    if (challenge !== undefined) {
      const found = hasTokenShape(challenge, 'mfaChallenge')
        ? await this.#liveChallenge(hashToken(challenge))
        : null;
      if (!found) throw new DomainError('INVALID_TOKEN', DEAD_CHALLENGE);
      return this.deps.db.transaction((em) =>
        this.factors.authenticationOptions(em, { offerUserId: found.userId, mfaChallengeId: found.id }),
      );
    }
    return this.deps.db.transaction((em) =>
      this.factors.authenticationOptions(em, { offerUserId: signedInUserId, mfaChallengeId: null }),
    );
  }

  /** Passwordless sign-in with a passkey (user verification required): a session, step-up fresh. */
  async loginWithPasskey(input: LoginWithPasskeyInput, meta: RequestMeta = {}): Promise<LoginResult> {
    const { passkey } = loginWithPasskeyInput.parse(input);
    const outcome = await this.deps.db.transaction(async (em) => {
      const check = await this.factors.checkPasskey(em, passkey, { userId: null, mfaChallengeId: null });
      const user = check.ok
        ? await em.findOne(UserSchema, { id: check.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE })
        : null;
      if (!check.ok || !user) {
        this.audit.record(em, meta, {
          action: 'auth.login_failed',
          metadata: { method: 'passkey', reason: check.ok ? 'user gone' : check.reason },
        });
        return null;
      }
      return this.#completeSignIn(em, user, { ...meta, actorId: user.id }, check, this.deps.clock.now());
    });
    if (!outcome) throw new DomainError('INVALID_CREDENTIALS', 'That passkey could not sign you in');
    return outcome;
  }

  /** The sign-in's session, with the second factor recorded as checked now. */
  #completeSignIn(
    em: EntityManager,
    user: User,
    meta: RequestMeta,
    check: FactorCheck & { ok: true },
    now: Date,
  ) {
    user.lastLoginAt = now;
    const session = SessionStore.issue(em, this.deps, user.id, meta, now);
    const actor = { ...meta, actorId: user.id };
    this.audit.record(em, actor, {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      metadata: { method: check.method },
    });
    if (check.method === 'recovery') {
      this.audit.record(em, actor, {
        action: 'mfa.recovery_code_used',
        targetType: 'user',
        targetId: user.id,
        metadata: { left: check.recoveryCodesLeft },
      });
    }
    return { user: toUserDto(user), ...session };
  }

  /** A sign-in challenge that can still be answered, with its user's email (for the throttle). */
  async #liveChallenge(tokenHash: string) {
    const em = this.deps.db.read();
    const challenge = await em.findOne(MfaChallengeSchema, { tokenHash });
    if (!challenge || !isLive(challenge, this.deps.clock.now())) return null;
    const user = await em.findOne(UserSchema, { id: challenge.userId });
    return user ? { id: challenge.id, userId: user.id, email: user.email } : null;
  }

  /** Starts a session for a user who just proved who they are another way (an accepted invite). */
  async startSession(userId: string, meta: RequestMeta = {}): Promise<LoginResult> {
    return this.deps.db.transaction(async (em) => {
      const user = await em.findOne(UserSchema, { id: userId });
      if (!user) throw notFound('User');
      user.lastLoginAt = this.deps.clock.now();
      const session = SessionStore.issue(em, this.deps, user.id, meta);
      await em.flush();
      return { user: toUserDto(user), ...session };
    });
  }

  /**
   * Resolves a session cookie to its user, or null when unknown, expired or the user is gone.
   * The lookup is by the secret's SHA-256: an equality match on a hash of 256 random bits.
   */
  async authenticateSession(token: string): Promise<Principal | null> {
    if (!hasTokenShape(token, 'session')) return null;
    const now = this.deps.clock.now();
    const found = await userBySessionHash(this.deps.db, hashToken(token), now);
    if (!found) return null;
    if (now.getTime() - found.lastSeenAt.getTime() >= LAST_USE_RESOLUTION_MS) {
      await this.deps.db.sql('update "session" set last_seen_at = ? where id = ?', [now, found.sessionId]);
    }
    return {
      user: found.user,
      via: 'session',
      sessionId: found.sessionId,
      mfaVerifiedAt: found.mfaVerifiedAt,
    };
  }

  /** Resolves an `Authorization: Bearer` API token to its user, or null. */
  async authenticateApiToken(token: string): Promise<Principal | null> {
    if (!hasTokenShape(token, 'apiToken')) return null;
    const em = this.deps.db.read();
    const user = await em.findOne(UserSchema, { apiTokenHash: hashToken(token) });
    if (!user) return null;
    const now = this.deps.clock.now();
    const lastUsed = user.apiTokenLastUsedAt?.getTime() ?? 0;
    if (now.getTime() - lastUsed >= LAST_USE_RESOLUTION_MS) {
      await em.nativeUpdate(UserSchema, { id: user.id }, { apiTokenLastUsedAt: now });
    }
    return { user: toUserDto(user), via: 'apiToken', sessionId: null };
  }
}

const isLive = (challenge: MfaChallenge, now: Date) =>
  !challenge.usedAt && challenge.failures < MAX_WRONG_CODES && challenge.expiresAt.getTime() > now.getTime();
