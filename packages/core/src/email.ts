/** Emails are trimmed and lower-cased before every read and write. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
