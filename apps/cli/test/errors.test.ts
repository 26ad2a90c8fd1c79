import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type CliIO, run } from '../src/program.js';

/** The CLI with a core factory that fails the given way (no database involved). */
async function failingWith(error: unknown, args: string[] = ['users', 'list']) {
  let stdout = '';
  let stderr = '';
  const io: Partial<CliIO> = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    coreFactory: async () => {
      throw error;
    },
  };
  const code = await run(['node', 'gatehouse', ...args], io);
  return { code, stdout, stderr };
}

describe('unexpected errors', () => {
  it('print one line, without a stack unless --verbose', async () => {
    const quiet = await failingWith(new Error('connect ECONNREFUSED 127.0.0.1:5432\nmore detail'));
    expect(quiet).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: connect ECONNREFUSED 127.0.0.1:5432 (run with --verbose for details)\n',
    });

    const verbose = await failingWith(new Error('boom'), ['--verbose', 'users', 'list']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^error: boom\n {4}at /);
  });

  it('never print the SQL (and its parameters) of a failed query, even with --verbose', async () => {
    const driverError = Object.assign(
      new Error(
        `insert into "user" ("password_hash") values ('c2NyeXB0AAoAAAAI') - duplicate key value violates unique constraint "user_email_unique"`,
      ),
      { name: 'UniqueConstraintViolationException', sqlState: '23505', code: '23505' },
    );
    for (const args of [
      ['users', 'list'],
      ['--verbose', 'users', 'list'],
    ]) {
      const result = await failingWith(driverError, args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'error: database error: duplicate key value violates unique constraint "user_email_unique" (SQLSTATE 23505)',
      );
      expect(result.stderr).not.toContain('c2NyeXB0');
      expect(result.stderr).not.toContain('insert into');
    }
  });

  it('print a configuration error as it is', async () => {
    const { ConfigError } = await import('@gatehouse/core');
    const result = await failingWith(new ConfigError('Invalid configuration: PORT: Too big'));
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: Invalid configuration: PORT: Too big\n' });
  });

  it('treat an interrupted prompt as aborted (exit 130)', async () => {
    const interrupted = Object.assign(new Error('User force closed the prompt with SIGINT'), {
      name: 'ExitPromptError',
    });
    const result = await failingWith(interrupted);
    expect(result).toEqual({ code: 130, stdout: '', stderr: 'aborted\n' });
  });
});
