import { type SessionDto, toSessionDto } from '../dto.js';
import { SessionSchema } from '../entities/index.js';
import { notFound } from '../errors.js';
import { idSchema } from '../schemas.js';
import type { AuditLog } from './audit-log.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { SessionStore } from './session-store.js';

/** Where a user is signed in: list, end one, end all, sign out; and clearing expired rows. */
export class SessionService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
  ) {}

  /** Signs out: ends this session (audited as `auth.logout`). */
  async logout(sessionId: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    await this.deps.db.transaction(async (em) => {
      const session = await em.findOne(SessionSchema, { id: sessionId });
      if (!session) return;
      em.remove(session);
      this.audit.record(
        em,
        { ...meta, actorId: meta.actorId ?? session.userId },
        { action: 'auth.logout', targetType: 'user', targetId: session.userId },
      );
    });
    return { ok: true };
  }

  /** The user's live sessions, newest first (at most 100), marking the caller's own. */
  async list(userId: string, currentSessionId: string | null = null): Promise<SessionDto[]> {
    idSchema.parse(userId);
    const sessions = await this.deps.db
      .read()
      .find(
        SessionSchema,
        { userId, expiresAt: { $gt: this.deps.clock.now() } },
        { orderBy: { id: 'desc' }, limit: 100 },
      );
    return sessions.map((session) => toSessionDto(session, currentSessionId));
  }

  /** Ends one of the user's sessions by id (another browser, a lost laptop). */
  async revoke(userId: string, sessionId: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    idSchema.parse(userId);
    idSchema.parse(sessionId);
    await this.deps.db.transaction(async (em) => {
      const removed = await em.nativeDelete(SessionSchema, { id: sessionId, userId });
      if (removed === 0) throw notFound('Session');
      this.audit.record(
        em,
        { ...meta, actorId: meta.actorId ?? userId },
        { action: 'auth.session_revoked', targetType: 'session', targetId: sessionId },
      );
    });
    return { ok: true };
  }

  /** Ends every session of the user ("sign out everywhere"); returns how many ended. */
  async endAll(userId: string, meta: RequestMeta = {}): Promise<number> {
    idSchema.parse(userId);
    return this.deps.db.transaction(async (em) => {
      const ended = await SessionStore.endAllOf(em, userId);
      this.audit.record(
        em,
        { ...meta, actorId: meta.actorId ?? userId },
        { action: 'auth.logout_all', targetType: 'user', targetId: userId, metadata: { ended } },
      );
      return ended;
    });
  }

  /** Deletes sessions past their expiry: they can never authenticate again. Returns how many. */
  async purgeExpired(): Promise<number> {
    return this.deps.db.read().nativeDelete(SessionSchema, { expiresAt: { $lte: this.deps.clock.now() } });
  }
}
