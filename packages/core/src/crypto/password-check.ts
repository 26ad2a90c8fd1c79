import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from './password-hasher.js';

/** Dummy hashes per hasher and cost, made on first need. */
const dummyHashes = new WeakMap<PasswordHasher, Map<number, Promise<string>>>();

function dummyHash(hasher: PasswordHasher, logN: number): Promise<string> {
  let byCost = dummyHashes.get(hasher);
  if (!byCost) {
    byCost = new Map();
    dummyHashes.set(hasher, byCost);
  }
  let dummy = byCost.get(logN);
  if (!dummy) {
    dummy = hasher.hash(randomBytes(32).toString('base64'), logN);
    byCost.set(logN, dummy);
  }
  return dummy;
}

/**
 * Verifies `password` against `storedHash` with the same scrypt work whatever is stored, so timing
 * tells nothing about the account:
 * - no user or no password: one verification of a dummy hash at the configured cost;
 * - a hash at the configured cost: its verification;
 * - a hash made at a lower cost L (before PASSWORD_HASH_LOGN was raised to C): its verification,
 *   padded with dummy verifications at L, L+1, …, C-1, since scrypt's work doubles per step and
 *   2^L + (2^L + … + 2^(C-1)) = 2^C.
 */
export async function checkPassword(
  hasher: PasswordHasher,
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    await hasher.verify(await dummyHash(hasher, hasher.logN), password);
    return false;
  }
  const valid = await hasher.verify(storedHash, password);
  const cost = hasher.costOf(storedHash);
  if (cost !== null) {
    for (let padding = cost; padding < hasher.logN; padding += 1) {
      await hasher.verify(await dummyHash(hasher, padding), password);
    }
  }
  return valid;
}
