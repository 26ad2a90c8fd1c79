import { LockMode } from '@mikro-orm/core';
import { displayPrefix, hashToken } from '../crypto/tokens.js';
import { type User, UserSchema } from '../entities/index.js';
import { notFound } from '../errors.js';
import { idSchema } from '../schemas.js';
import type { AuditLog } from './audit-log.js';
import type { RequestMeta, ServiceDeps } from './deps.js';

export interface GeneratedApiToken {
  /** Shown once; only its hash is kept. */
  token: string;
  prefix: string;
  createdAt: string;
}

/**
 * Ends the user's API token (on the entity; the caller's unit of work saves it). Says whether there
 * was one, and its display prefix for the audit trail.
 */
export function clearApiToken(user: User, now: Date): { had: boolean; prefix: string | null } {
  if (!user.apiTokenHash) return { had: false, prefix: null };
  const prefix = user.apiTokenPrefix ?? null;
  user.apiTokenHash = null;
  user.apiTokenPrefix = null;
  user.apiTokenCreatedAt = null;
  user.apiTokenLastUsedAt = null;
  user.updatedAt = now;
  return { had: true, prefix };
}

/** The one personal API token per user: generate (replacing any) and revoke. */
export class ApiTokenService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
  ) {}

  /** Replaces the user's API token; the plaintext is returned once and never stored. */
  async generate(userId: string, meta: RequestMeta = {}): Promise<GeneratedApiToken> {
    idSchema.parse(userId);
    const token = this.deps.tokens.generate('apiToken');
    const prefix = displayPrefix(token);
    const createdAt = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      const user = await em.findOne(UserSchema, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
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

  async revoke(userId: string, meta: RequestMeta = {}): Promise<{ ok: true }> {
    idSchema.parse(userId);
    await this.deps.db.transaction(async (em) => {
      const user = await em.findOne(UserSchema, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw notFound('User');
      const revoked = clearApiToken(user, this.deps.clock.now());
      if (!revoked.had) return;
      this.audit.record(em, meta, {
        action: 'api_token.revoked',
        targetType: 'user',
        targetId: userId,
        metadata: { prefix: revoked.prefix },
      });
    });
    return { ok: true };
  }
}
