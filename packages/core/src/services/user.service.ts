import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUniqueViolation } from '../db/errors.js';
import { listUsers, userById } from '../db/user-reads.js';
import { type CountedPage, toUserDto, type UserDto } from '../dto.js';
import { normalizeEmail } from '../email.js';
import { InviteSchema, type User, UserSchema } from '../entities/index.js';
import { DomainError, notFound } from '../errors.js';
import { ID_PREFIXES, newId } from '../ids.js';
import { decodeCursor, toPage } from '../pagination.js';
import { assertStrongPassword } from '../password-policy.js';
import type { Role } from '../roles.js';
import {
  type CreateUserInput,
  createUserInput,
  idSchema,
  type ListUsersInput,
  listUsersInput,
  type UpdateUserInput,
  updateUserInput,
} from '../schemas.js';
import { clearApiToken } from './api-token.service.js';
import type { AuditLog } from './audit-log.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { lockEmail } from './email-lock.js';
import { removeSecondFactors } from './second-factors.js';
import { SessionStore } from './session-store.js';

const EMAIL_TAKEN_MESSAGE = 'A user with this email already exists';

/** Users: create, read, list, update and soft-delete, with the last-admin guard. */
export class UserService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
  ) {}

  async create(input: CreateUserInput, meta: RequestMeta = {}): Promise<UserDto> {
    const data = createUserInput.parse(input);
    if (data.password !== undefined) assertStrongPassword(data.password, data.email);
    const passwordHash = data.password === undefined ? null : await this.deps.hasher.hash(data.password);
    try {
      return await this.deps.db.transaction(async (em) => {
        await lockEmail(em, data.email);
        const now = this.deps.clock.now();
        const user = insertUser(em, now, { ...data, passwordHash });
        this.audit.record(em, meta, {
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          metadata: { email: user.email, role: user.role },
        });
        // An open invite for this email can never be accepted now: close it rather than leave a
        // link that ends in EMAIL_TAKEN.
        const open = await em.find(InviteSchema, { userEmail: user.email, accepted: false, revokedAt: null });
        for (const invite of open) {
          invite.revokedAt = now;
          invite.updatedAt = now;
          this.audit.record(em, meta, {
            action: 'invite.revoked',
            targetType: 'invite',
            targetId: invite.id,
            metadata: { reason: 'user created directly' },
          });
        }
        await em.flush();
        return toUserDto(user);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'user_email_unique'))
        throw new DomainError('EMAIL_TAKEN', EMAIL_TAKEN_MESSAGE);
      throw error;
    }
  }

  async get(id: string): Promise<UserDto> {
    idSchema.parse(id);
    const user = await userById(this.deps.db, id);
    if (!user) throw notFound('User');
    return user;
  }

  async findByEmail(email: string): Promise<UserDto | null> {
    const user = await this.deps.db.read().findOne(UserSchema, { email: normalizeEmail(email) });
    return user ? toUserDto(user) : null;
  }

  /**
   * Newest first. `q` matches email, first and last name, case-insensitively (indexed, see db/user-reads.ts);
   * its total stops at 10,000 (`totalCapped`). Other totals are exact.
   */
  async list(input?: ListUsersInput): Promise<CountedPage<UserDto>> {
    const { q, role, limit, cursor } = listUsersInput.parse(input);
    const { rows, total, totalCapped } = await listUsers(this.deps.db, {
      role,
      q: q || undefined,
      before: decodeCursor(cursor, ID_PREFIXES.user),
      limit,
    });
    const page = toPage(rows, limit);
    return { items: page.rows, nextCursor: page.nextCursor, total, totalCapped };
  }

  async update(input: UpdateUserInput, meta: RequestMeta = {}): Promise<UserDto> {
    const data = updateUserInput.parse(input);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, data.id, { guardAdmins: data.role !== undefined });
      const changed: string[] = [];
      for (const field of ['firstName', 'lastName', 'metadata'] as const) {
        if (data[field] !== undefined) {
          user[field] = data[field] as never;
          changed.push(field);
        }
      }
      const previousRole = user.role;
      if (data.role !== undefined && data.role !== previousRole) {
        if (previousRole === 'admin') await assertNotLastAdmin(em, user.id, 'demote');
        user.role = data.role;
        this.audit.record(em, meta, {
          action: 'user.role_changed',
          targetType: 'user',
          targetId: user.id,
          metadata: { from: previousRole, to: data.role },
        });
      }
      if (changed.length > 0) {
        this.audit.record(em, meta, {
          action: 'user.updated',
          targetType: 'user',
          targetId: user.id,
          metadata: { changed },
        });
      }
      user.updatedAt = this.deps.clock.now();
      await em.flush();
      return toUserDto(user);
    });
  }

  /** Soft delete: the row stays for the audit trail; sessions and API token end; the email is free again. */
  async delete(id: string, meta: RequestMeta = {}): Promise<{ id: string; deleted: true }> {
    idSchema.parse(id);
    return this.deps.db.transaction(async (em) => {
      const user = await lockUser(em, id, { guardAdmins: true });
      if (user.role === 'admin') await assertNotLastAdmin(em, user.id, 'delete');
      const now = this.deps.clock.now();
      clearApiToken(user, now);
      user.deletedAt = now;
      user.updatedAt = now;
      await SessionStore.endAllOf(em, user.id);
      // Their second factors go too: a passkey of a deleted user must not block registering the
      // same authenticator for a new account with this email.
      await removeSecondFactors(em, user.id);
      this.audit.record(em, meta, {
        action: 'user.deleted',
        targetType: 'user',
        targetId: user.id,
        metadata: { email: user.email },
      });
      await em.flush();
      return { id: user.id, deleted: true as const };
    });
  }

  async countAdmins(): Promise<number> {
    return this.deps.db.read().count(UserSchema, { role: 'admin' });
  }

  /**
   * Creates the admin of a fresh installation. Returns null, changing nothing, when an admin
   * already exists. Serialised by an advisory lock so two starting instances make one admin.
   */
  async createFirstAdmin(
    input: { email: string; password: string },
    meta: RequestMeta = {},
  ): Promise<UserDto | null> {
    const data = createUserInput.parse({ ...input, role: 'admin' });
    assertStrongPassword(input.password, data.email);
    const passwordHash = await this.deps.hasher.hash(input.password);
    try {
      return await this.deps.db.transaction(async (em) => {
        await em
          .getConnection()
          .execute(
            `select pg_advisory_xact_lock(hashtext('gatehouse:first-admin'))`,
            [],
            'all',
            em.getTransactionContext(),
          );
        if ((await em.count(UserSchema, { role: 'admin' })) > 0) return null;
        await lockEmail(em, data.email);
        const user = insertUser(em, this.deps.clock.now(), { ...data, passwordHash });
        this.audit.record(em, meta, {
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          metadata: { email: user.email, role: user.role, bootstrap: true },
        });
        await em.flush();
        return toUserDto(user);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'user_email_unique'))
        throw new DomainError('EMAIL_TAKEN', EMAIL_TAKEN_MESSAGE);
      throw error;
    }
  }
}

/** Adds a new user row to `em`; the unique index on the email decides races at flush. */
export function insertUser(
  em: EntityManager,
  now: Date,
  data: {
    email: string;
    role: Role;
    passwordHash: string | null;
    firstName?: string | null | undefined;
    lastName?: string | null | undefined;
    metadata?: Record<string, unknown> | null | undefined;
  },
): User {
  return em.create(UserSchema, {
    id: newId('user'),
    email: normalizeEmail(data.email),
    passwordHash: data.passwordHash,
    firstName: data.firstName ?? null,
    lastName: data.lastName ?? null,
    role: data.role,
    metadata: data.metadata ?? null,
    createdAt: now,
    updatedAt: now,
  });
}

/**
 * Locks the user row for the rest of the transaction. Changes that may remove an admin first lock
 * every active admin row, always in id order, so concurrent demotions cannot both pass the
 * last-admin check and cannot deadlock.
 */
async function lockUser(em: EntityManager, id: string, options: { guardAdmins: boolean }): Promise<User> {
  if (options.guardAdmins) {
    await em.find(
      UserSchema,
      { role: 'admin' },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' }, fields: ['id'] },
    );
  }
  const user = await em.findOne(UserSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!user) throw notFound('User');
  return user;
}

async function assertNotLastAdmin(
  em: EntityManager,
  userId: string,
  what: 'demote' | 'delete',
): Promise<void> {
  const others = await em.count(UserSchema, { role: 'admin', id: { $ne: userId } });
  if (others === 0) {
    throw new DomainError('LAST_ADMIN', `Cannot ${what} the last admin: promote another user to admin first`);
  }
}
