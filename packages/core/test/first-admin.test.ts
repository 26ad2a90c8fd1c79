import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, countRows, outcomes, warmPool } from './helpers.js';

const h = useTestCore();

describe('users.createFirstAdmin (bootstrap)', () => {
  it('creates the admin of an empty installation, normalising the email', async () => {
    const admin = await h.core.users.createFirstAdmin(
      { email: ' Root@Example.com ', password: STRONG_PASSWORD },
      { ip: '127.0.0.1' },
    );
    expect(admin).toMatchObject({ email: 'root@example.com', role: 'admin', hasPassword: true });
    expect(await h.core.users.countAdmins()).toBe(1);
    const [audit] = await auditRows(h.core, 'user.created');
    expect(audit?.metadata).toMatchObject({ bootstrap: true });
  });

  it('changes nothing and returns null when an admin exists', async () => {
    await h.core.users.create({ email: 'existing@example.com', password: STRONG_PASSWORD, role: 'admin' });
    await expect(
      h.core.users.createFirstAdmin({ email: 'second@example.com', password: STRONG_PASSWORD }),
    ).resolves.toBeNull();
    expect(await countRows(h.core, 'user')).toBe(1);
  });

  it('refuses a weak password', async () => {
    await expect(
      h.core.users.createFirstAdmin({ email: 'root@example.com', password: 'password123' }),
    ).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    expect(await countRows(h.core, 'user')).toBe(0);
  });

  it('of concurrent bootstraps (as by several starting instances) exactly one makes an admin', async () => {
    await warmPool(h.core, 8);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        h.core.users.createFirstAdmin({ email: `boot${i}@example.com`, password: STRONG_PASSWORD }),
      ),
    );
    const { fulfilled, unexpected, codes } = outcomes(results);
    expect(unexpected).toEqual([]);
    expect(codes).toEqual([]);
    expect(fulfilled.filter((user) => user !== null)).toHaveLength(1);
    expect(await h.core.users.countAdmins()).toBe(1);
  });
});
