import { ConnectionException, DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/db/errors.js';

// What transports answer with 503 DB_UNAVAILABLE instead of a 500 (the hardening suite drives the
// real thing: a PostgreSQL stopped, restarted and exhausted under a running server).
const driverError = (message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new DriverException(Object.assign(new Error(message), extra)), extra);

describe('isDatabaseUnavailable', () => {
  it('recognises a database that is down, restarting, or has no free connection in time', () => {
    expect(isDatabaseUnavailable(new ConnectionException(new Error('connect ECONNREFUSED')))).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    const poolTimeout = new Error('Knex: Timeout acquiring a connection. The pool is probably full.');
    poolTimeout.name = 'KnexTimeoutError';
    expect(isDatabaseUnavailable(poolTimeout)).toBe(true);
    expect(
      isDatabaseUnavailable(
        driverError('terminating connection due to administrator command', { sqlState: '57P01' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(driverError('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDatabaseUnavailable(driverError('Transaction query already complete, run with DEBUG=knex:tx')),
    ).toBe(true);
    // Deep in a cause chain, as tRPC wraps what a procedure threw.
    expect(
      isDatabaseUnavailable(new Error('wrapped', { cause: new Error('x', { cause: poolTimeout }) })),
    ).toBe(true);
  });

  it('leaves statement failures alone (they stay what they are)', () => {
    expect(isDatabaseUnavailable(new UniqueConstraintViolationException(new Error('duplicate key')))).toBe(
      false,
    );
    expect(
      isDatabaseUnavailable(
        driverError('syntax error at or near "selec"', { sqlState: '42601', code: '42601' }),
      ),
    ).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
