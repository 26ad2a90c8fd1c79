import { createBackground } from './background.js';
import { type Clock, systemClock } from './clock.js';
import { type GatehouseConfig, loadConfig } from './config.js';
import { createPasswordHasher, type PasswordHasher } from './crypto/password-hasher.js';
import { createSecretBox } from './crypto/secret-box.js';
import { randomTokenGenerator, type TokenGenerator } from './crypto/tokens.js';
import { openDatabase } from './db/database.js';
import { createMigrations, type Migrations } from './db/migrations-api.js';
import { connectOrm, type Orm } from './db/orm.js';
import { createUnitOfWork } from './db/unit-of-work.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { ApiTokenService } from './services/api-token.service.js';
import { AuditLog } from './services/audit-log.js';
import { AuthService } from './services/auth.service.js';
import type { ServiceDeps } from './services/deps.js';
import { InviteService } from './services/invite.service.js';
import { MfaService } from './services/mfa.service.js';
import { PasswordService } from './services/password.service.js';
import { SecondFactors } from './services/second-factors.js';
import { SessionService } from './services/session.service.js';
import { UserService } from './services/user.service.js';
import { type LoginThrottle, loginThrottleOn } from './throttle/login-throttle.js';
import { createRateLimitStore, type RateLimiter, type RateLimitStore } from './throttle/rate-limiter.js';

export interface CreateCoreOptions {
  /** Parsed configuration; defaults to `loadConfig(process.env)`. */
  config?: GatehouseConfig;
  /** Overrides config.databaseUrl. Without either, the embedded PostgreSQL in `.data/` is started. */
  databaseUrl?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  mailer?: Mailer;
  clock?: Clock;
  tokens?: TokenGenerator;
  hasher?: PasswordHasher;
  throttle?: LoginThrottle;
  onWarning?: (message: string, error?: unknown) => void;
  /** Receives embedded PostgreSQL's log lines. */
  onDatabaseLog?: (line: string) => void;
}

/** Gatehouse's domain, ready to use: one service per area, each use-case one transaction. */
export interface Core {
  config: GatehouseConfig;
  users: UserService;
  invites: InviteService;
  /** Sign-in (with its second step), and resolving a session cookie or API token to its user. */
  auth: AuthService;
  /** Second factors: TOTP, passkeys, recovery codes; per-role enrolment, step-up, admin reset. */
  mfa: MfaService;
  /** Where a user is signed in; sign out one or all. */
  sessions: SessionService;
  /** Change a password, or reset it by mailed link. */
  passwords: PasswordService;
  apiTokens: ApiTokenService;
  audit: AuditLog;
  /** The committed schema migrations: what is applied, and applying the rest. */
  migrations: Migrations;
  /**
   * Per-IP limits for transports to apply (counts shared through Redis when REDIS_URL is set):
   * `requests` is the general ceiling in procedure calls a minute (RATE_LIMIT_PER_MINUTE), `hashing`
   * the budget of public calls that compute a password hash (HASH_RATE_PER_MINUTE).
   */
  limits: { requests: RateLimiter; hashing: RateLimiter };
  /** Resolves when work started after answering (reset mails) has finished. */
  idle(): Promise<void>;
  /** Deletes sessions, reset links and challenges that can never be used again (run it hourly). */
  purgeExpired(): Promise<{ sessions: number; passwordResets: number }>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  /** Closes what createCore opened (ORM, embedded database, throttle store, mail transport). */
  close(): Promise<void>;
}

/** Reset requests one address may make in an hour (beyond it: silently no mail). */
const RESET_MAILS_PER_IP_PER_HOUR = 20;

/** What is behind each core: for core's own test support only (see testing/), never for callers. */
const internalsOfCore = new WeakMap<Core, { orm: Orm; limits: RateLimitStore }>();
export const internalsOf = (core: Core) => {
  const internals = internalsOfCore.get(core);
  if (!internals) throw new Error('not a core made by createCore');
  return internals;
};

/** The one entry point: wires config, database, crypto, mail and throttling into the services. */
export async function createCore(options: CreateCoreOptions = {}): Promise<Core> {
  const config = options.config ?? loadConfig();
  const closers: (() => Promise<void>)[] = [];
  const database = await openDatabase({
    databaseUrl: options.databaseUrl ?? config.databaseUrl,
    dataDir: config.dataDir,
    ...(options.onDatabaseLog ? { onLog: options.onDatabaseLog } : {}),
  });
  closers.push(database.stop);
  let orm: Orm;
  try {
    orm = await connectOrm(database.url);
  } catch (error) {
    await database.stop();
    throw error;
  }
  closers.unshift(() => orm.close());
  const migrations = createMigrations(orm);
  try {
    if (options.migrate !== false) await migrations.up();
  } catch (error) {
    for (const close of closers) await close();
    throw error;
  }

  const store = createRateLimitStore(config.redisUrl);
  closers.unshift(() => store.close());
  const throttle =
    options.throttle ??
    loginThrottleOn(store.limiter('login', config.loginMaxFailures, config.loginWindowMinutes * 60));
  const onWarning = options.onWarning ?? ((message) => process.stderr.write(`[gatehouse] ${message}\n`));
  const background = createBackground(onWarning);
  const mailer = options.mailer ?? createMailer(config);
  if (!options.mailer && mailer.close) closers.unshift(() => mailer.close?.() ?? Promise.resolve());
  // Before anything else closes: let work started after answering (mails) finish.
  closers.unshift(() => background.idle());

  const db = createUnitOfWork(orm);
  const deps: ServiceDeps = {
    db,
    config,
    clock: options.clock ?? systemClock,
    tokens: options.tokens ?? randomTokenGenerator,
    hasher:
      options.hasher ??
      createPasswordHasher({ logN: config.passwordHashLogN, maxConcurrent: config.maxConcurrentHashes }),
    mailer,
    secrets: createSecretBox(config),
    throttle,
    resetLimits: {
      perEmail: store.limiter('reset-email', 3, 3600),
      perIp: store.limiter('reset-ip', RESET_MAILS_PER_IP_PER_HOUR, 3600),
    },
    background,
    onWarning,
  };
  const audit = new AuditLog(deps);
  const sessions = new SessionService(deps, audit);
  const passwords = new PasswordService(deps, audit);
  const factors = new SecondFactors(deps);
  const core: Core = {
    config,
    audit,
    users: new UserService(deps, audit),
    invites: new InviteService(deps, audit),
    auth: new AuthService(deps, audit, factors),
    mfa: new MfaService(deps, audit, factors),
    sessions,
    passwords,
    apiTokens: new ApiTokenService(deps, audit),
    migrations,
    limits: {
      requests: store.limiter('requests', config.rateLimitPerMinute, 60),
      hashing: store.limiter('hashing', config.hashRatePerMinute, 60),
    },
    idle: () => background.idle(),
    async purgeExpired() {
      // Sign-in challenges and WebAuthn ceremonies past their few minutes go too (not counted).
      const now = deps.clock.now();
      await db.sql('delete from "webauthn_challenge" where expires_at <= ?', [now]);
      await db.sql('delete from "mfa_challenge" where expires_at <= ?', [now]);
      return { sessions: await sessions.purgeExpired(), passwordResets: await passwords.purgeSpentResets() };
    },
    async ping() {
      try {
        await db.sql('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      for (const close of closers.splice(0)) await close();
    },
  };
  internalsOfCore.set(core, { orm, limits: store });
  return core;
}
