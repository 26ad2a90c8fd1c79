import type { Core } from '@gatehouse/core';
import { createTestCore } from '@gatehouse/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sql, useCli } from './harness.js';

const h = useCli();

/**
 * A brand-new, empty database on the same server as this worker's, and a core on it (not
 * migrated). Its name starts with the worker database's, so the run's global teardown drops it:
 * a DROP DATABASE waits for a full checkpoint, which outlasted a hook's timeout on a loaded machine.
 */
async function freshDatabase(suffix: string): Promise<{ core: Core }> {
  const url = new URL(h.databaseUrl);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  url.pathname = `/${name}`;
  await sql(h.core, `create database "${name}"`);
  const core = await createTestCore(url.toString());
  cleanups.push(() => core.close());
  return { core };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const DATE_UTC = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d UTC`;

describe('gatehouse migrate', () => {
  it('--status on a migrated database lists the applied migrations and nothing pending', async () => {
    const result = await h.cli(['migrate', '--status']);
    expect(result.code).toBe(0);
    const executed = (await h.core.migrations.status()).applied;
    expect(executed.length).toBeGreaterThan(0);
    expect(result.stdout).toContain(`Applied migrations (${executed.length}):\n`);
    for (const { name } of executed) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${name} {2}${DATE_UTC}$`, 'm'));
    }
    expect(result.stdout).toContain('Pending migrations: none. The database is up to date.');
  });

  it('is idempotent: on a migrated database it says so, every time', async () => {
    for (let i = 0; i < 2; i += 1) {
      const result = await h.cli(['migrate']);
      expect(result).toEqual({ code: 0, stdout: 'Already up to date.\n', stderr: '' });
    }
  });

  it('on an empty database: --status shows what is pending, migrate applies it once', async () => {
    const fresh = await freshDatabase('fresh');
    const { pending } = await fresh.core.migrations.status();
    expect(pending.length).toBeGreaterThan(0);
    const listed = pending.map((name) => `  ${name}\n`).join('');

    const before = await h.cli(['migrate', '--status'], { core: fresh.core });
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(
      `Applied migrations (0):\n  none\nPending migrations (${pending.length}):\n${listed}` +
        'Run `gatehouse migrate` to apply them.\n',
    );

    const applied = await h.cli(['migrate'], { core: fresh.core });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toBe(`Applied ${pending.length} migration(s):\n${listed}`);
    const [row] = await sql<{ n: number }>(fresh.core, `select count(*)::int as n from "user"`);
    expect(row?.n).toBe(0);

    const again = await h.cli(['migrate'], { core: fresh.core });
    expect(again.stdout).toBe('Already up to date.\n');

    const status = await h.cli(['migrate', '--status', '--json'], { core: fresh.core });
    const parsed = JSON.parse(status.stdout) as {
      applied: { name: string; executedAt: string }[];
      pending: string[];
    };
    expect(parsed.pending).toEqual([]);
    expect(parsed.applied.map((migration) => migration.name)).toEqual(pending);
  });

  it('other commands apply pending migrations first and say so on stderr', async () => {
    const fresh = await freshDatabase('auto');
    const { pending } = await fresh.core.migrations.status();
    const result = await h.cli(['users', 'list'], { core: fresh.core });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`Applied ${pending.length} pending migration(s): ${pending.join(', ')}\n`);
    expect(result.stdout).toBe('No users match.\n');
  });
});
