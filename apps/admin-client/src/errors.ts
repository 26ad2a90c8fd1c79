import type { AppRouter, ErrorCode } from '@gatehouse/api';
import { TRPCClientError } from '@trpc/client';

/** A failure that came from the Gatehouse API: `data` is typed by the server's error formatter. */
export const isApiError = (error: unknown): error is TRPCClientError<AppRouter> =>
  error instanceof TRPCClientError;

/** The server's stable `domainCode`, or null for a network failure or anything else. */
export function domainCodeOf(error: unknown): ErrorCode | null {
  return isApiError(error) ? (error.data?.domainCode ?? null) : null;
}

export const isRetryable = (error: unknown): boolean => {
  const code = domainCodeOf(error);
  return code === null || code === 'BUSY' || code === 'DB_UNAVAILABLE' || code === 'TIMEOUT';
};

/** Per-field messages of an input the server refused (zod issues, flattened by the server). */
export function serverFieldErrors(error: unknown): Record<string, string> {
  const fields = isApiError(error) ? error.data?.zodError?.fieldErrors : undefined;
  const out: Record<string, string> = {};
  // The server flattens issues of an arbitrary input, so the field names are only known at run time.
  for (const [field, messages] of Object.entries<unknown>(fields ?? {})) {
    const first: unknown = Array.isArray(messages) ? messages[0] : undefined;
    if (typeof first === 'string') out[field] = first;
  }
  return out;
}

/** Words for the codes a person can act on; the server's own message is kept where it is the best one. */
const ADVICE: Partial<Record<ErrorCode, string>> = {
  LAST_ADMIN:
    'This is the last admin. Make another user an admin first, so Gatehouse is never left without one.',
  EMAIL_TAKEN:
    'A user with this email already exists, so there is nobody to invite. Find them under Users instead.',
  INVALID_CREDENTIALS: 'That email and password do not match. Check both and try again.',
  RATE_LIMITED: 'Too many attempts. Wait a few minutes, then try again.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Your role does not allow this.',
  INVITE_EXPIRED: 'This invite has expired. Ask an admin to resend it.',
  INVITE_REVOKED: 'This invite was revoked. Ask an admin for a new one.',
  INVITE_ACCEPTED: 'This invite was already accepted. Sign in instead.',
  DB_UNAVAILABLE: 'Gatehouse cannot reach its database right now. Try again in a moment.',
  BUSY: 'Gatehouse is busy right now. Try again in a moment.',
};

/** A sentence fit to show for any failure. */
export function describeError(error: unknown): string {
  if (!isApiError(error)) {
    return 'Something went wrong. Check your connection and try again.';
  }
  const code = error.data?.domainCode ?? null;
  const advice = code ? ADVICE[code] : undefined;
  if (advice) return advice;
  const fields = Object.entries(serverFieldErrors(error));
  if (fields.length > 0) return fields.map(([field, message]) => `${field}: ${message}`).join('; ');
  if (!error.data) return 'Gatehouse did not answer. Check your connection and try again.';
  return error.message;
}
