import { DomainError } from '@gatehouse/core';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

/**
 * The one place where failures become transport errors. Domain errors keep their code as
 * `domainCode` and ride along as `cause`; zod errors thrown inside core are input errors.
 * Anything else stays an INTERNAL_SERVER_ERROR.
 */
export function toTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) {
    if (error.code === 'INTERNAL_SERVER_ERROR' && error.cause) return toTRPCError(error.cause) ?? error;
    return error;
  }
  if (error instanceof DomainError)
    return new TRPCError({ code: error.kind, message: error.message, cause: error });
  if (error instanceof ZodError)
    return new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid input', cause: error });
  return null;
}

/** Domain code for the errors the API raises itself (auth, policy) and for plain tRPC errors. */
export function domainCodeOf(error: TRPCError): string {
  if (error.cause instanceof DomainError) return error.cause.code;
  if (error.cause instanceof ZodError) return 'INVALID_INPUT';
  switch (error.code) {
    case 'UNAUTHORIZED':
      return 'UNAUTHENTICATED';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'BAD_REQUEST':
    case 'PARSE_ERROR':
      return 'INVALID_INPUT';
    case 'TOO_MANY_REQUESTS':
      return 'RATE_LIMITED';
    case 'PAYLOAD_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    case 'METHOD_NOT_SUPPORTED':
      return 'METHOD_NOT_SUPPORTED';
    case 'INTERNAL_SERVER_ERROR':
      return 'INTERNAL';
    default:
      return error.code;
  }
}

export const unauthenticated = () =>
  new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'Sign in first',
    cause: new DomainError('UNAUTHENTICATED', 'Sign in first'),
  });

export const forbidden = (message = 'Your role does not allow this') =>
  new TRPCError({ code: 'FORBIDDEN', message, cause: new DomainError('FORBIDDEN', message) });
