/** The closed list of audited actions; `audit.list` filters on these names. */
export const AUDIT_ACTIONS = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.role_changed',
  'invite.created',
  'invite.resent',
  'invite.revoked',
  'invite.accepted',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.session_revoked',
  'auth.logout_all',
  'auth.password_changed',
  'auth.password_reset',
  'api_token.generated',
  'api_token.revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
