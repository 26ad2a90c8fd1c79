import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HOUR_MS } from '../clock.js';
import { hashToken, hasTokenShape } from '../crypto/tokens.js';
import { isUniqueViolation } from '../db/errors.js';
import { listInvites } from '../db/invite-reads.js';
import { issueInvite } from '../db/invite-writes.js';
import {
  type CountedPage,
  type InviteDto,
  type InviteFields,
  inviteStatus,
  toInviteDto,
  toUserDto,
  type UserDto,
} from '../dto.js';
import { normalizeEmail } from '../email.js';
import { type Invite, InviteSchema, UserSchema } from '../entities/index.js';
import { DomainError, notFound } from '../errors.js';
import { ID_PREFIXES, newId } from '../ids.js';
import type { InviteStatus } from '../invite-status.js';
import { inviteMessage } from '../mail/messages.js';
import { decodeCursor, likeContains, toPage } from '../pagination.js';
import { assertStrongPassword } from '../password-policy.js';
import type { Role } from '../roles.js';
import {
  type AcceptInviteInput,
  acceptInviteInput,
  type CreateInviteInput,
  createInviteInput,
  idSchema,
  type ListInvitesInput,
  listInvitesInput,
  type ResendInviteInput,
  resendInviteInput,
} from '../schemas.js';
import type { AuditLog } from './audit-log.js';
import type { RequestMeta, ServiceDeps } from './deps.js';
import { lockEmail } from './email-lock.js';
import { insertUser } from './user.service.js';

export interface IssuedInvite {
  invite: InviteDto;
  /** The invite secret; leaves the server only here (to the admin who asked) and in the mail. */
  token: string;
  acceptUrl: string;
  emailSent: boolean;
  /** True when an open invite for the email was renewed (its old link is dead) rather than created. */
  reused: boolean;
}

export interface InvitePreview {
  email: string;
  role: Role;
  status: InviteStatus;
  expiresAt: string;
}

const UNKNOWN_INVITE = 'This invite link is invalid or has been replaced by a newer one';

/** Invites: create-or-reuse, list, preview, accept, resend and revoke. */
export class InviteService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Invites an email. An open (pending or expired) invite for it is reused: new role, new token,
   * new expiry, and the old token stops working at once. An existing user's email is EMAIL_TAKEN.
   */
  async create(input: CreateInviteInput, meta: RequestMeta = {}): Promise<IssuedInvite> {
    const { email, role, sendEmail } = createInviteInput.parse(input);
    const token = this.deps.tokens.generate('invite');
    // One instant for the invite's times and its audit event (read before the email's lock, so a
    // call that waited for it is stamped with when it was made).
    const now = this.deps.clock.now();
    const issue = () =>
      issueInvite(this.deps.db, {
        email,
        role,
        tokenHash: hashToken(token),
        expiresAt: this.expiryFrom(now),
        invitedBy: meta.actorId ?? null,
        now,
        newId: newId('invite'),
        event: (inviteId, reused) =>
          this.audit.eventRow(
            meta,
            {
              action: 'invite.created',
              targetType: 'invite',
              targetId: inviteId,
              metadata: { email, role, reused },
            },
            now,
          ),
      });
    let issued: { invite: InviteFields; reused: boolean };
    try {
      issued = await issue();
    } catch (error) {
      // Two admins invited the same email at once: the other insert won, so reuse its invite,
      // exactly as if the calls had run one after the other.
      if (!isUniqueViolation(error, 'invite_open_email_unique')) throw error;
      issued = await issue();
    }
    return this.deliver(issued.invite, token, sendEmail, issued.reused);
  }

  /** New token and expiry; the old token stops working at once. Works on expired invites. */
  async resend(input: ResendInviteInput, meta: RequestMeta = {}): Promise<IssuedInvite> {
    const { id, sendEmail } = resendInviteInput.parse(input);
    const token = this.deps.tokens.generate('invite');
    const invite = await this.deps.db.transaction(async (em) => {
      // Email lock before row lock, the order every use-case takes them in (no deadlocks).
      const peek = await em.findOne(InviteSchema, { id });
      if (!peek) throw notFound('Invite');
      await lockEmail(em, peek.userEmail);
      const found = await this.lockInvite(em, id);
      if (found.accepted) throw new DomainError('INVITE_ACCEPTED', 'This invite has already been accepted');
      if (found.revokedAt) {
        throw new DomainError('INVITE_REVOKED', 'This invite has been revoked; create a new one');
      }
      if (await em.count(UserSchema, { email: found.userEmail })) {
        throw new DomainError('EMAIL_TAKEN', 'A user with this email already exists');
      }
      this.renew(found, token, this.deps.clock.now());
      this.audit.record(em, meta, { action: 'invite.resent', targetType: 'invite', targetId: found.id });
      await em.flush();
      return found;
    });
    return this.deliver(invite, token, sendEmail, true);
  }

  /** Revoking twice is harmless; revoking an accepted invite is refused. */
  async revoke(id: string, meta: RequestMeta = {}): Promise<{ id: string; revoked: true }> {
    idSchema.parse(id);
    return this.deps.db.transaction(async (em) => {
      const invite = await this.lockInvite(em, id);
      if (invite.accepted) throw new DomainError('INVITE_ACCEPTED', 'This invite has already been accepted');
      if (!invite.revokedAt) {
        const now = this.deps.clock.now();
        invite.revokedAt = now;
        invite.updatedAt = now;
        this.audit.record(em, meta, { action: 'invite.revoked', targetType: 'invite', targetId: invite.id });
      }
      return { id: invite.id, revoked: true as const };
    });
  }

  async get(id: string): Promise<InviteDto> {
    idSchema.parse(id);
    const invite = await this.deps.db.read().findOne(InviteSchema, { id });
    if (!invite) throw notFound('Invite');
    return toInviteDto(invite, this.deps.clock.now());
  }

  /** The open (pending or expired) invite for `email`, the one `create` would reuse, or null. */
  async findOpen(email: string): Promise<InviteDto | null> {
    const invite = await this.deps.db
      .read()
      .findOne(InviteSchema, { userEmail: normalizeEmail(email), accepted: false, revokedAt: null });
    return invite ? toInviteDto(invite, this.deps.clock.now()) : null;
  }

  /** Newest first; `status` is derived from the columns at query time; `q` is trigram-indexed. */
  async list(input?: ListInvitesInput): Promise<CountedPage<InviteDto>> {
    const { status, q, limit, cursor } = listInvitesInput.parse(input);
    const { rows, total, totalCapped } = await listInvites(this.deps.db, {
      status,
      pattern: q ? likeContains(q) : undefined,
      before: decodeCursor(cursor, ID_PREFIXES.invite),
      limit,
      now: this.deps.clock.now(),
    });
    const page = toPage(rows, limit);
    return { items: page.rows, nextCursor: page.nextCursor, total, totalCapped };
  }

  /** Read-only, so mail link scanners can open it. Only an unknown token is an error. */
  async preview(token: string): Promise<InvitePreview> {
    const invite = await this.findByToken(this.deps.db.read(), token);
    return {
      email: invite.userEmail,
      role: invite.role,
      status: inviteStatus(invite, this.deps.clock.now()),
      expiresAt: invite.expiresAt.toISOString(),
    };
  }

  /**
   * Atomically: the invite must be pending; it is marked accepted and the user is created with
   * the invite's email and role. Of concurrent accepts of one token exactly one succeeds; the
   * others get the error they would get had they come later.
   */
  async accept(input: AcceptInviteInput, meta: RequestMeta = {}): Promise<{ user: UserDto }> {
    const { token, password, firstName, lastName } = acceptInviteInput.parse(input);
    const em = this.deps.db.read();
    const invite = await this.findByToken(em, token);
    this.assertPending(invite);
    assertStrongPassword(password, invite.userEmail);
    const passwordHash = await this.deps.hasher.hash(password);
    try {
      return await em.fork().transactional(async (tx) => {
        await lockEmail(tx, invite.userEmail);
        const now = this.deps.clock.now();
        // The row lock of this conditional update serialises concurrent accepts; losers see the
        // winner's committed `accepted = true` and match nothing.
        const claimed = await tx.nativeUpdate(
          InviteSchema,
          { id: invite.id, token: invite.token, accepted: false, revokedAt: null, expiresAt: { $gt: now } },
          { accepted: true, acceptedAt: now, updatedAt: now },
        );
        if (claimed === 0) {
          const current = await tx.findOne(InviteSchema, { id: invite.id }, { refresh: true });
          if (!current || current.token !== invite.token)
            throw new DomainError('INVALID_TOKEN', UNKNOWN_INVITE);
          this.assertPending(current);
          throw new DomainError('INVALID_TOKEN', UNKNOWN_INVITE);
        }
        const user = insertUser(tx, now, {
          email: invite.userEmail,
          role: invite.role,
          passwordHash,
          firstName: firstName ?? null,
          lastName: lastName ?? null,
        });
        const actor = { ...meta, actorId: user.id };
        this.audit.record(tx, actor, {
          action: 'invite.accepted',
          targetType: 'invite',
          targetId: invite.id,
          metadata: { email: invite.userEmail },
        });
        this.audit.record(tx, actor, {
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          metadata: { email: user.email, role: user.role, inviteId: invite.id },
        });
        await tx.flush();
        return { user: toUserDto(user) };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'user_email_unique')) {
        throw new DomainError('EMAIL_TAKEN', 'A user with this email already exists');
      }
      throw error;
    }
  }

  private expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.deps.config.inviteTtlHours * HOUR_MS);
  }

  private renew(
    invite: Invite,
    token: string,
    now: Date,
    changes: { role?: Role; invitedBy?: string | null } = {},
  ): void {
    invite.token = hashToken(token);
    invite.expiresAt = this.expiryFrom(now);
    invite.updatedAt = now;
    if (changes.role) invite.role = changes.role;
    if (changes.invitedBy !== undefined) invite.invitedBy = changes.invitedBy;
  }

  private async lockInvite(em: EntityManager, id: string): Promise<Invite> {
    const invite = await em.findOne(InviteSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!invite) throw notFound('Invite');
    return invite;
  }

  private async findByToken(em: EntityManager, token: string): Promise<Invite> {
    const invite = hasTokenShape(token, 'invite')
      ? await em.findOne(InviteSchema, { token: hashToken(token) })
      : null;
    if (!invite) throw new DomainError('INVALID_TOKEN', UNKNOWN_INVITE);
    return invite;
  }

  private assertPending(invite: Invite): void {
    const status = inviteStatus(invite, this.deps.clock.now());
    if (status === 'accepted')
      throw new DomainError('INVITE_ACCEPTED', 'This invite has already been accepted');
    if (status === 'revoked') throw new DomainError('INVITE_REVOKED', 'This invite has been revoked');
    if (status === 'expired') {
      throw new DomainError('INVITE_EXPIRED', 'This invite has expired; ask an admin to send a new one');
    }
  }

  /** After commit: send the mail if asked. A failed send never undoes the invite; the result says. */
  private async deliver(
    invite: InviteFields,
    token: string,
    sendEmail: boolean,
    reused: boolean,
  ): Promise<IssuedInvite> {
    const acceptUrl = `${this.deps.config.publicUrl}/accept-invite?token=${encodeURIComponent(token)}`;
    let emailSent = false;
    if (sendEmail) {
      try {
        await this.deps.mailer.send(
          inviteMessage({ to: invite.userEmail, role: invite.role, acceptUrl, expiresAt: invite.expiresAt }),
        );
        emailSent = true;
      } catch (error) {
        this.deps.onWarning(`invite mail for ${invite.id} could not be sent`, error);
      }
    }
    return { invite: toInviteDto(invite, this.deps.clock.now()), token, acceptUrl, emailSent, reused };
  }
}
