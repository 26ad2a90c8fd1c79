import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'session',
  properties: {
    id: p.string().primary().length(40),
    userId: p.string().length(40).index('session_user_id_index'),
    // SHA-256 (hex) of the session secret.
    tokenHash: p.string().length(64).unique('session_token_hash_unique').hidden(),
    expiresAt: p.datetime(),
    createdAt: p.datetime(),
    lastSeenAt: p.datetime(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
  },
});

export type Session = InferEntity<typeof SessionSchema>;
