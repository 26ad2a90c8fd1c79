import { type Clock, systemClock } from './clock.js';
import { type GatehouseConfig, loadConfig } from './config.js';
import { createPasswordHasher, type PasswordHasher } from './crypto/password-hasher.js';
import { randomTokenGenerator, type TokenGenerator } from './crypto/tokens.js';
import { openDatabase } from './db/database.js';
import { migrate as applyMigrations, connectOrm, type Orm } from './db/orm.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { AuditLog } from './services/audit-log.js';
import { AuthService } from './services/auth.service.js';
import type { ServiceDeps } from './services/deps.js';
import { InviteService } from './services/invite.service.js';
import { UserService } from './services/user.service.js';
import { createLoginThrottle, type LoginThrottle } from './throttle/login-throttle.js';

export interface CreateCoreOptions {
  /** Parsed configuration; defaults to `loadConfig(process.env)`. */
  config?: GatehouseConfig;
  /** An ORM you already manage (you close it). Else one is opened from `databaseUrl`/config. */
  orm?: Orm;
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

export interface Core {
  config: GatehouseConfig;
  orm: Orm;
  users: UserService;
  invites: InviteService;
  auth: AuthService;
  audit: AuditLog;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  /** Closes what createCore opened (ORM, embedded database, throttle store, mail transport). */
  close(): Promise<void>;
}

/** The one entry point: wires config, database, crypto, mail and throttling into the services. */
export async function createCore(options: CreateCoreOptions = {}): Promise<Core> {
  const config = options.config ?? loadConfig();
  const closers: (() => Promise<void>)[] = [];
  let orm = options.orm;
  if (!orm) {
    const database = await openDatabase({
      databaseUrl: options.databaseUrl ?? config.databaseUrl,
      dataDir: config.dataDir,
      ...(options.onDatabaseLog ? { onLog: options.onDatabaseLog } : {}),
    });
    closers.push(database.stop);
    try {
      orm = await connectOrm(database.url);
    } catch (error) {
      await database.stop();
      throw error;
    }
    const opened = orm;
    closers.unshift(() => opened.close());
  }
  if (options.migrate !== false) await applyMigrations(orm);

  const throttle =
    options.throttle ??
    createLoginThrottle({
      maxFailures: config.loginMaxFailures,
      windowMinutes: config.loginWindowMinutes,
      redisUrl: config.redisUrl,
    });
  if (!options.throttle) closers.unshift(() => throttle.close());
  const mailer = options.mailer ?? createMailer(config);
  if (!options.mailer && mailer.close) closers.unshift(() => mailer.close?.() ?? Promise.resolve());

  const deps: ServiceDeps = {
    orm,
    config,
    clock: options.clock ?? systemClock,
    tokens: options.tokens ?? randomTokenGenerator,
    hasher:
      options.hasher ??
      createPasswordHasher({ logN: config.passwordHashLogN, maxConcurrent: config.maxConcurrentHashes }),
    mailer,
    throttle,
    onWarning: options.onWarning ?? ((message) => process.stderr.write(`[gatehouse] ${message}\n`)),
  };
  const audit = new AuditLog(deps);
  const activeOrm = orm;
  return {
    config,
    orm,
    audit,
    users: new UserService(deps, audit),
    invites: new InviteService(deps, audit),
    auth: new AuthService(deps, audit),
    async ping() {
      try {
        await activeOrm.em.fork().getConnection().execute('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      for (const close of closers) await close();
    },
  };
}
