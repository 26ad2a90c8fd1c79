import { UniqueConstraintViolationException } from '@mikro-orm/core';

/** True when `error` is PostgreSQL refusing a row because of the named unique constraint/index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof UniqueConstraintViolationException)) return false;
  const detail = error as unknown as { constraint?: string; message: string };
  return detail.constraint === constraint || detail.message.includes(`"${constraint}"`);
}
