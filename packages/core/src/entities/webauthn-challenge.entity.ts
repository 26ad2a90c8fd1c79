import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from './columns.js';

/**
 * A WebAuthn ceremony in progress: the random challenge the authenticator signs, found again by
 * the hash of the challenge in the response's clientDataJSON and consumed by its first use.
 */
export const WebauthnChallengeSchema = defineEntity({
  name: 'WebauthnChallenge',
  tableName: 'webauthn_challenge',
  properties: {
    ...idColumn,
    kind: p.enum(['registration', 'authentication'] as const),
    // SHA-256 (hex) of the base64url challenge.
    challengeHash: p.string().length(64).unique('webauthn_challenge_challenge_hash_unique'),
    // Whose ceremony it is: the registering user, the user of a sign-in's second step, or the
    // signed-in user stepping up; null for a passwordless sign-in (anyone's passkey).
    userId: p.string().length(40).nullable().index('webauthn_challenge_user_id_index'),
    // Set when the options were made for this sign-in challenge's second step.
    mfaChallengeId: p.string().length(40).nullable(),
    expiresAt: p.datetime(),
    ...createdAtColumn,
  },
});

export type WebauthnChallenge = InferEntity<typeof WebauthnChallengeSchema>;
