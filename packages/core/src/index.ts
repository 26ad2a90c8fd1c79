// Public surface of @gatehouse/core: the entry point, services, schemas, errors and DTO types.
export { AUDIT_ACTIONS, type AuditAction } from './audit-actions.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export { ConfigError, type GatehouseConfig, loadConfig } from './config.js';
export { type Core, type CreateCoreOptions, createCore } from './core.js';
export {
  createPasswordHasher,
  DEFAULT_PASSWORD_HASH_LOGN,
  type PasswordHasher,
} from './crypto/password-hasher.js';
export { TOKEN_PREFIXES, type TokenGenerator, type TokenKind } from './crypto/tokens.js';
export { openDatabase } from './db/database.js';
export {
  type EmbeddedPostgresOptions,
  type RunningDatabase,
  startEmbeddedPostgres,
} from './db/embedded-postgres.js';
export { connectOrm, migrate, type Orm, pendingMigrations, withForkedContext } from './db/orm.js';
export {
  type AuditEventDto,
  type CountedPage,
  INVITE_STATUSES,
  type InviteDto,
  type InviteStatus,
  type Page,
  type SessionDto,
  type UserDto,
} from './dto.js';
export { normalizeEmail } from './email.js';
export {
  DOMAIN_ERRORS,
  type DomainCode,
  DomainError,
  type ErrorKind,
  isDatabaseError,
  isDomainError,
  loggableError,
} from './errors.js';
export {
  createMailer,
  createSmtpMailer,
  createStdoutMailer,
  type Mailer,
  type MailMessage,
} from './mail/mailer.js';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordWeakness } from './password-policy.js';
export { type Actor, can, type Permission } from './policy.js';
export { ROLES, type Role } from './roles.js';
export * as schemas from './schemas.js';
export type { AuditLog } from './services/audit-log.js';
export type { AuthService, GeneratedApiToken, LoginResult, Principal } from './services/auth.service.js';
export type { RequestMeta } from './services/deps.js';
export type { InvitePreview, InviteService, IssuedInvite } from './services/invite.service.js';
export type { UserService } from './services/user.service.js';
export { createLoginThrottle, type LoginThrottle } from './throttle/login-throttle.js';
