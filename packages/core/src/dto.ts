import type { AuditAction } from './audit-actions.js';
import type { AuditEvent, Invite, Passkey, Session, User } from './entities/index.js';
import type { InviteStatus } from './invite-status.js';
import type { Role } from './roles.js';

/**
 * What leaves core. Built by one function per entity, field by field, so a secret column added to
 * an entity can never reach a client by accident (pinned by a type-level test).
 */
export interface UserDto {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: Role;
  hasPassword: boolean;
  apiTokenPrefix: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  /** Has a second factor: a confirmed TOTP or at least one passkey. */
  mfaEnabled: boolean;
}

/** A registered passkey as its owner sees it (never the key or credential id). */
export interface PasskeyDto {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The caller's second factors (`mfa.status`). */
export interface MfaStatusDto {
  totp: boolean;
  passkeys: PasskeyDto[];
  recoveryCodesLeft: number;
  /** Their role must have a second factor (MFA_REQUIRED_ROLES). */
  required: boolean;
}

export interface InviteDto {
  id: string;
  email: string;
  role: Role;
  status: InviteStatus;
  accepted: boolean;
  expiresAt: string;
  acceptedAt: string | null;
  invitedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEventDto {
  id: string;
  action: AuditAction;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

/** One signed-in browser session of the caller, as they see it in "where you're signed in". */
export interface SessionDto {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** The session this request came with. */
  current: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CountedPage<T> extends Page<T> {
  /** Every match of the filter, across all pages (at most 10,000 for a `q` search: see totalCapped). */
  total: number;
  /** True when a `q` search matched more than 10,000 rows and `total` stopped there. */
  totalCapped: boolean;
}

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    role: user.role,
    hasPassword: Boolean(user.passwordHash),
    apiTokenPrefix: user.apiTokenPrefix ?? null,
    metadata: user.metadata ?? null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    lastLoginAt: iso(user.lastLoginAt),
    mfaEnabled: user.mfaEnabled,
  };
}

export function toPasskeyDto(passkey: Passkey): PasskeyDto {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: iso(passkey.lastUsedAt),
  };
}

/** A user as the read queries select it (db/user-reads.ts): the DTO's columns, no secret. */
export interface UserRow {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: Role;
  has_password: boolean;
  api_token_prefix: string | null;
  metadata: Record<string, unknown> | null;
  // The driver hands timestamps over as text (MikroORM parses them itself); either is accepted.
  created_at: Date | string;
  updated_at: Date | string;
  last_login_at: Date | string | null;
  mfa_enabled: boolean;
}

export function userDtoFromRow(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    hasPassword: row.has_password,
    apiTokenPrefix: row.api_token_prefix,
    metadata: row.metadata,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at).toISOString(),
    mfaEnabled: row.mfa_enabled,
  };
}

/** Status is derived, never stored: accepted, else revoked, else expired, else pending. */
export function inviteStatus(
  invite: Pick<Invite, 'accepted' | 'revokedAt' | 'expiresAt'>,
  now: Date,
): InviteStatus {
  if (invite.accepted) return 'accepted';
  if (invite.revokedAt) return 'revoked';
  if (invite.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

/** The columns an InviteDto shows (an entity, or a row selected with these names). */
export type InviteFields = Pick<
  Invite,
  | 'id'
  | 'userEmail'
  | 'role'
  | 'accepted'
  | 'expiresAt'
  | 'acceptedAt'
  | 'invitedBy'
  | 'revokedAt'
  | 'createdAt'
  | 'updatedAt'
>;

export function toInviteDto(invite: InviteFields, now: Date): InviteDto {
  return {
    id: invite.id,
    email: invite.userEmail,
    role: invite.role,
    status: inviteStatus(invite, now),
    accepted: invite.accepted,
    expiresAt: invite.expiresAt.toISOString(),
    acceptedAt: iso(invite.acceptedAt),
    invitedBy: invite.invitedBy ?? null,
    createdAt: invite.createdAt.toISOString(),
    updatedAt: invite.updatedAt.toISOString(),
  };
}

export function toAuditEventDto(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    action: event.action,
    actorId: event.actorId ?? null,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    ip: event.ip ?? null,
    metadata: event.metadata ?? null,
    createdAt: event.createdAt.toISOString(),
  };
}

export function toSessionDto(session: Session, currentSessionId: string | null): SessionDto {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    ip: session.ip ?? null,
    userAgent: session.userAgent ?? null,
    current: session.id === currentSessionId,
  };
}
