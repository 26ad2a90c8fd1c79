import type { Background } from '../background.js';
import type { Clock } from '../clock.js';
import type { GatehouseConfig } from '../config.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { TokenGenerator } from '../crypto/tokens.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import type { Mailer } from '../mail/mailer.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { RateLimiter } from '../throttle/rate-limiter.js';

/** What every service is built from; assembled once by `createCore`. */
export interface ServiceDeps {
  db: UnitOfWork;
  config: GatehouseConfig;
  clock: Clock;
  tokens: TokenGenerator;
  hasher: PasswordHasher;
  /** Seals TOTP secrets at rest (ENCRYPTION_KEY). */
  secrets: SecretBox;
  mailer: Mailer;
  throttle: LoginThrottle;
  /** Reset mails: at most 3 per email and a budget per IP, each per hour. */
  resetLimits: { perEmail: RateLimiter; perIp: RateLimiter };
  /** Work done after answering (reset mails), awaited by shutdown and tests. */
  background: Background;
  /** Where failures that must not fail the request (a mail that did not go) are reported. */
  onWarning: (message: string, error?: unknown) => void;
}

/** Who is asking and from where; recorded in the audit trail. */
export interface RequestMeta {
  actorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}
