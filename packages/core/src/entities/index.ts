import { AuditEventSchema } from './audit-event.entity.js';
import { InviteSchema } from './invite.entity.js';
import { MfaChallengeSchema } from './mfa-challenge.entity.js';
import { PasskeySchema } from './passkey.entity.js';
import { PasswordResetSchema } from './password-reset.entity.js';
import { RecoveryCodeSchema } from './recovery-code.entity.js';
import { SessionSchema } from './session.entity.js';
import { TotpFactorSchema } from './totp-factor.entity.js';
import { UserSchema } from './user.entity.js';
import { WebauthnChallengeSchema } from './webauthn-challenge.entity.js';

export type { AuditEvent } from './audit-event.entity.js';
export type { Invite } from './invite.entity.js';
export type { MfaChallenge } from './mfa-challenge.entity.js';
export type { Passkey } from './passkey.entity.js';
export type { PasswordReset } from './password-reset.entity.js';
export type { RecoveryCode } from './recovery-code.entity.js';
export type { Session } from './session.entity.js';
export type { TotpFactor } from './totp-factor.entity.js';
export type { User } from './user.entity.js';
export type { WebauthnChallenge } from './webauthn-challenge.entity.js';
export {
  AuditEventSchema,
  InviteSchema,
  MfaChallengeSchema,
  PasskeySchema,
  PasswordResetSchema,
  RecoveryCodeSchema,
  SessionSchema,
  TotpFactorSchema,
  UserSchema,
  WebauthnChallengeSchema,
};

export const entities = [
  UserSchema,
  InviteSchema,
  SessionSchema,
  PasswordResetSchema,
  AuditEventSchema,
  TotpFactorSchema,
  PasskeySchema,
  RecoveryCodeSchema,
  MfaChallengeSchema,
  WebauthnChallengeSchema,
];
