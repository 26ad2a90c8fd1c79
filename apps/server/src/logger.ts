import { loggableError, redactSecrets } from '@gatehouse/core';
import pino, { type Logger } from 'pino';

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
        // Every error logged under `err` (ours and Fastify's): causes included, SQL and secrets never.
        err: (error: unknown) => (error instanceof Error ? loggableError(error) : error),
      },
    },
    destination,
  );
}
