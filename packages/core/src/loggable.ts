import { isDatabaseError, sqlStateOf } from './db/errors.js';

// What a log line may hold. Logs are read by more people and kept longer than the database, so
// nothing that can authenticate (a token, a password hash, a token's digest) may reach one: not in
// a URL, not in an error message, not in an error's causes.

/**
 * Gatehouse's bearer secrets by their documented prefixes, the hex SHA-256 digests stored for
 * them, and scrypt-kdf password hashes (base64 of "scrypt" and version 0).
 */
const SECRET_PATTERN =
  /gh(?:s|a|i|r|c|setup)_[A-Za-z0-9_-]{20,}|\b[0-9a-f]{64}\b|c2NyeXB0AA[A-Za-z0-9+/=]{20,}/g;

/** Replaces anything shaped like a Gatehouse secret, a secret's digest or a password hash. */
export const redactSecrets = (text: string): string => text.replace(SECRET_PATTERN, '[REDACTED]');

/** An error as a log line may hold it: plain data, so a logger cannot reach anything else. */
export interface LoggableError {
  type: string;
  message: string;
  code?: string;
  sqlState?: string;
  stack?: string;
  cause?: LoggableError;
}

const WITHHELD = 'database error (query and values withheld)';
const MAX_CAUSES = 5;

/**
 * What may be logged of any thrown value, causes included. pino (like most loggers) prints an
 * error's message, stack and every cause's message, so a database error anywhere in the chain
 * would log its SQL: each such error keeps only its kind, codes and stack frames. Everything else
 * keeps its message with secret-shaped text redacted.
 */
export function loggableError(error: unknown): LoggableError {
  return describe(error, 0);
}

function describe(error: unknown, depth: number): LoggableError {
  if (!(error instanceof Error)) return { type: typeof error, message: redactSecrets(String(error)) };
  const sqlState = sqlStateOf(error);
  const fromDatabase = isDatabaseError(error);
  const frames = error.stack?.indexOf('\n    at ') ?? -1;
  const loggable: LoggableError = {
    type: error.name === 'error' ? error.constructor.name : error.name,
    message: fromDatabase ? WITHHELD : redactSecrets(error.message),
  };
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' || typeof code === 'number') loggable.code = String(code);
  if (sqlState !== undefined) loggable.sqlState = sqlState;
  // The stack's first line repeats the message: only the frames are kept.
  if (error.stack && frames >= 0) loggable.stack = redactSecrets(error.stack.slice(frames + 1));
  if (error.cause !== undefined && depth < MAX_CAUSES) loggable.cause = describe(error.cause, depth + 1);
  return loggable;
}
