import { type DomainCode, DomainError, type ErrorKind, isDatabaseUnavailable } from '@gatehouse/core';
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

/** The one place where a kind of domain failure becomes a tRPC code (and so an HTTP status). */
const TRPC_CODE_OF: Record<ErrorKind, TRPC_ERROR_CODE_KEY> = {
  invalid: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  not_found: 'NOT_FOUND',
  unauthenticated: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  rate_limited: 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
};

/** Codes of failures that happen before or around a procedure (transport, framework). */
export type TransportErrorCode =
  | 'PAYLOAD_TOO_LARGE'
  | 'METHOD_NOT_SUPPORTED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CONFLICT'
  | 'TIMEOUT'
  | 'INTERNAL';

/**
 * Every `domainCode` a client can see in `error.data.domainCode`: a closed union, so clients
 * narrow on it without casts.
 */
export type ErrorCode = DomainCode | TransportErrorCode;

/** The code of a tRPC error raised without a domain cause (by tRPC itself, or the API's guards). */
const CODE_OF_TRPC: Record<TRPC_ERROR_CODE_KEY, ErrorCode> = {
  PARSE_ERROR: 'INVALID_INPUT',
  BAD_REQUEST: 'INVALID_INPUT',
  UNPROCESSABLE_CONTENT: 'INVALID_INPUT',
  PRECONDITION_FAILED: 'INVALID_INPUT',
  PRECONDITION_REQUIRED: 'INVALID_INPUT',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  PAYMENT_REQUIRED: 'FORBIDDEN',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'BUSY',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_SUPPORTED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TIMEOUT: 'TIMEOUT',
  GATEWAY_TIMEOUT: 'TIMEOUT',
  CLIENT_CLOSED_REQUEST: 'TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL',
  NOT_IMPLEMENTED: 'INTERNAL',
  BAD_GATEWAY: 'INTERNAL',
};

/**
 * The one place where failures become transport errors. Domain errors keep their code as
 * `domainCode` and ride along as `cause`; zod errors thrown inside core are input errors; an
 * unreachable database is DB_UNAVAILABLE (503). Anything else stays an INTERNAL_SERVER_ERROR.
 */
export function toTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) {
    if (error.code === 'INTERNAL_SERVER_ERROR' && error.cause) return toTRPCError(error.cause) ?? error;
    return error;
  }
  if (error instanceof DomainError)
    return new TRPCError({ code: TRPC_CODE_OF[error.kind], message: error.message, cause: error });
  if (error instanceof ZodError)
    return new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid input', cause: error });
  // The database is down, restarting or has no free connection: a 503 the caller may retry, not a 500.
  if (isDatabaseUnavailable(error))
    return toTRPCError(
      new DomainError('DB_UNAVAILABLE', 'The database is unavailable; try again shortly', { cause: error }),
    );
  return null;
}

/** The `domainCode` of an error on its way out. */
export function domainCodeOf(error: TRPCError): ErrorCode {
  if (error.cause instanceof DomainError) return error.cause.code;
  if (error.cause instanceof ZodError) return 'INVALID_INPUT';
  return CODE_OF_TRPC[error.code];
}

/** Seconds a rate-limited caller should wait (the largest among a batch's errors), for Retry-After. */
export function retryAfterSeconds(errors: readonly TRPCError[]): number | undefined {
  let seconds: number | undefined;
  for (const error of errors) {
    const wait = error.cause instanceof DomainError ? error.cause.retryAfterSeconds : undefined;
    if (wait && (seconds === undefined || wait > seconds)) seconds = wait;
  }
  return seconds;
}

/** Raises a domain failure from the API's own guards, through the same mapping as core's errors. */
export const domainFailure = (code: DomainCode, message: string): TRPCError =>
  toTRPCError(new DomainError(code, message)) as TRPCError;

export const unauthenticated = () => domainFailure('UNAUTHENTICATED', 'Sign in first');

export const forbidden = (message = 'Your role does not allow this') => domainFailure('FORBIDDEN', message);
