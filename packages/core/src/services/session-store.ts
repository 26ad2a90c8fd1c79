import type { EntityManager } from '@mikro-orm/postgresql';
import { HOUR_MS } from '../clock.js';
import { hashToken } from '../crypto/tokens.js';
import { SessionSchema } from '../entities/index.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import type { RequestMeta, ServiceDeps } from './deps.js';

export interface IssuedSession {
  sessionId: string;
  /** The bearer secret for the cookie; shown once, stored only as its hash. */
  token: string;
  expiresAt: Date;
}

/** A new session's row, and the secret that only the client gets. */
export interface NewSession {
  token: string;
  row: {
    id: string;
    userId: string;
    tokenHash: string;
    expiresAt: Date;
    createdAt: Date;
    lastSeenAt: Date;
    ip: string | null;
    userAgent: string | null;
    mfaVerifiedAt: Date | null;
  };
}

/** Session rows: opaque random tokens stored hashed, with expiry. */
export const SessionStore = {
  /** What a new session of `userId` is made of (the ORM and the one-statement sign-in both write it). */
  newSession(
    deps: Pick<ServiceDeps, 'clock' | 'tokens' | 'config'>,
    userId: string,
    meta: RequestMeta,
    /** Set when a second factor was checked for this sign-in (the step-up window starts now). */
    mfaVerifiedAt: Date | null = null,
  ): NewSession {
    const now = deps.clock.now();
    const token = deps.tokens.generate('session');
    return {
      token,
      row: {
        id: newId('session'),
        userId,
        tokenHash: hashToken(token),
        expiresAt: new Date(now.getTime() + deps.config.sessionTtlHours * HOUR_MS),
        createdAt: now,
        lastSeenAt: now,
        ip: meta.ip?.slice(0, 64) ?? null,
        userAgent: meta.userAgent?.slice(0, 512) ?? null,
        mfaVerifiedAt,
      },
    };
  },

  issue(
    em: EntityManager,
    deps: Pick<ServiceDeps, 'clock' | 'tokens' | 'config'>,
    userId: string,
    meta: RequestMeta,
    mfaVerifiedAt: Date | null = null,
  ): IssuedSession {
    const { token, row } = SessionStore.newSession(deps, userId, meta, mfaVerifiedAt);
    em.create(SessionSchema, row);
    return { sessionId: row.id, token, expiresAt: row.expiresAt };
  },

  /** Records a second-factor check on the session (step-up). */
  async markVerified(em: EntityManager, sessionId: string, userId: string, at: Date): Promise<void> {
    const updated = await em.nativeUpdate(SessionSchema, { id: sessionId, userId }, { mfaVerifiedAt: at });
    if (updated !== 1) throw new DomainError('UNAUTHENTICATED', 'This session has ended; sign in again');
  },

  /** Ends every session of the user, except `keepSessionId` when given. */
  async endAllOf(em: EntityManager, userId: string, keepSessionId?: string): Promise<number> {
    return em.nativeDelete(
      SessionSchema,
      keepSessionId ? { userId, id: { $ne: keepSessionId } } : { userId },
    );
  },
};
