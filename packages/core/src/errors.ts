import { DriverException } from '@mikro-orm/core';
/**
 * The closed catalogue of domain errors. Core throws only these for expected failures; the API maps
 * each `kind` to a transport status in exactly one place. Messages are safe to show to the caller:
 * they never contain a password, a token or a hash.
 */
export const DOMAIN_ERRORS = {
  EMAIL_TAKEN: 'CONFLICT',
  INVITE_EXPIRED: 'BAD_REQUEST',
  INVITE_ACCEPTED: 'CONFLICT',
  INVITE_REVOKED: 'BAD_REQUEST',
  INVALID_TOKEN: 'BAD_REQUEST',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  WEAK_PASSWORD: 'BAD_REQUEST',
  LAST_ADMIN: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  INVALID_INPUT: 'BAD_REQUEST',
  INVALID_CURSOR: 'BAD_REQUEST',
  BUSY: 'SERVICE_UNAVAILABLE',
} as const;

export type DomainCode = keyof typeof DOMAIN_ERRORS;
/** The kind of failure, named after the tRPC code the API maps it to. */
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

/**
 * What may be logged of an unexpected error. Database driver errors carry the failed SQL with its
 * values inlined (a password hash, a token hash), so only their kind and SQLSTATE are kept.
 */
export function loggableError(error: unknown): unknown {
  if (!isDatabaseError(error)) return error;
  const detail = error as { name: string; code?: string; sqlState?: string };
  return {
    name: detail.name,
    code: detail.code ?? null,
    sqlState: detail.sqlState ?? null,
    message: 'database error (query and values withheld)',
  };
}

/** True for errors raised by the database driver (MikroORM's DriverException family). */
export function isDatabaseError(error: unknown): boolean {
  return error instanceof DriverException;
}
