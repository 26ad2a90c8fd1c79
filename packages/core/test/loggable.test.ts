import { DriverException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.js';
import { loggableError, redactSecrets } from '../src/loggable.js';
import { useTestCore } from '../src/testing/index.js';
import { sha256Hex, sql } from './helpers.js';

// Loggers print an error's message, stack and every cause's message. A database error's message
// is the failed statement with its values inlined, so a digest of a token would reach the log
// from anywhere in the chain unless loggableError stops it.
const h = useTestCore();
const token = `ghi_${'k'.repeat(43)}`;
const digest = sha256Hex(token);

/** A real driver error whose message inlines the digest, as a failed lookup by token would. */
async function failedLookup(): Promise<Error> {
  const error = await sql(h.core, 'select 1 / 0 from "invite" where "token" = ? or 1 = 1', [digest]).then(
    () => null,
    (caught: unknown) => caught as Error,
  );
  if (!error) throw new Error('the statement was meant to fail');
  // What a logger would otherwise print: the digest, in the message and the stack.
  expect(error.message).toContain(digest);
  return error;
}

describe('loggableError', () => {
  it('withholds the statement of a database error, keeping its kind, SQLSTATE and frames', async () => {
    // A raw statement's error comes from pg itself; the ORM wraps the same in a DriverException.
    const raw = await failedLookup();
    for (const [error, type] of [
      [raw, 'DatabaseError'],
      [new DriverException(raw), 'DriverException'],
    ] as const) {
      const logged = loggableError(error);
      expect(JSON.stringify(logged)).not.toContain(digest);
      expect(JSON.stringify(logged)).not.toContain('select');
      expect(logged).toMatchObject({
        type,
        message: 'database error (query and values withheld)',
        sqlState: '22012',
      });
      expect(logged.stack).toMatch(/^ {4}at /);
    }
  });

  it('withholds it deep in a cause chain too, as transports wrap what a procedure threw', async () => {
    const unavailable = new DomainError('DB_UNAVAILABLE', 'The database is unavailable', {
      cause: await failedLookup(),
    });
    const wrapped = new Error('procedure failed', { cause: unavailable });
    const logged = loggableError(wrapped);
    expect(JSON.stringify(logged)).not.toContain(digest);
    expect(JSON.stringify(logged)).not.toContain('select');
    expect(logged.message).toBe('procedure failed');
    expect(logged.cause?.message).toBe('The database is unavailable');
    expect(logged.cause?.cause?.sqlState).toBe('22012');
  });

  it('withholds a statement that reaches it without the ORM’s wrapping (knex puts it first)', () => {
    const lost = new Error(
      `update "invite" set "accepted" = true where "token" = '${digest}' - Connection terminated unexpectedly`,
    );
    const logged = loggableError(new Error('wrapped', { cause: lost }));
    expect(JSON.stringify(logged)).not.toContain(digest);
    expect(logged.cause?.message).toBe('database error (query and values withheld)');
  });

  it('keeps other messages, with anything shaped like a secret, a digest or a password hash redacted', () => {
    const scryptHash = `c2NyeXB0AA${'Q'.repeat(40)}`;
    const logged = loggableError(new TypeError(`cannot read ${token}, ${digest} or ${scryptHash}`));
    expect(logged).toMatchObject({
      type: 'TypeError',
      message: 'cannot read [REDACTED], [REDACTED] or [REDACTED]',
    });
    expect(JSON.stringify(logged)).not.toMatch(/ghi_k|c2NyeXB0AA/);
    expect(redactSecrets('no secret here: 42')).toBe('no secret here: 42');
  });

  it('holds only plain data, so a logger has nothing else to expand', async () => {
    const logged = loggableError(new Error('outer', { cause: await failedLookup() }));
    const values: unknown[] = [logged];
    for (const value of values) {
      expect(value instanceof Error).toBe(false);
      if (value && typeof value === 'object') values.push(...Object.values(value));
    }
    expect(loggableError('a thrown string')).toEqual({ type: 'string', message: 'a thrown string' });
  });
});
