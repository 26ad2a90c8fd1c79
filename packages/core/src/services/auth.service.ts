import { LockMode } from '@mikro-orm/core';
import { MINUTE_MS } from '../clock.js';
import { checkPassword } from '../crypto/password-check.js';
import { hashToken, hasTokenShape } from '../crypto/tokens.js';
import { userBySessionHash } from '../db/user-reads.js';
import { toUserDto, type UserDto } from '../dto.js';
import { UserSchema } from '../entities/index.js';
import { DomainError, notFound } from '../errors.js';
import { type LoginInput, loginInput } from '../schemas.js';
import { assertNotThrottled } from '../throttle/assert-not-throttled.js';
import { throttleKeyOfIp } from '../throttle/client-key.js';
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

const INVALID_CREDENTIALS = 'Invalid email or password';
/** Session and API-token use is recorded at most this often: authentication stays a read. */
const LAST_USE_RESOLUTION_MS = MINUTE_MS;

/** Who is calling: sign-in with a password (throttled) and resolving a session or API token. */
export class AuthService {
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
    const throttleKey = `${throttleKeyOfIp(meta.ip)}|${email}`;
    await assertNotThrottled(this.deps.throttle, throttleKey, 'failed sign-in attempts');

    const em = this.deps.db.read();
    const user = await em.findOne(UserSchema, { email });
    const hash = user?.passwordHash ?? null;
    // The same scrypt work, user or not (checkPassword pads and uses dummy hashes as needed).
    const valid = await checkPassword(this.deps.hasher, hash, password).catch(async (error: unknown) => {
      // Too busy to check the password: the attempt was never judged, so it does not count.
      if (error instanceof DomainError && error.code === 'BUSY')
        await this.deps.throttle.notJudged(throttleKey);
      throw error;
    });
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
    const upgradedHash =
      hash && this.deps.hasher.needsRehash(hash) ? await this.deps.hasher.hash(password) : null;
    return this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      // Re-read under a row lock: a password change, reset or delete that committed while we were
      // verifying wins, and this login (with its rehash and new session) must not undo it.
      const fresh = await tx.findOne(
        UserSchema,
        { id: user.id },
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
      return { user: toUserDto(fresh), ...session };
    });
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
    return { user: found.user, via: 'session', sessionId: found.sessionId };
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
