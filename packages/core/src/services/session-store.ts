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

/** Session rows: opaque random tokens stored hashed, with expiry. */
export const SessionStore = {
  issue(
    em: EntityManager,
    deps: Pick<ServiceDeps, 'clock' | 'tokens' | 'config'>,
    userId: string,
    meta: RequestMeta,
    /** Set when a second factor was checked for this sign-in (the step-up window starts now). */
    mfaVerifiedAt: Date | null = null,
  ): IssuedSession {
    const now = deps.clock.now();
    const token = deps.tokens.generate('session');
    const expiresAt = new Date(now.getTime() + deps.config.sessionTtlHours * HOUR_MS);
    const session = em.create(SessionSchema, {
      id: newId('session'),
      userId,
      tokenHash: hashToken(token),
      expiresAt,
      createdAt: now,
      lastSeenAt: now,
      ip: meta.ip?.slice(0, 64) ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      mfaVerifiedAt,
    });
    return { sessionId: session.id, token, expiresAt };
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
