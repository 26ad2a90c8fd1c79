import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from './columns.js';

/**
 * The second step of a sign-in: issued when the password was right for a user with a second
 * factor. Not a session: it only lets `verifyMfa` finish, once, within minutes, and dies after
 * five wrong codes.
 */
export const MfaChallengeSchema = defineEntity({
  name: 'MfaChallenge',
  tableName: 'mfa_challenge',
  properties: {
    ...idColumn,
    userId: p.string().length(40).index('mfa_challenge_user_id_index'),
    // SHA-256 (hex) of the `ghc_…` secret.
    tokenHash: p.string().length(64).unique('mfa_challenge_token_hash_unique'),
    failures: p.integer().default(0),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    ...createdAtColumn,
  },
});

export type MfaChallenge = InferEntity<typeof MfaChallengeSchema>;
