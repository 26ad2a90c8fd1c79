import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GatehouseConfig } from '../config.js';
import { DomainError } from '../errors.js';

/**
 * Authenticated encryption of small secrets at rest (TOTP secrets): AES-256-GCM with a random
 * 96-bit nonce, bound to a context (the owner's id) so a ciphertext copied to another row does not
 * decrypt. Stored as `v1.<nonce>.<tag>.<ciphertext>` in base64url.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): Promise<string>;
  /** Throws when the ciphertext is malformed, forged, or sealed for another context or key. */
  open(sealed: string, context: string): Promise<string>;
}

const KEY_FILE = 'encryption.key';

/**
 * The key from ENCRYPTION_KEY, else one kept in DATA_DIR (`.data/` by default) in a 0600 file made
 * on first use. In production with DATABASE_URL the key must be set (a file on one host would not
 * follow the database to another): without it, using the box is refused with a clear error.
 */
export function createSecretBox(config: GatehouseConfig): SecretBox {
  let key: Promise<Buffer> | undefined;
  const keyOf = () => {
    key ??= resolveKey(config);
    // A failed resolution is not cached: fixing the file or the variable takes effect at once.
    key.catch(() => {
      key = undefined;
    });
    return key;
  };
  return {
    async seal(plaintext, context) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await keyOf(), nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', nonce, cipher.getAuthTag(), body]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    async open(sealed, context) {
      const [version, nonce, tag, body] = sealed.split('.');
      if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', await keyOf(), Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

async function resolveKey(config: GatehouseConfig): Promise<Buffer> {
  if (config.encryptionKey) return config.encryptionKey;
  if (config.databaseUrl && config.nodeEnv === 'production') {
    throw new DomainError(
      'ENCRYPTION_KEY_REQUIRED',
      'Second factors are unavailable: set ENCRYPTION_KEY (32 bytes in base64, e.g. `openssl rand -base64 32`) on every instance',
    );
  }
  const dir = config.dataDir ?? path.resolve('.data');
  const file = path.join(dir, KEY_FILE);
  await mkdir(dir, { recursive: true });
  try {
    // `wx`: of two processes making the key at once, one writes it and the other reads it.
    await writeFile(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (stored.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return stored;
}
