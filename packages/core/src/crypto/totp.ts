import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** Steps of clock drift accepted either side of now. */
const WINDOW = 1;
const ISSUER = 'Gatehouse';

const totpOf = (base32Secret: string, label = '') =>
  new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(base32Secret),
  });

/** A new 160-bit secret in RFC 4648 base32 (what authenticator apps import and export). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/…` URL of a QR code for `label` (the user's email). */
export function otpauthUrl(base32Secret: string, label: string): string {
  return totpOf(base32Secret, label).toString();
}

/** A six-digit code as typed: spaces are allowed between digits. */
export const totpCodeShape = (code: string): string | null => {
  const digits = code.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
};

/**
 * The time step `code` belongs to, within ±1 step of `now`, or null. The caller refuses a step that
 * was already used (replay), so the step is what it records.
 */
export function matchTotpStep(base32Secret: string, code: string, now: Date): number | null {
  const timestamp = now.getTime();
  const delta = totpOf(base32Secret).validate({ token: code, timestamp, window: WINDOW });
  if (delta === null) return null;
  return Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
}

/** The code of `now`'s step (tests, and an operator checking a clock). */
export const totpCodeAt = (base32Secret: string, now: Date): string =>
  totpOf(base32Secret).generate({ timestamp: now.getTime() });
