import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idColumn, timestampColumns } from './columns.js';

/** A user's TOTP authenticator: pending until a code from it is confirmed; one per user. */
export const TotpFactorSchema = defineEntity({
  name: 'TotpFactor',
  tableName: 'totp_factor',
  properties: {
    ...idColumn,
    userId: p.string().length(40).unique('totp_factor_user_id_unique'),
    // The base32 secret sealed with the encryption key (crypto/secret-box.ts), never in plaintext.
    // Null only in a broken row, which then matches no code.
    secretSealed: p.text().nullable(),
    confirmedAt: p.datetime().nullable(),
    // The last time step a code was accepted for: that step and earlier ones are refused (replay).
    lastUsedStep: p.bigint('number').nullable(),
    ...timestampColumns,
  },
});

export type TotpFactor = InferEntity<typeof TotpFactorSchema>;
