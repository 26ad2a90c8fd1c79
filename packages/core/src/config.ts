import { isIP } from 'node:net';
import { z } from 'zod';
import { ROLES, type Role } from './roles.js';

/**
 * The one place that reads process.env. Every variable of the operator contract is parsed and
 * defaulted here; everything else receives a typed `GatehouseConfig`.
 */
const intFrom = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);
const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** scrypt's memory is 1 KiB * 2^logN at r = 8; above 20 it exceeds what Node lets scrypt use. */
const MAX_PASSWORD_HASH_LOGN = 20;

const TRUST_PROXY_EXAMPLE = 'TRUST_PROXY=10.0.0.0/8,127.0.0.1,::1';
const TRUST_PROXY_ADVICE = `write the addresses or CIDRs of your proxies instead, e.g. ${TRUST_PROXY_EXAMPLE} (leave it unset when no proxy is in front)`;

/**
 * TRUST_PROXY as the list of proxies to trust, or the reason it is refused. Only explicit proxy
 * addresses are accepted: `true` makes the client IP the leftmost X-Forwarded-For entry and a hop
 * count trusts whoever connects, so either lets a client write the IP it is throttled and audited
 * by. A prefix of length 0 (`0.0.0.0/0`, `::/0`) trusts everyone too.
 */
function parseTrustProxy(value: string): string[] | string {
  const given = value.trim();
  if (!given) return [];
  if (/^(true|yes|on|all|\*)$/i.test(given))
    return `"${given}" would trust every hop of X-Forwarded-For, which clients write, so any client could choose its IP; ${TRUST_PROXY_ADVICE}`;
  if (/^(false|no|off|none)$/i.test(given))
    return `"${given}" is not accepted: leave TRUST_PROXY unset (or empty) to trust no proxy, or ${TRUST_PROXY_ADVICE}`;
  if (/^\d+$/.test(given))
    return `hop counts ("${given}") are refused: they trust whoever connects, so any client could choose its IP; ${TRUST_PROXY_ADVICE}`;
  const entries = given
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length > 0)
    return `not an IP address or CIDR: ${bad.map((entry) => `"${entry}"`).join(', ')}; ${TRUST_PROXY_ADVICE}`;
  return entries;
}

/** An IPv4/IPv6 address, optionally with a prefix length of 1–32 / 1–128 (not 0: that is everyone). */
function isProxyAddress(entry: string): boolean {
  const match = entry.match(/^([^/]+)(?:\/(\d{1,3}))?$/);
  const address = match?.[1] ?? '';
  const family = isIP(address);
  if (family === 0) return false;
  if (match?.[2] === undefined) return true;
  const prefix = Number(match[2]);
  return prefix >= 1 && prefix <= (family === 4 ? 32 : 128);
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: optionalString,
  DATA_DIR: optionalString,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  // scrypt needs 128 * r * 2^logN bytes (r = 8): logN 20 is 1 GiB; 21 needs 2 GiB, more than Node's
  // scrypt allows (maxmem < 2 GiB), so every hash would fail.
  PASSWORD_HASH_LOGN: intFrom(10, 17).pipe(
    z.number().max(MAX_PASSWORD_HASH_LOGN, {
      error: `at most ${MAX_PASSWORD_HASH_LOGN}: scrypt refuses more (logN 21 needs 2 GiB per hash, above Node's limit); 17 is the default`,
    }),
  ),
  LOGIN_MAX_FAILURES: intFrom(1, 10),
  LOGIN_WINDOW_MINUTES: intFrom(1, 15),
  INVITE_TTL_HOURS: intFrom(1, 168),
  SESSION_TTL_HOURS: intFrom(1, 168),
  PASSWORD_RESET_TTL_MINUTES: intFrom(1, 60),
  ADMIN_EMAIL: optionalString,
  // Secrets are taken exactly as given: trimming would change the password.
  ADMIN_PASSWORD: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Gatehouse <no-reply@gatehouse.local>'),
  REDIS_URL: optionalString,
  RATE_LIMIT_PER_MINUTE: intFrom(1, 1000),
  // Unset: a tenth of RATE_LIMIT_PER_MINUTE (at least 1).
  HASH_RATE_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // A comma list of proxy addresses/CIDRs; unset trusts no proxy. See parseTrustProxy.
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx): string[] => {
      const parsed = parseTrustProxy(value ?? '');
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      return typeof parsed === 'string' ? [] : parsed;
    }),
  CORS_ORIGINS: csv,
  MAX_CONCURRENT_HASHES: intFrom(1, 4),
  HASH_THREAD_NICENESS: intFrom(0, 10).pipe(z.number().max(19)),
  // Roles whose users must have a second factor (comma list, e.g. `admin`); empty: none must.
  MFA_REQUIRED_ROLES: csv.pipe(z.array(z.enum(ROLES, { error: `roles are ${ROLES.join(', ')}` }))),
  MFA_STEP_UP_MINUTES: intFrom(1, 10),
  // 32 bytes in base64: encrypts TOTP secrets at rest. Taken exactly as given.
  ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((value) => value === undefined || Buffer.from(value, 'base64').length === 32, {
      error: 'must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`)',
    }),
});

export type GatehouseConfig = {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL keeps its cluster when DATABASE_URL is unset. */
  dataDir: string | undefined;
  host: string;
  port: number;
  publicUrl: string;
  passwordHashLogN: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  inviteTtlHours: number;
  sessionTtlHours: number;
  passwordResetTtlMinutes: number;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  redisUrl: string | undefined;
  rateLimitPerMinute: number;
  /** Per-IP budget of public calls that compute a password hash (login, accept, reset, setup). */
  hashRatePerMinute: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Addresses/CIDRs of the proxies in front, for Fastify's trustProxy: the client IP is the rightmost
   * X-Forwarded-For hop not in this list. Empty: trust no proxy (the client IP is the peer's).
   */
  trustProxy: string[];
  corsOrigins: string[];
  /** Upper bound of scrypt computations running at once (each takes 128 MiB at logN 17). */
  maxConcurrentHashes: number;
  /**
   * How much lower (in nice steps, 0–19) the server runs its helper threads (where scrypt hashes)
   * than the thread that answers requests; 0 leaves them alone. Read by the server at start.
   */
  hashThreadNiceness: number;
  /** Roles whose users must enrol a second factor before anything else (MFA_REQUIRED_ROLES). */
  mfaRequiredRoles: Role[];
  /** How long a second-factor check on a session covers sensitive actions (MFA_STEP_UP_MINUTES). */
  mfaStepUpMinutes: number;
  /**
   * Key of TOTP secrets at rest (ENCRYPTION_KEY, 32 bytes). Unset: a key kept in DATA_DIR is used,
   * made on first use; in production with DATABASE_URL it must be set (see crypto/secret-box.ts).
   */
  encryptionKey: Buffer | undefined;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment (or any record shaped like it). Throws ConfigError naming each bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  /** Defaults that differ by entry point, e.g. NODE_ENV=production for the production server. */
  defaults: Record<string, string> = {},
): GatehouseConfig {
  // A variable set to an empty string counts as unset (so `PORT=` means the default, not port 0).
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse({ ...defaults, ...given });
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${reasons.join('; ')}`);
  }
  const e = parsed.data;
  const publicUrl = (
    e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`
  ).replace(/\/+$/, '');
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    passwordHashLogN: e.PASSWORD_HASH_LOGN,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginWindowMinutes: e.LOGIN_WINDOW_MINUTES,
    inviteTtlHours: e.INVITE_TTL_HOURS,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    passwordResetTtlMinutes: e.PASSWORD_RESET_TTL_MINUTES,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    redisUrl: e.REDIS_URL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    hashRatePerMinute: e.HASH_RATE_PER_MINUTE ?? Math.max(1, Math.floor(e.RATE_LIMIT_PER_MINUTE / 10)),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    corsOrigins: e.CORS_ORIGINS,
    maxConcurrentHashes: e.MAX_CONCURRENT_HASHES,
    hashThreadNiceness: e.HASH_THREAD_NICENESS,
    mfaRequiredRoles: [...new Set(e.MFA_REQUIRED_ROLES)],
    mfaStepUpMinutes: e.MFA_STEP_UP_MINUTES,
    encryptionKey: e.ENCRYPTION_KEY === undefined ? undefined : Buffer.from(e.ENCRYPTION_KEY, 'base64'),
  };
}
