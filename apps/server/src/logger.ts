import pino, { type Logger } from 'pino';

// Bearer secrets by their documented prefixes, wherever they turn up (URLs of GET queries too).
const SECRET_PATTERN = /gh(?:s|a|i|r|c|setup)_[A-Za-z0-9_-]{20,}/g;

/** Replaces anything shaped like a Gatehouse secret. */
export const redactSecrets = (text: string): string => text.replace(SECRET_PATTERN, '[REDACTED]');

/**
 * The server's pino logger. Headers that carry credentials and any field named like a secret are
 * redacted; request URLs are scrubbed of tokens (a preview query carries one in its input).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.newPassword',
          '*.currentPassword',
          '*.token',
          '*.passwordHash',
          '*.apiTokenHash',
          '*.tokenHash',
          // Second factors: sign-in challenges, codes, TOTP secrets and recovery codes.
          '*.challenge',
          '*.code',
          '*.secret',
          '*.otpauthUrl',
          '*.recoveryCodes',
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        req: (req: { method: string; url: string; id?: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactSecrets(req.url),
          ip: req.ip,
        }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
