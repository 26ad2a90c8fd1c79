import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ROLES } from '../roles.js';
import { idColumn, timestampColumns } from './columns.js';

export const InviteSchema = defineEntity({
  name: 'Invite',
  tableName: 'invite',
  properties: {
    ...idColumn,
    userEmail: p.string().length(320),
    role: p.enum([...ROLES]).default('member'),
    accepted: p.boolean().default(false),
    acceptedAt: p.datetime().nullable(),
    // SHA-256 (hex) of the invite secret; the secret itself is never stored.
    token: p.string().length(64).hidden(),
    expiresAt: p.datetime(),
    invitedBy: p.string().length(40).nullable(),
    revokedAt: p.datetime().nullable(),
    metadata: p.json<Record<string, unknown>>().nullable(),
    ...timestampColumns,
  },
  indexes: [{ properties: ['userEmail'], name: 'invite_user_email_index' }],
  uniques: [
    { properties: ['token'], name: 'invite_token_unique' },
    {
      // At most one open (not accepted, not revoked) invite per email: creating again reuses it.
      name: 'invite_open_email_unique',
      expression:
        'create unique index "invite_open_email_unique" on "invite" ("user_email") where "accepted" = false and "revoked_at" is null',
    },
  ],
});

export type Invite = InferEntity<typeof InviteSchema>;
