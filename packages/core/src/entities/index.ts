import { AuditEventSchema } from './audit-event.entity.js';
import { InviteSchema } from './invite.entity.js';
import { PasswordResetSchema } from './password-reset.entity.js';
import { SessionSchema } from './session.entity.js';
import { UserSchema } from './user.entity.js';

export type { AuditEvent } from './audit-event.entity.js';
export type { Invite } from './invite.entity.js';
export type { PasswordReset } from './password-reset.entity.js';
export type { Session } from './session.entity.js';
export type { User } from './user.entity.js';
export { AuditEventSchema, InviteSchema, PasswordResetSchema, SessionSchema, UserSchema };

export const entities = [UserSchema, InviteSchema, SessionSchema, PasswordResetSchema, AuditEventSchema];
