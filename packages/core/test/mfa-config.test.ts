import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createSecretBox } from '../src/crypto/secret-box.js';

describe('second-factor configuration', () => {
  it('defaults: no role must enrol, step-up covers 10 minutes, no key given', () => {
    expect(loadConfig({})).toMatchObject({
      mfaRequiredRoles: [],
      mfaStepUpMinutes: 10,
      encryptionKey: undefined,
    });
  });

  it('parses MFA_REQUIRED_ROLES, MFA_STEP_UP_MINUTES and a 32-byte ENCRYPTION_KEY; refuses bad ones', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(
      loadConfig({ MFA_REQUIRED_ROLES: 'admin, developer', MFA_STEP_UP_MINUTES: '5', ENCRYPTION_KEY: key }),
    ).toMatchObject({
      mfaRequiredRoles: ['admin', 'developer'],
      mfaStepUpMinutes: 5,
      encryptionKey: Buffer.alloc(32, 1),
    });
    expect(() => loadConfig({ MFA_REQUIRED_ROLES: 'root' })).toThrow(ConfigError);
    expect(() => loadConfig({ MFA_STEP_UP_MINUTES: '0' })).toThrow(/MFA_STEP_UP_MINUTES/);
    expect(() => loadConfig({ ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /ENCRYPTION_KEY/,
    );
  });
});

describe('the secret box (TOTP secrets at rest)', () => {
  it('without ENCRYPTION_KEY keeps a 0600 key file in DATA_DIR, made once and reused', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-key-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const sealed = await createSecretBox(config).seal('JBSWY3DPEHPK3PXP', 'usr_1');
    const file = path.join(dataDir, 'encryption.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toHaveLength(32);
    // Another process (another box) reads the same key.
    expect(await createSecretBox(config).open(sealed, 'usr_1')).toBe('JBSWY3DPEHPK3PXP');
    await expect(createSecretBox(config).open(sealed, 'usr_2')).rejects.toThrow();
  });

  it('in production with DATABASE_URL and no key, refuses with ENCRYPTION_KEY_REQUIRED', async () => {
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/gatehouse' });
    await expect(createSecretBox(config).seal('x', 'usr_1')).rejects.toMatchObject({
      code: 'ENCRYPTION_KEY_REQUIRED',
    });
  });

  it('a different key does not open a sealed secret', async () => {
    const one = createSecretBox(loadConfig({ ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') }));
    const two = createSecretBox(loadConfig({ ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('base64') }));
    const sealed = await one.seal('secret', 'usr_1');
    expect(sealed).not.toContain('secret');
    await expect(two.open(sealed, 'usr_1')).rejects.toThrow();
  });
});
