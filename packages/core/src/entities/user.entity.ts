import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ROLES } from '../roles.js';
import { idColumn, timestampColumns } from './columns.js';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'user',
  properties: {
    ...idColumn,
    // Always stored trimmed and lower-cased (see normalizeEmail); unique among non-deleted users
    // through a partial index created in the migration.
    email: p.string().length(320),
    // Secrets. Entities never leave core (DTO builders copy named fields only), so these are not
    // marked hidden: MikroORM's Hidden brand makes nullable columns impossible to set to null.
    passwordHash: p.text().nullable(),
    firstName: p.string().length(200).nullable(),
    lastName: p.string().length(200).nullable(),
    role: p.enum([...ROLES]).default('member'),
    apiTokenHash: p.string().length(64).nullable(),
    apiTokenPrefix: p.string().length(32).nullable(),
    apiTokenCreatedAt: p.datetime().nullable(),
    apiTokenLastUsedAt: p.datetime().nullable(),
    metadata: p.json<Record<string, unknown>>().nullable(),
    ...timestampColumns,
    deletedAt: p.datetime().nullable(),
    lastLoginAt: p.datetime().nullable(),
    // Has a confirmed TOTP or a passkey: kept by the MFA use-cases in the transaction of each change.
    mfaEnabled: p.boolean().default(false),
  },
  // Soft-deleted users are gone for every query unless a query turns this filter off by name.
  filters: { notDeleted: { name: 'notDeleted', cond: { deletedAt: null }, default: true } },
  indexes: [{ properties: ['apiTokenHash'], name: 'user_api_token_hash_index' }],
  uniques: [
    {
      // Partial: a soft-deleted user's email can be used again.
      name: 'user_email_unique',
      expression: 'create unique index "user_email_unique" on "user" ("email") where "deleted_at" is null',
    },
  ],
});

export type User = InferEntity<typeof UserSchema>;
