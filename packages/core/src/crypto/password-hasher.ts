import pLimit from 'p-limit';
import * as scryptModule from 'scrypt-kdf';
import { DomainError } from '../errors.js';

// scrypt-kdf 4 declares named exports in its .d.ts but its JS has only a default export, so
// `import { kdf }` type-checks and fails at run time. Take the default object, typed from the
// declarations; this is the only place that touches the package.
type ScryptModule = typeof scryptModule;
const Scrypt = ((scryptModule as unknown as { default?: ScryptModule }).default ??
  scryptModule) as ScryptModule;

export const DEFAULT_PASSWORD_HASH_LOGN = 17;

export interface PasswordHasher {
  /** The configured cost. */
  readonly logN: number;
  /** Hashes at the configured cost, or at `logN` when given (dummy hashes for equal work). */
  hash(password: string, logN?: number): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** The cost a stored hash was made with, or null when it is not a scrypt-kdf hash. */
  costOf(hash: string): number | null;
  /** True when the hash was made with a lower cost than the configured one. */
  needsRehash(hash: string): boolean;
}

/**
 * How many hashes may wait: about eight hash durations per worker (~4.5 s of work at logN 17, whose
 * hash takes ~0.5 s), so a sign-in admitted to the queue is answered well within a proxy's timeout
 * rather than after a minute; cheaper costs may queue more (up to 256), costlier ones fewer.
 */
export function defaultMaxQueued(logN: number, maxConcurrent: number): number {
  return Math.max(maxConcurrent, Math.min(256, Math.round(maxConcurrent * 8 * 2 ** (17 - logN))));
}

/**
 * scrypt-kdf wrapper: base64 output, r=8, p=1, logN from config. Every computation takes ~128 MiB at
 * logN 17 and runs on the libuv pool, so at most `maxConcurrent` run at once and at most
 * `maxQueued` wait; past that the caller gets BUSY (503) at once instead of a queue that grows
 * without end under a flood of logins.
 */
export function createPasswordHasher(
  options: { logN?: number; maxConcurrent?: number; maxQueued?: number } = {},
): PasswordHasher {
  const logN = options.logN ?? DEFAULT_PASSWORD_HASH_LOGN;
  const maxConcurrent = options.maxConcurrent ?? 4;
  const limit = pLimit(maxConcurrent);
  const maxQueued = options.maxQueued ?? defaultMaxQueued(logN, maxConcurrent);
  const schedule = <T>(work: () => Promise<T>): Promise<T> => {
    if (limit.pendingCount >= maxQueued) {
      throw new DomainError('BUSY', 'The server is busy checking passwords; try again in a moment');
    }
    return limit(work);
  };
  const costOf = (hash: string): number | null => {
    try {
      return Scrypt.viewParams(Buffer.from(hash, 'base64')).logN;
    } catch {
      return null;
    }
  };
  return {
    logN,
    async hash(password, cost = logN) {
      const key = await schedule(() => Scrypt.kdf(password, { logN: cost, r: 8, p: 1 }));
      return Buffer.from(key).toString('base64');
    },
    async verify(hash, password) {
      const key = Buffer.from(hash, 'base64');
      const result = schedule(() => Scrypt.verify(key, password));
      try {
        return await result;
      } catch {
        // A malformed stored hash never matches.
        return false;
      }
    },
    costOf,
    needsRehash(hash) {
      return (costOf(hash) ?? 0) < logN;
    },
  };
}
