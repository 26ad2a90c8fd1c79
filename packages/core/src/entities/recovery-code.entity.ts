import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from './columns.js';

/** One recovery code of a user's current set, stored hashed (crypto/recovery-codes.ts); single use. */
export const RecoveryCodeSchema = defineEntity({
  name: 'RecoveryCode',
  tableName: 'recovery_code',
  properties: {
    ...idColumn,
    userId: p.string().length(40).index('recovery_code_user_id_index'),
    codeHash: p.string().length(64).unique('recovery_code_code_hash_unique'),
    usedAt: p.datetime().nullable(),
    ...createdAtColumn,
  },
});

export type RecoveryCode = InferEntity<typeof RecoveryCodeSchema>;
