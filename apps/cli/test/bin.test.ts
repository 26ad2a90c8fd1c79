import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { UserDto } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useCli } from './harness.js';

const h = useCli();
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The real entry point (src/bin.ts under tsx) in its own process, configured only by environment. */
function gatehouse(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/bin.ts', ...args],
      { cwd: packageDir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the gatehouse binary', { timeout: 90_000 }, () => {
  it('lists users as JSON from the database in DATABASE_URL', async () => {
    const admin = await h.core.users.create({
      email: 'admin@example.com',
      password: STRONG_PASSWORD,
      role: 'admin',
    });
    const dev = await h.core.users.create({ email: 'dev@example.com', role: 'developer' });
    const result = await gatehouse(['users', 'list', '--json'], { DATABASE_URL: h.databaseUrl });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as { items: UserDto[]; nextCursor: string | null; total: number };
    expect(page.total).toBe(2);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((user) => [user.id, user.email, user.role, user.hasPassword])).toEqual([
      [dev.id, 'dev@example.com', 'developer', false],
      [admin.id, 'admin@example.com', 'admin', true],
    ]);
    expect(result.stdout).not.toMatch(/hash|"password"/i);
  });

  it('exits with code 1 on a domain error, with the message on stderr', async () => {
    await h.core.users.create({ email: 'admin@example.com', password: STRONG_PASSWORD, role: 'admin' });
    const result = await gatehouse(['users', 'delete', 'admin@example.com', '--yes'], {
      DATABASE_URL: h.databaseUrl,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: Cannot delete the last admin: promote another user to admin first (LAST_ADMIN)\n',
    );
  });
});
