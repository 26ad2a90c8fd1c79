import { LockMode } from '@mikro-orm/core';
import { MINUTE_MS } from '../clock.js';
import { checkPassword } from '../crypto/password-check.js';
import { hashToken, hasTokenShape } from '../crypto/tokens.js';
import { PasswordResetSchema, UserSchema } from '../entities/index.js';
import { DomainError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { passwordResetMessage } from '../mail/messages.js';
import { assertStrongPassword } from '../password-policy.js';
import {
  type ChangePasswordInput,
  changePasswordInput,
  type ResetPasswordInput,
  requestPasswordResetInput,
  resetPasswordInput,
} from '../schemas.js';
import { assertNotThrottled } from '../throttle/assert-not-throttled.js';
import { throttleKeyOfIp } from '../throttle/client-key.js';
import { clearApiToken } from './api-token.service.js';
import type { AuditLog } from './audit-log.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { SessionStore } from './session-store.js';

const INVALID_RESET = 'This password reset link is invalid, expired or already used';
const WRONG_CURRENT = 'Current password is incorrect';

/** Passwords: change (signed in) and reset by a mailed single-use link. */
export class PasswordService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
  ) {}

  /** Ends every other session of the user; the one that made the change (if any) stays valid. */
  async change(
    userId: string,
    input: ChangePasswordInput,
    meta: RequestMeta & { sessionId?: string | null } = {},
  ): Promise<{ ok: true }> {
    const { currentPassword, newPassword } = changePasswordInput.parse(input);
    const user = await this.deps.db.read().findOne(UserSchema, { id: userId });
    if (!user) throw notFound('User');
    // A stolen session must not become a way to guess the current password: same throttle as login.
    const throttleKey = `password-change|${userId}`;
    await assertNotThrottled(this.deps.throttle, throttleKey, 'wrong current passwords');
    const currentHash = user.passwordHash ?? null;
    if (!(await checkPassword(this.deps.hasher, currentHash, currentPassword))) {
      throw new DomainError('INVALID_CREDENTIALS', WRONG_CURRENT);
    }
    await this.deps.throttle.succeeded(throttleKey);
    assertStrongPassword(newPassword, user.email);
    const passwordHash = await this.deps.hasher.hash(newPassword);
    await this.deps.db.transaction(async (tx) => {
      const locked = await tx.findOne(
        UserSchema,
        { id: userId },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      // The password we verified must still be the current one (no concurrent change or reset).
      if (!locked || locked.passwordHash !== currentHash) {
        throw new DomainError('INVALID_CREDENTIALS', WRONG_CURRENT);
      }
      const now = this.deps.clock.now();
      locked.passwordHash = passwordHash;
      locked.updatedAt = now;
      await SessionStore.endAllOf(tx, userId, meta.sessionId ?? undefined);
      // Reset links asked for before the change are for a password that no longer exists.
      await tx.nativeUpdate(PasswordResetSchema, { userId, usedAt: null }, { usedAt: now });
      const actor = { ...meta, actorId: meta.actorId ?? userId };
      this.audit.record(tx, actor, { action: 'auth.password_changed', targetType: 'user', targetId: userId });
      // Whoever took over the account may have minted an API token: it ends with the old password.
      const revoked = clearApiToken(locked, now);
      if (revoked.had) {
        this.audit.record(tx, actor, {
          action: 'api_token.revoked',
          targetType: 'user',
          targetId: userId,
          metadata: { prefix: revoked.prefix, reason: 'password changed' },
        });
      }
    });
    return { ok: true };
  }

  /**
   * Always answers `{ ok: true }` at once, whether or not the email belongs to a user, so neither
   * the answer nor its timing tells that an account exists; the work happens after answering. At
   * most 3 mails per email and 20 per IP go out an hour (past that,
   * silently nothing), and a user has at most one live link: a new one replaces the old.
   */
  async requestReset(input: { email: string }, meta: RequestMeta = {}): Promise<{ ok: true }> {
    const { email } = requestPasswordResetInput.parse(input);
    this.deps.background.run('password reset request', () => this.sendResetLink(email, meta));
    return { ok: true };
  }

  private async sendResetLink(email: string, meta: RequestMeta): Promise<void> {
    const { perEmail, perIp } = this.deps.resetLimits;
    // Counted whether or not the account exists, so the limits say nothing about that either.
    if ((await perEmail.consume(email)) > 0 || (await perIp.consume(throttleKeyOfIp(meta.ip))) > 0) return;
    const user = await this.deps.db.read().findOne(UserSchema, { email });
    if (!user) return;
    const now = this.deps.clock.now();
    const token = this.deps.tokens.generate('passwordReset');
    const expiresAt = new Date(now.getTime() + this.deps.config.passwordResetTtlMinutes * MINUTE_MS);
    await this.deps.db.transaction(async (tx) => {
      // One live link per user: the one mailed before this is dead from now on.
      await tx.nativeUpdate(PasswordResetSchema, { userId: user.id, usedAt: null }, { usedAt: now });
      tx.create(PasswordResetSchema, {
        id: newId('passwordReset'),
        userId: user.id,
        tokenHash: hashToken(token),
        expiresAt,
        createdAt: now,
      });
    });
    const resetUrl = `${this.deps.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    await this.deps.mailer
      .send(passwordResetMessage({ to: user.email, resetUrl, expiresAt }))
      .catch((error: unknown) => {
        this.deps.onWarning(`password reset mail to user ${user.id} could not be sent`, error);
      });
  }

  /** Single use: the token is consumed atomically; every session of the user ends. */
  async reset(input: ResetPasswordInput, meta: RequestMeta = {}): Promise<{ ok: true }> {
    const { token, newPassword } = resetPasswordInput.parse(input);
    if (!hasTokenShape(token, 'passwordReset')) throw new DomainError('INVALID_TOKEN', INVALID_RESET);
    const tokenHash = hashToken(token);
    const em = this.deps.db.read();
    const now = this.deps.clock.now();
    const reset = await em.findOne(PasswordResetSchema, { tokenHash, usedAt: null, expiresAt: { $gt: now } });
    const user = reset ? await em.findOne(UserSchema, { id: reset.userId }) : null;
    if (!reset || !user) throw new DomainError('INVALID_TOKEN', INVALID_RESET);
    assertStrongPassword(newPassword, user.email);
    const passwordHash = await this.deps.hasher.hash(newPassword);
    await this.deps.db.transaction(async (tx) => {
      // Locks in the order every credential change takes them: the user row, then reset links.
      const locked = await tx.findOne(UserSchema, { id: user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!locked) throw new DomainError('INVALID_TOKEN', INVALID_RESET);
      const usedAt = this.deps.clock.now();
      const consumed = await tx.nativeUpdate(
        PasswordResetSchema,
        { id: reset.id, usedAt: null, expiresAt: { $gt: usedAt } },
        { usedAt },
      );
      if (consumed === 0) throw new DomainError('INVALID_TOKEN', INVALID_RESET);
      // Other outstanding links of this user die too: the password they were for is gone.
      await tx.nativeUpdate(PasswordResetSchema, { userId: user.id, usedAt: null }, { usedAt });
      locked.passwordHash = passwordHash;
      locked.updatedAt = usedAt;
      await SessionStore.endAllOf(tx, user.id);
      const actor = { ...meta, actorId: meta.actorId ?? user.id };
      this.audit.record(tx, actor, { action: 'auth.password_reset', targetType: 'user', targetId: user.id });
      // Whoever took over the account may have minted an API token: it ends with the old password.
      const revoked = clearApiToken(locked, usedAt);
      if (revoked.had) {
        this.audit.record(tx, actor, {
          action: 'api_token.revoked',
          targetType: 'user',
          targetId: user.id,
          metadata: { prefix: revoked.prefix, reason: 'password reset' },
        });
      }
    });
    return { ok: true };
  }

  /** Deletes reset links that are used or expired (the audit trail keeps the story). */
  async purgeSpentResets(): Promise<number> {
    return this.deps.db.read().nativeDelete(PasswordResetSchema, {
      $or: [{ usedAt: { $ne: null } }, { expiresAt: { $lte: this.deps.clock.now() } }],
    });
  }
}
