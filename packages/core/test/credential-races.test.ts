import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Core } from '../src/core.js';
import {
  createTestCore,
  RecordingMailer,
  STRONG_PASSWORD,
  truncateAll,
  workerDatabaseUrl,
} from '../src/testing/index.js';
import { gatedHasher } from './helpers.js';

const NEW_PASSWORD = 'a completely different passphrase';

let core: Core;
const gated = gatedHasher('hash', { alwaysRehash: true });
beforeAll(async () => {
  core = await createTestCore(workerDatabaseUrl(inject('templateUrl')), {
    hasher: gated.hasher,
    mailer: new RecordingMailer(),
  });
});
beforeEach(async () => truncateAll(core));
afterAll(async () => core?.close());

describe('a login that was verified before a concurrent credential change', () => {
  it('does not undo a password change made while it was re-hashing', async () => {
    const user = await core.users.create({ email: 'race@example.com', password: STRONG_PASSWORD });
    const gate = gated.arm();
    const login = core.auth.login(
      { email: 'race@example.com', password: STRONG_PASSWORD },
      { ip: '10.9.0.1' },
    );
    await gate.reached; // verified, now re-hashing the old password
    await core.passwords.change(user.id, { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD });
    gate.release();

    await expect(login).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(
      core.auth.login({ email: 'race@example.com', password: NEW_PASSWORD }, { ip: '10.9.0.2' }),
    ).resolves.toBeTruthy();
    await expect(
      core.auth.login({ email: 'race@example.com', password: STRONG_PASSWORD }, { ip: '10.9.0.3' }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('issues no session to a user deleted meanwhile', async () => {
    await core.users.create({ email: 'admin@example.com', password: STRONG_PASSWORD, role: 'admin' });
    const user = await core.users.create({ email: 'leaving@example.com', password: STRONG_PASSWORD });
    const gate = gated.arm();
    const login = core.auth.login(
      { email: 'leaving@example.com', password: STRONG_PASSWORD },
      { ip: '10.9.1.1' },
    );
    await gate.reached;
    await core.users.delete(user.id);
    gate.release();
    await expect(login).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});

describe('password change', () => {
  it('ends reset links asked for before it', async () => {
    const user = await core.users.create({ email: 'reset@example.com', password: STRONG_PASSWORD });
    const mailer = new RecordingMailer();
    const withMail = await createTestCore(workerDatabaseUrl(inject('templateUrl')), { mailer });
    try {
      await withMail.passwords.requestReset({ email: 'reset@example.com' });
      await withMail.idle();
      const token = mailer.lastTokenFor('reset@example.com');
      await core.passwords.change(user.id, {
        currentPassword: STRONG_PASSWORD,
        newPassword: NEW_PASSWORD,
      });
      await expect(
        withMail.passwords.reset({ token, newPassword: 'yet another good passphrase' }),
      ).rejects.toMatchObject({
        code: 'INVALID_TOKEN',
      });
    } finally {
      await withMail.close();
    }
  });
});
