import { typeid } from 'typeid-js';

/** Prefixed, time-sortable ids (TypeID: prefix + UUIDv7 in base32), e.g. `usr_01h…`. */
export const ID_PREFIXES = {
  user: 'usr',
  invite: 'inv',
  session: 'ses',
  passwordReset: 'pwr',
  auditEvent: 'aud',
  totpFactor: 'totp',
  passkey: 'pkey',
  recoveryCode: 'rec',
  mfaChallenge: 'mfc',
  webauthnChallenge: 'wac',
} as const;

export const newId = (kind: keyof typeof ID_PREFIXES): string => typeid(ID_PREFIXES[kind]).toString();
