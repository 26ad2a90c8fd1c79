import { createHash, randomBytes } from 'node:crypto';

/** Codes in one set. */
export const RECOVERY_CODES_PER_SET = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 12 characters of a 32-letter alphabet: 60 random bits each (the contract asks for ≥ 50). */
const LENGTH = 12;

/** A new code, shown as `xxxx-xxxx-xxxx` (lower-case base32, no ambiguous case). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(LENGTH);
  const chars = Array.from(bytes, (byte) => ALPHABET[byte & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/** The code as typed, without separators or case; null when it cannot be a recovery code. */
export function normalizeRecoveryCode(code: string): string | null {
  const normalized = code.replace(/[\s-]+/g, '').toLowerCase();
  return normalized.length === LENGTH && [...normalized].every((c) => ALPHABET.includes(c))
    ? normalized
    : null;
}

/** What is stored: SHA-256 of the owner and the normalised code (60 random bits; no password to stretch). */
export const hashRecoveryCode = (userId: string, normalized: string): string =>
  createHash('sha256').update(`${userId}:${normalized}`, 'utf8').digest('hex');
