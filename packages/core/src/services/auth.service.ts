import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { MINUTE_MS } from '../clock.js';
import { digestsEqual, displayPrefix, hashToken, hasTokenShape } from '../crypto/tokens.js';
import { type SessionDto, toSessionDto, toUserDto, type UserDto } from '../dto.js';
import { PasswordResetSchema, SessionSchema, UserSchema } from '../entities/index.js';
import { DomainError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { passwordResetMessage } from '../mail/messages.js';
import { assertStrongPassword } from '../password-policy.js';
import {
  type ChangePasswordInput,
  changePasswordInput,
  idSchema,
  type LoginInput,
  loginInput,
  type ResetPasswordInput,
  requestPasswordResetInput,
  resetPasswordInput,
} from '../schemas.js';
import type { AuditLog } from './audit-log.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
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
}

export interface GeneratedApiToken {
  /** Shown once; only its hash is kept. */
  token: string;
  prefix: string;
  createdAt: string;
}

const INVALID_CREDENTIALS = 'Invalid email or password';
const INVALID_RESET = 'This password reset link is invalid, expired or already used';
/** API token use is recorded at most this often, to keep authentication read-only on the hot path. */
const LAST_USED_RESOLUTION_MS = MINUTE_MS;

/** Credentials: login and its throttling, sessions, password change and reset, API tokens. */
export class AuthService {
  #dummyHash: Promise<string> | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
  ) {}

  /**
   * One generic error for an unknown email and a wrong password, with one scrypt verification in
   * both cases. Failures are throttled per (IP, email); the account itself is never locked.
   */
  async login(input: LoginInput, meta: RequestMeta = {}): Promise<LoginResult> {
    const { email, password } = loginInput.parse(input);
    const throttleKey = `${meta.ip ?? 'unknown'}|${email}`;
    const retryAfterSeconds = await this.deps.throttle.attempt(throttleKey);
    if (retryAfterSeconds > 0) {
      throw new DomainError(
        'RATE_LIMITED',
        `Too many failed sign-in attempts; try again in ${retryAfterSeconds} s`,
        {
          retryAfterSeconds,
        },
      );
    }

    const em = this.deps.orm.em.fork();
    const user = await em.findOne(UserSchema, { email, deletedAt: null });
    const hash = user?.passwordHash ?? (await this.dummyHash());
    const valid = (await this.deps.hasher.verify(hash, password)) && Boolean(user?.passwordHash);

    if (!user || !valid) {
      await em.transactional(async (tx) => {
        this.audit.record(
          tx,
          { ...meta, actorId: user?.id ?? null },
          {
            action: 'auth.login_failed',
            targetType: user ? 'user' : null,
            targetId: user?.id ?? null,
            metadata: { email },
          },
        );
      });
      throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }

    await this.deps.throttle.succeeded(throttleKey);
    // Hash made at a lower cost than configured: upgrade it now that we know the password.
    const upgradedHash = this.deps.hasher.needsRehash(hash) ? await this.deps.hasher.hash(password) : null;
    return this.deps.orm.em.fork().transactional(async (tx) => {
      const now = this.deps.clock.now();
      // Re-read under a row lock: a password change, reset or delete that committed while we were
      // verifying wins, and this login (with its rehash and new session) must not undo it.
      const fresh = await tx.findOne(
        UserSchema,
        { id: user.id, deletedAt: null },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!fresh || fresh.passwordHash !== hash)
        throw new DomainError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
      if (upgradedHash) fresh.passwordHash = upgradedHash;
      fresh.lastLoginAt = now;
      const session = SessionStore.issue(tx, this.deps, fresh.id, meta);
      this.audit.record(
        tx,
        { ...meta, actorId: fresh.id },
        {
          action: 'auth.login',
          targetType: 'user',
          targetId: fresh.id,
          metadata: { rehashed: Boolean(upgradedHash) },
        },
      );
      await tx.flush();
      return { user: toUserDto(fresh), ...session };
    });
  }

  /** Starts a session for a user who just proved who they are another way (an accepted invite). */
  async startSession(userId: string, meta: RequestMeta = {}): Promise<LoginResult> {
    return this.deps.orm.em.fork().transactional(async (em) => {
      const user = await em.findOne(UserSchema, { id: userId, deletedAt: null });
      if (!user) throw notFound('User');
      user.lastLoginAt = this.deps.clock.now();
      const session = SessionStore.issue(em, this.deps, user.id, meta);
      await em.flush();
      return { user: toUserDto(user), ...session };
    });
  }

  /** Resolves a session cookie to its user, or null when unknown, expired or the user is gone. */
  async authenticateSession(token: string): Promise<Principal | null> {
    if (!hasTokenShape(token, 'session')) return null;
    const tokenHash = hashToken(token);
    const em = this.deps.orm.em.fork();
    const session = await em.findOne(SessionSchema, { tokenHash, expiresAt: { $gt: this.deps.clock.now() } });
    if (!session || !digestsEqual(session.tokenHash, tokenHash)) return null;
    const user = await em.findOne(UserSchema, { id: session.userId, deletedAt: null });
    return user ? { user: toUserDto(user), via: 'session', sessionId: session.id } : null;
  }

  /** Resolves an `Authorization: Bearer` API token to its user, or null. */
  async authenticateApiToken(token: string): Promise<Principal | null> {
    if (!hasTokenShape(token, 'apiToken')) return null;
    const tokenHash = hashToken(token);
    const em = this.deps.orm.em.fork();
    const user = await em.findOne(UserSchema, { apiTokenHash: tokenHash, deletedAt: null });
    if (!user?.apiTokenHash || !digestsEqual(user.apiTokenHash, tokenHash)) return null;
    const now = this.deps.clock.now();
    const lastUsed = user.apiTokenLastUsedAt?.getTime() ?? 0;
    if (now.getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(UserSchema, { id: user.id }, { apiTokenLastUsedAt: now });
    }
    return { user: toUserDto(user), via: 'apiToken', sessionId: null };
  }

  async logout(sessionId: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    await this.deps.orm.em.fork().transactional(async (em) => {
      const session = await em.findOne(SessionSchema, { id: sessionId });
      if (!session) return;
      em.remove(session);
      this.audit.record(
        em,
        { ...meta, actorId: meta.actorId ?? session.userId },
        {
          action: 'auth.logout',
          targetType: 'user',
          targetId: session.userId,
        },
      );
    });
    return { ok: true };
  }

  /** The user's live sessions, newest first (at most 100), marking the caller's own. */
  async listSessions(userId: string, currentSessionId: string | null = null): Promise<SessionDto[]> {
    idSchema.parse(userId);
    const sessions = await this.deps.orm.em
      .fork()
      .find(
        SessionSchema,
        { userId, expiresAt: { $gt: this.deps.clock.now() } },
        { orderBy: { id: 'desc' }, limit: 100 },
      );
    return sessions.map((session) => toSessionDto(session, currentSessionId));
  }

  /** Ends one of the user's sessions by id (another browser, a lost laptop). */
  async revokeSession(userId: string, sessionId: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    idSchema.parse(userId);
    idSchema.parse(sessionId);
    await this.deps.orm.em.fork().transactional(async (em) => {
      const removed = await em.nativeDelete(SessionSchema, { id: sessionId, userId });
      if (removed === 0) throw notFound('Session');
      this.audit.record(
        em,
        { ...meta, actorId: meta.actorId ?? userId },
        { action: 'auth.logout', targetType: 'user', targetId: userId, metadata: { sessionId } },
      );
    });
    return { ok: true };
  }

  /** Ends every session of the user (e.g. "sign out everywhere"). */
  async endAllSessions(userId: string, meta: RequestMeta = {}): Promise<number> {
    idSchema.parse(userId);
    return this.deps.orm.em.fork().transactional(async (em) => {
      const ended = await SessionStore.endAllOf(em, userId);
      this.audit.record(
        em,
        { ...meta, actorId: meta.actorId ?? userId },
        {
          action: 'auth.logout',
          targetType: 'user',
          targetId: userId,
          metadata: { allSessions: true, ended },
        },
      );
      return ended;
    });
  }

  /**
   * Deletes sessions past their expiry and reset links that are used or expired: they can never
   * authenticate again, and the audit trail keeps the story. Returns how many rows went.
   */
  async purgeExpired(): Promise<{ sessions: number; passwordResets: number }> {
    const now = this.deps.clock.now();
    const em = this.deps.orm.em.fork();
    const sessions = await em.nativeDelete(SessionSchema, { expiresAt: { $lte: now } });
    const passwordResets = await em.nativeDelete(PasswordResetSchema, {
      $or: [{ usedAt: { $ne: null } }, { expiresAt: { $lte: now } }],
    });
    return { sessions, passwordResets };
  }

  /** Ends every other session of the user; the one that made the change (if any) stays valid. */
  async changePassword(
    userId: string,
    input: ChangePasswordInput,
    meta: RequestMeta & { sessionId?: string | null } = {},
  ): Promise<{ ok: true }> {
    const { currentPassword, newPassword } = changePasswordInput.parse(input);
    const em = this.deps.orm.em.fork();
    const user = await em.findOne(UserSchema, { id: userId, deletedAt: null });
    if (!user) throw notFound('User');
    // A stolen session must not become a way to guess the current password: same throttle as login.
    const throttleKey = `password-change|${userId}`;
    const retryAfterSeconds = await this.deps.throttle.attempt(throttleKey);
    if (retryAfterSeconds > 0) {
      throw new DomainError(
        'RATE_LIMITED',
        `Too many wrong current passwords; try again in ${retryAfterSeconds} s`,
        {
          retryAfterSeconds,
        },
      );
    }
    const currentHash = user.passwordHash ?? (await this.dummyHash());
    if (!user.passwordHash || !(await this.deps.hasher.verify(currentHash, currentPassword))) {
      throw new DomainError('INVALID_CREDENTIALS', 'Current password is incorrect');
    }
    await this.deps.throttle.succeeded(throttleKey);
    assertStrongPassword(newPassword, user.email);
    const passwordHash = await this.deps.hasher.hash(newPassword);
    await em.transactional(async (tx) => {
      const locked = await tx.findOne(
        UserSchema,
        { id: userId, deletedAt: null },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      // The password we verified must still be the current one (no concurrent change or reset).
      if (!locked || locked.passwordHash !== currentHash) {
        throw new DomainError('INVALID_CREDENTIALS', 'Current password is incorrect');
      }
      const now = this.deps.clock.now();
      locked.passwordHash = passwordHash;
      locked.updatedAt = now;
      await SessionStore.endAllOf(tx, userId, meta.sessionId ?? undefined);
      // Reset links asked for before the change are for a password that no longer exists.
      await tx.nativeUpdate(PasswordResetSchema, { userId, usedAt: null }, { usedAt: now });
      this.audit.record(
        tx,
        { ...meta, actorId: meta.actorId ?? userId },
        {
          action: 'auth.password_changed',
          targetType: 'user',
          targetId: userId,
        },
      );
    });
    return { ok: true };
  }

  /**
   * Always answers `{ ok: true }`, whether or not the email belongs to a user, so it cannot be
   * used to find accounts. The mail goes after commit; a failed send is reported, not thrown.
   */
  async requestPasswordReset(input: { email: string }): Promise<{ ok: true }> {
    const { email } = requestPasswordResetInput.parse(input);
    const em = this.deps.orm.em.fork();
    const user = await em.findOne(UserSchema, { email, deletedAt: null });
    if (!user) return { ok: true };
    const now = this.deps.clock.now();
    const token = this.deps.tokens.generate('passwordReset');
    const expiresAt = new Date(now.getTime() + this.deps.config.passwordResetTtlMinutes * MINUTE_MS);
    await em.transactional(async (tx) => {
      tx.create(PasswordResetSchema, {
        id: newId('passwordReset'),
        userId: user.id,
        tokenHash: hashToken(token),
        expiresAt,
        createdAt: now,
      });
    });
    const resetUrl = `${this.deps.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    // Not awaited: how long a mail server takes must not tell a caller that the account exists.
    this.deps.mailer
      .send(passwordResetMessage({ to: user.email, resetUrl, expiresAt }))
      .catch((error: unknown) => {
        this.deps.onWarning(`password reset mail to user ${user.id} could not be sent`, error);
      });
    return { ok: true };
  }

  /** Single use: the token is consumed atomically; every session of the user ends. */
  async resetPassword(input: ResetPasswordInput, meta: RequestMeta = {}): Promise<{ ok: true }> {
    const { token, newPassword } = resetPasswordInput.parse(input);
    if (!hasTokenShape(token, 'passwordReset')) throw new DomainError('INVALID_TOKEN', INVALID_RESET);
    const tokenHash = hashToken(token);
    const em = this.deps.orm.em.fork();
    const now = this.deps.clock.now();
    const reset = await em.findOne(PasswordResetSchema, { tokenHash, usedAt: null, expiresAt: { $gt: now } });
    const user = reset ? await em.findOne(UserSchema, { id: reset.userId, deletedAt: null }) : null;
    if (!reset || !user) throw new DomainError('INVALID_TOKEN', INVALID_RESET);
    assertStrongPassword(newPassword, user.email);
    const passwordHash = await this.deps.hasher.hash(newPassword);
    await em.transactional(async (tx) => {
      const usedAt = this.deps.clock.now();
      const consumed = await tx.nativeUpdate(
        PasswordResetSchema,
        { id: reset.id, usedAt: null, expiresAt: { $gt: usedAt } },
        { usedAt },
      );
      if (consumed === 0) throw new DomainError('INVALID_TOKEN', INVALID_RESET);
      // Other outstanding links of this user die too: the password they were for is gone.
      await tx.nativeUpdate(PasswordResetSchema, { userId: user.id, usedAt: null }, { usedAt });
      await tx.nativeUpdate(UserSchema, { id: user.id }, { passwordHash, updatedAt: usedAt });
      await SessionStore.endAllOf(tx, user.id);
      this.audit.record(
        tx,
        { ...meta, actorId: meta.actorId ?? user.id },
        {
          action: 'auth.password_reset',
          targetType: 'user',
          targetId: user.id,
        },
      );
    });
    return { ok: true };
  }

  /** Replaces the user's API token; the plaintext is returned once and never stored. */
  async generateApiToken(userId: string, meta: RequestMeta = {}): Promise<GeneratedApiToken> {
    idSchema.parse(userId);
    const token = this.deps.tokens.generate('apiToken');
    const prefix = displayPrefix(token);
    const createdAt = this.deps.clock.now();
    await this.deps.orm.em.fork().transactional(async (em) => {
      const user = await em.findOne(
        UserSchema,
        { id: userId, deletedAt: null },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!user) throw notFound('User');
      user.apiTokenHash = hashToken(token);
      user.apiTokenPrefix = prefix;
      user.apiTokenCreatedAt = createdAt;
      user.apiTokenLastUsedAt = null;
      user.updatedAt = createdAt;
      this.audit.record(em, meta, {
        action: 'api_token.generated',
        targetType: 'user',
        targetId: userId,
        metadata: { prefix },
      });
    });
    return { token, prefix, createdAt: createdAt.toISOString() };
  }

  async revokeApiToken(userId: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    idSchema.parse(userId);
    await this.deps.orm.em.fork().transactional(async (em) => {
      const user = await em.findOne(
        UserSchema,
        { id: userId, deletedAt: null },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!user) throw notFound('User');
      if (!user.apiTokenHash) return;
      const prefix = user.apiTokenPrefix;
      user.apiTokenHash = null;
      user.apiTokenPrefix = null;
      user.apiTokenCreatedAt = null;
      user.apiTokenLastUsedAt = null;
      user.updatedAt = this.deps.clock.now();
      this.audit.record(em, meta, {
        action: 'api_token.revoked',
        targetType: 'user',
        targetId: userId,
        metadata: { prefix },
      });
    });
    return { ok: true };
  }

  /** A real scrypt hash (of a random secret) at the configured cost, for equal work on unknown emails. */
  private dummyHash(): Promise<string> {
    this.#dummyHash ??= this.deps.hasher.hash(randomBytes(32).toString('base64'));
    return this.#dummyHash;
  }
}
