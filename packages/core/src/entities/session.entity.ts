import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from './columns.js';

export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'session',
  properties: {
    ...idColumn,
    userId: p.string().length(40).index('session_user_id_index'),
    // SHA-256 (hex) of the session secret.
    tokenHash: p.string().length(64).unique('session_token_hash_unique').hidden(),
    expiresAt: p.datetime(),
    ...createdAtColumn,
    lastSeenAt: p.datetime(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
    // When a second factor was last checked on this session (sign-in or step-up): sensitive
    // actions need it within MFA_STEP_UP_MINUTES.
    mfaVerifiedAt: p.datetime().nullable(),
  },
});

export type Session = InferEntity<typeof SessionSchema>;
