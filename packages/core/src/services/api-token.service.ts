import { LockMode } from '@mikro-orm/core';
import { displayPrefix, hashToken } from '../crypto/tokens.js';
import { UserSchema } from '../entities/index.js';
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
}
