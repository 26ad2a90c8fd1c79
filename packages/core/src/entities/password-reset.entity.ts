import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from './columns.js';

export const PasswordResetSchema = defineEntity({
  name: 'PasswordReset',
  tableName: 'password_reset',
  properties: {
    ...idColumn,
    userId: p.string().length(40).index('password_reset_user_id_index'),
    // SHA-256 (hex) of the reset secret.
    tokenHash: p.string().length(64).unique('password_reset_token_hash_unique').hidden(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    ...createdAtColumn,
  },
});

export type PasswordReset = InferEntity<typeof PasswordResetSchema>;
