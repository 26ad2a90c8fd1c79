// @gatehouse/core/schemas: what a browser may import from core (no database, no Node built-ins).
// Forms validate with the same zod schemas and password policy as the server.
export { AUDIT_ACTIONS, type AuditAction } from './audit-actions.js';
export { DOMAIN_ERRORS, type DomainCode, type ErrorKind } from './errors.js';
export { INVITE_STATUSES, type InviteStatus } from './invite-status.js';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordWeakness } from './password-policy.js';
export { type Actor, can, type Permission } from './policy.js';
export { ROLES, type Role } from './roles.js';
export * from './schemas.js';
