import { z } from 'zod';

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

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: optionalString,
  DATA_DIR: optionalString,
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  PASSWORD_HASH_LOGN: intFrom(10, 17).pipe(z.number().max(22)),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // `true`, a hop count (`1` = the nearest proxy), or a comma list of proxy addresses/CIDRs.
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value): boolean | number | string[] => {
      const given = value?.trim() ?? 'false';
      if (given === 'true' || given === 'false') return given === 'true';
      if (/^\d+$/.test(given)) return Number(given);
      return given
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    }),
  CORS_ORIGINS: csv,
  MAX_CONCURRENT_HASHES: intFrom(1, 4),
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
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Fastify's trustProxy: whether, how many hops, or which proxies may set X-Forwarded-*. */
  trustProxy: boolean | number | string[];
  corsOrigins: string[];
  /** Upper bound of scrypt computations running at once (each takes 128 MiB at logN 17). */
  maxConcurrentHashes: number;
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
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    corsOrigins: e.CORS_ORIGINS,
    maxConcurrentHashes: e.MAX_CONCURRENT_HASHES,
  };
}
