import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, useTestCore } from '../src/testing/index.js';
import { enrolPasskey, softAuthenticator } from './mfa-helpers.js';

// Production with DATABASE_URL and no ENCRYPTION_KEY (an empty value counts as unset). The URL here
// only marks the configuration; the harness connects to this worker's database.
const h = useTestCore({
  env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://db.invalid/gatehouse', ENCRYPTION_KEY: '' },
});

describe('no ENCRYPTION_KEY in production', () => {
  it('refuses authenticator-app enrolment with ENCRYPTION_KEY_REQUIRED; passkeys still work', async () => {
    expect(h.core.config.encryptionKey).toBeUndefined();
    const user = await h.core.users.create({ email: 'keyless@example.com', password: STRONG_PASSWORD });
    await expect(h.core.mfa.startTotp(user.id)).rejects.toMatchObject({
      code: 'ENCRYPTION_KEY_REQUIRED',
      kind: 'unavailable',
      message: expect.stringContaining('ENCRYPTION_KEY'),
    });
    const added = await enrolPasskey(h.core, user.id, softAuthenticator());
    expect(added.recoveryCodes).toHaveLength(10);
  });
});
