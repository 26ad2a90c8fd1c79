import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from './password-hasher.js';

/** One dummy hash per hasher (so at its cost), made on first need. */
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

/**
 * Verifies `password` against `storedHash`. A user without a password (or no user at all) costs
 * the same scrypt work, against a dummy hash, so timing does not tell them apart.
 */
export async function checkPassword(
  hasher: PasswordHasher,
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  let hash = storedHash;
  if (!hash) {
    let dummy = dummyHashes.get(hasher);
    if (!dummy) {
      dummy = hasher.hash(randomBytes(32).toString('base64'));
      dummyHashes.set(hasher, dummy);
    }
    hash = await dummy;
  }
  return (await hasher.verify(hash, password)) && Boolean(storedHash);
}
