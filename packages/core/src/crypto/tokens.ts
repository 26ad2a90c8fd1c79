import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets: 32 random bytes (256 bits) in base64url behind a prefix naming their kind, so a
 * leaked one is recognisable by secret scanners. Only their SHA-256 is stored, and they are looked up
 * by it: an equality match on a hash of 256 random bits leaks nothing a constant-time compare would hide.
 */
export const TOKEN_PREFIXES = {
  session: 'ghs_',
  apiToken: 'gha_',
  invite: 'ghi_',
  passwordReset: 'ghr_',
  /** The second step of a sign-in (auth.verifyMfa): 5 minutes, single use. */
  mfaChallenge: 'ghc_',
} as const;
export type TokenKind = keyof typeof TOKEN_PREFIXES;

export interface TokenGenerator {
  generate(kind: TokenKind): string;
}

export const randomTokenGenerator: TokenGenerator = {
  generate: (kind) => `${TOKEN_PREFIXES[kind]}${randomBytes(32).toString('base64url')}`,
};

/** SHA-256 hex of a secret; what the database stores and looks up by. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Cheap shape check that keeps malformed input away from the database. */
export function hasTokenShape(token: string, kind: TokenKind): boolean {
  const prefix = TOKEN_PREFIXES[kind];
  return token.startsWith(prefix) && /^[A-Za-z0-9_-]{43}$/.test(token.slice(prefix.length));
}

/** The first characters of an API token, kept to tell tokens apart in lists. Never enough to use it. */
export const displayPrefix = (token: string): string => token.slice(0, 12);
