// Public surface of @gatehouse/core: the entry point, the services and what they take and return,
// schemas, errors and DTO types. Test support is in '@gatehouse/core/testing'; what a browser may
// import is in '@gatehouse/core/schemas'.
export { AUDIT_ACTIONS, type AuditAction } from './audit-actions.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export { ConfigError, type GatehouseConfig, loadConfig } from './config.js';
export { type Core, type CreateCoreOptions, createCore } from './core.js';
export type { PasswordHasher } from './crypto/password-hasher.js';
export { TOKEN_PREFIXES, type TokenGenerator, type TokenKind } from './crypto/tokens.js';
export { isDatabaseError, isDatabaseUnavailable } from './db/errors.js';
export type { AppliedMigration, Migrations } from './db/migrations-api.js';
export type {
  AuditEventDto,
  CountedPage,
  InviteDto,
  MfaStatusDto,
  Page,
  PasskeyDto,
  SessionDto,
  UserDto,
} from './dto.js';
export { normalizeEmail } from './email.js';
export {
  DOMAIN_ERRORS,
  type DomainCode,
  DomainError,
  type ErrorKind,
  isDomainError,
} from './errors.js';
export { INVITE_STATUSES, type InviteStatus } from './invite-status.js';
export { type LoggableError, loggableError, redactSecrets } from './loggable.js';
export { createStdoutMailer, type Mailer, type MailMessage } from './mail/mailer.js';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordWeakness } from './password-policy.js';
export { type Actor, can, type Permission } from './policy.js';
export { ROLES, type Role } from './roles.js';
export * as schemas from './schemas.js';
export type { GeneratedApiToken } from './services/api-token.service.js';
export type { AuditLog } from './services/audit-log.js';
export type {
  AuthService,
  LoginResult,
  MfaChallengeIssued,
  Principal,
  SignInResult,
} from './services/auth.service.js';
export type { RequestMeta } from './services/deps.js';
export type { InvitePreview, InviteService, IssuedInvite } from './services/invite.service.js';
export type { MfaService, RegisteredPasskey, TotpEnrolment } from './services/mfa.service.js';
export type { PasswordService } from './services/password.service.js';
export type { FactorMethod } from './services/second-factors.js';
export type { SessionService } from './services/session.service.js';
export type { UserService } from './services/user.service.js';
export { throttleKeyOfIp } from './throttle/client-key.js';
export type { LoginThrottle } from './throttle/login-throttle.js';
export type { RateLimiter } from './throttle/rate-limiter.js';
