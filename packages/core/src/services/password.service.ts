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
      this.audit.record(
        tx,
        { ...meta, actorId: meta.actorId ?? userId },
        { action: 'auth.password_changed', targetType: 'user', targetId: userId },
      );
    });
    return { ok: true };
  }

  /**
   * Always answers `{ ok: true }`, whether or not the email belongs to a user, so it cannot be
   * used to find accounts. The mail goes after commit; a failed send is reported, not thrown.
   */
  async requestReset(input: { email: string }): Promise<{ ok: true }> {
    const { email } = requestPasswordResetInput.parse(input);
    const user = await this.deps.db.read().findOne(UserSchema, { email });
    if (!user) return { ok: true };
    const now = this.deps.clock.now();
    const token = this.deps.tokens.generate('passwordReset');
    const expiresAt = new Date(now.getTime() + this.deps.config.passwordResetTtlMinutes * MINUTE_MS);
    await this.deps.db.transaction(async (tx) => {
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
        { action: 'auth.password_reset', targetType: 'user', targetId: user.id },
      );
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
