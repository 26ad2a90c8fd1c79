import { ConnectionException, DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';

/**
 * True when `error` is PostgreSQL refusing a row because of the named unique constraint/index:
 * MikroORM's wrapped exception, or pg's own error from a plain statement (SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (error instanceof UniqueConstraintViolationException) {
    const detail = error as unknown as { constraint?: string; message: string };
    return detail.constraint === constraint || detail.message.includes(`"${constraint}"`);
  }
  return sqlStateOf(error) === '23505' && (error as { constraint?: unknown }).constraint === constraint;
}

/**
 * knex puts the failed statement, its values inlined, before the driver's message
 * ("update "invite" set … where "token" = '…' - Connection terminated"), also on errors that
 * reach us without MikroORM's wrapping (raw statements, a transaction's connection lost mid-flight).
 */
const SQL_FIRST =
  /^\s*(?:select|insert|update|delete|with|begin|commit|rollback|savepoint|release|set|alter|create|drop|truncate|lock|copy)\b[\s\S]* - /i;

type DriverDetail = { code?: unknown; sqlState?: unknown; severity?: unknown; routine?: unknown };

/** The SQLSTATE of a database error: MikroORM's `sqlState`, or `code` on pg's own errors. */
export function sqlStateOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const detail = error as DriverDetail;
  if (typeof detail.sqlState === 'string') return detail.sqlState;
  const fromPg = typeof detail.severity === 'string' && typeof detail.routine === 'string';
  return fromPg && typeof detail.code === 'string' ? detail.code : undefined;
}

/**
 * True for errors raised by the database or its driver: MikroORM's DriverException family, pg's
 * own errors (raw statements are not wrapped by MikroORM) and errors knex prefixed with the failed
 * statement. Their messages and stacks hold SQL with its values, so they are never shown or logged.
 */
export function isDatabaseError(error: unknown): boolean {
  if (error instanceof DriverException) return true;
  if (!(error instanceof Error)) return false;
  return sqlStateOf(error) !== undefined || SQL_FIRST.test(error.message);
}

/** Socket errors of a database that is down, restarting or unreachable. */
const UNREACHABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of the same: connection exceptions (08), shutdowns and start-up (57P01-57P03), too many connections. */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
/**
 * pg's and knex's words for a connection lost mid-query or a pool with nothing free in time. knex's
 * "Transaction query already complete" is what a transaction whose connection died says next.
 */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Connection ended|not queryable|terminating connection|Timeout acquiring a connection|Transaction query already complete/i;

/**
 * True when `error` (or one of its causes) says the database cannot be reached right now (down,
 * restarting, or every pooled connection busy past the wait), rather than that a statement failed.
 * Transports answer these with 503 DB_UNAVAILABLE instead of an internal error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 8; depth += 1) {
    if (current instanceof ConnectionException) return true;
    const detail = current as { name?: unknown; code?: unknown; sqlState?: unknown; message?: unknown };
    if (detail.name === 'KnexTimeoutError') return true;
    for (const code of [detail.code, detail.sqlState]) {
      if (typeof code === 'string' && (UNREACHABLE_ERRNOS.has(code) || UNAVAILABLE_SQLSTATE.test(code)))
        return true;
    }
    if (typeof detail.message === 'string' && UNAVAILABLE_MESSAGE.test(detail.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
