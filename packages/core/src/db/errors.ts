import { DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';

/** True when `error` is PostgreSQL refusing a row because of the named unique constraint/index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof UniqueConstraintViolationException)) return false;
  const detail = error as unknown as { constraint?: string; message: string };
  return detail.constraint === constraint || detail.message.includes(`"${constraint}"`);
}

/** True for errors raised by the database driver (MikroORM's DriverException family). */
export function isDatabaseError(error: unknown): boolean {
  return error instanceof DriverException;
}

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
