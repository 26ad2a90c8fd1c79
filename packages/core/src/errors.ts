/**
 * The closed catalogue of domain errors: each code with the kind of failure it is. Core throws only
 * these for expected failures; a transport maps each kind to its own status in one place (the API:
 * `packages/api/src/trpc/errors.ts`). Messages are safe to show to the caller: they never contain
 * a password, a token or a hash.
 */
export const DOMAIN_ERRORS = {
  EMAIL_TAKEN: 'conflict',
  INVITE_EXPIRED: 'invalid',
  INVITE_ACCEPTED: 'conflict',
  INVITE_REVOKED: 'invalid',
  INVALID_TOKEN: 'invalid',
  INVALID_CREDENTIALS: 'unauthenticated',
  WEAK_PASSWORD: 'invalid',
  LAST_ADMIN: 'conflict',
  ALREADY_SET_UP: 'conflict',
  RATE_LIMITED: 'rate_limited',
  NOT_FOUND: 'not_found',
  FORBIDDEN: 'forbidden',
  UNAUTHENTICATED: 'unauthenticated',
  INVALID_INPUT: 'invalid',
  INVALID_CURSOR: 'invalid',
  BUSY: 'unavailable',
  DB_UNAVAILABLE: 'unavailable',
  /** A wrong, replayed or unusable second-factor code (or passkey response). */
  INVALID_MFA_CODE: 'invalid',
  /** The caller's role requires a second factor and they have none yet: enrol first. */
  MFA_ENROLLMENT_REQUIRED: 'forbidden',
  /** A sensitive action needs a recent second-factor check on this session (auth.stepUp). */
  STEP_UP_REQUIRED: 'forbidden',
  /** The password was right but the user has a second factor: finish with AuthService.verifyMfa. */
  MFA_REQUIRED: 'unauthenticated',
  /** The action needs a second factor the user does not have. */
  MFA_NOT_ENABLED: 'invalid',
  /** TOTP is already active (disable it first to enrol a new authenticator). */
  MFA_ALREADY_ENABLED: 'conflict',
  /** That passkey is already registered. */
  PASSKEY_TAKEN: 'conflict',
  /** No key to encrypt TOTP secrets with (ENCRYPTION_KEY must be set in production). */
  ENCRYPTION_KEY_REQUIRED: 'unavailable',
} as const;

export type DomainCode = keyof typeof DOMAIN_ERRORS;
/** What kind of failure a code is, independent of any transport. */
export type ErrorKind = (typeof DOMAIN_ERRORS)[DomainCode];

export class DomainError extends Error {
  override name = 'DomainError';
  readonly kind: ErrorKind;
  /** Seconds until a rate-limited caller may try again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: DomainCode,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = DOMAIN_ERRORS[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
