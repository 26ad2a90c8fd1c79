import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../src/core.js';
import { createPasswordHasher } from '../src/crypto/password-hasher.js';
import { createTestCore, STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { auditRows, hashParams, sql } from './helpers.js';

const h = useTestCore();

const storedHash = async (id: string) => {
  const [row] = await sql<{ password_hash: string }>(
    h.core,
    'select password_hash from "user" where id = ?',
    [id],
  );
  return row?.password_hash ?? '';
};

describe('re-hash on login when the configured cost went up', () => {
  let stronger: Core;
  beforeAll(async () => {
    stronger = await createTestCore(h.databaseUrl, {
      env: { PASSWORD_HASH_LOGN: '11' },
      clock: h.clock,
      mailer: h.mailer,
    });
  });
  afterAll(async () => {
    await stronger?.close();
  });

  it('upgrades a logN 10 hash to 11 on the next successful login; the old core still verifies it', async () => {
    expect(h.core.config.passwordHashLogN).toBe(10);
    expect(stronger.config.passwordHashLogN).toBe(11);
    const user = await h.core.users.create({ email: 'upgrade@example.com', password: STRONG_PASSWORD });
    const original = await storedHash(user.id);
    expect(hashParams(original)).toEqual({ logN: 10, r: 8, p: 1 });

    // A failed login at the higher cost changes nothing.
    await expect(
      stronger.auth.login({ email: user.email, password: 'not the password' }, { ip: '10.5.0.1' }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await storedHash(user.id)).toBe(original);

    await stronger.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.5.0.1' });
    const upgraded = await storedHash(user.id);
    expect(upgraded).not.toBe(original);
    expect(hashParams(upgraded)).toEqual({ logN: 11, r: 8, p: 1 });
    expect(createPasswordHasher({ logN: 11 }).needsRehash(upgraded)).toBe(false);
    const [audit] = await auditRows(h.core, 'auth.login');
    expect(audit?.metadata).toEqual({ rehashed: true });

    // verify is cost-independent: the logN 10 core still signs the user in, and does not downgrade.
    await expect(
      h.core.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.5.0.2' }),
    ).resolves.toMatchObject({ user: { id: user.id } });
    expect(await storedHash(user.id)).toBe(upgraded);

    // A second login at 11 has nothing left to upgrade.
    await stronger.auth.login({ email: user.email, password: STRONG_PASSWORD }, { ip: '10.5.0.1' });
    expect(await storedHash(user.id)).toBe(upgraded);
    const logins = await auditRows(h.core, 'auth.login');
    expect(logins.map((row) => row.metadata?.rehashed)).toEqual([true, false, false]);
  });
});
