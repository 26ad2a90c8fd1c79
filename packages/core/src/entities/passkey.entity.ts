import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtColumn, idColumn } from './columns.js';

/** A WebAuthn credential of a user (a passkey), usable as a second factor or to sign in alone. */
export const PasskeySchema = defineEntity({
  name: 'Passkey',
  tableName: 'passkey',
  properties: {
    ...idColumn,
    userId: p.string().length(40).index('passkey_user_id_index'),
    name: p.string().length(100),
    // The credential id (base64url) as the authenticator reports it; unique across users.
    credentialId: p.string().length(1024).unique('passkey_credential_id_unique'),
    // COSE public key (base64url): public, but only ever used here.
    publicKey: p.text(),
    counter: p.bigint('number').default(0),
    transports: p.json<string[]>().nullable(),
    deviceType: p.string().length(32).nullable(),
    backedUp: p.boolean().default(false),
    ...createdAtColumn,
    lastUsedAt: p.datetime().nullable(),
  },
});

export type Passkey = InferEntity<typeof PasskeySchema>;
