import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from './errors.js';
import { isWellFormed } from './metadata.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

// ~50k most common passwords, shipped with zxcvbn-ts. Loaded once, on first use.
let common: Set<string> | undefined;
const commonPasswords = () => {
  common ??= new Set(dictionary['passwords-common']);
  return common;
};

/**
 * NIST 800-63B style: length bounds, no common passwords, nothing built on the user's email name;
 * no composition rules. Returns the reason, or null when the password is acceptable.
 */
export function passwordWeakness(password: string, email?: string): string | null {
  // A lone surrogate cannot be encoded: `a\ud800` and `a\udc00` would hash alike.
  if (!isWellFormed(password))
    return 'Password must not contain invalid characters (a lone UTF-16 surrogate)';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  const lowered = password.toLowerCase();
  if (commonPasswords().has(lowered)) return 'Password is too common; choose a less guessable one';
  const localPart = email?.split('@')[0]?.trim().toLowerCase();
  if (localPart && localPart.length >= 3 && lowered.includes(localPart)) {
    return 'Password must not contain your email name';
  }
  return null;
}

/** Throws WEAK_PASSWORD with the reason when the password is not acceptable. */
export function assertStrongPassword(password: string, email?: string): void {
  const reason = passwordWeakness(password, email);
  if (reason) throw new DomainError('WEAK_PASSWORD', reason);
}
