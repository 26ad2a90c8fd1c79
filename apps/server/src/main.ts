import { createCore, loadConfig } from '@gatehouse/core';
import { bootstrapAdmin } from './bootstrap.js';
import { buildServer } from './build-server.js';
import { createLogger } from './logger.js';
import { lowerHelperThreadPriority } from './thread-priority.js';

/** How long requests in flight at SIGTERM/SIGINT may take to finish before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How long closing the database (and the rest of core) may take after that. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Production entry: config → database (embedded unless DATABASE_URL) → migrations → admin
 * bootstrap → listen. SIGTERM/SIGINT stop accepting, finish in-flight requests (for at most
 * SHUTDOWN_GRACE_MS), then close the ORM and the embedded database, and exit 0.
 */
async function main(): Promise<void> {
  // This is the production server: NODE_ENV defaults to production here (hides internal errors).
  const config = loadConfig(undefined, { NODE_ENV: 'production' });
  const log = createLogger(config.logLevel);
  if (config.nodeEnv === 'production' && !config.smtpUrl) {
    // Without SMTP every invite and reset link goes to stdout: whoever reads the logs can use them.
    const warning =
      'SMTP_URL is not set: invite and password-reset links are written to stdout, so anyone who can read ' +
      "this server's output or logs can take over any account. Set SMTP_URL (and MAIL_FROM) in production.";
    log.warn({ smtpUrl: null }, warning);
    process.stderr.write(`\nWARNING: ${warning}\n\n`);
  }
  if (config.nodeEnv === 'production' && config.databaseUrl && !config.encryptionKey) {
    // TOTP secrets are sealed with this key; a key file on one host would not follow the database.
    log.warn(
      { encryptionKey: null },
      'ENCRYPTION_KEY is not set: authenticator-app (TOTP) enrolment is refused until it is (32 bytes in base64, the same on every instance)',
    );
  }
  const core = await createCore({
    config,
    onWarning: (message, error) => log.warn({ err: error }, message),
    onDatabaseLog: (line) => log.debug({ postgres: line.trim() }, 'embedded postgres'),
  });
  const firstRun = await bootstrapAdmin(core, log);
  const app = await buildServer({ core, logger: log, firstAdminSetup: firstRun?.setup ?? null });

  // Expired sessions and spent reset links can never authenticate again: clear them hourly.
  const purge = () =>
    core.purgeExpired().then(
      (purged) => log.debug(purged, 'purged expired credentials'),
      (error: unknown) => log.warn({ err: error }, 'purging expired credentials failed'),
    );
  const purgeTimer = setInterval(purge, 60 * 60 * 1000);
  purgeTimer.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    clearInterval(purgeTimer);
    // In-flight requests get a grace period; one stuck for good (a query waiting on a lock) must
    // not hold the process up for ever: past it, the remaining connections are cut.
    const grace = setTimeout(() => {
      log.warn(
        { graceMs: SHUTDOWN_GRACE_MS },
        'requests still in flight after the grace period; closing them',
      );
      app.server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    try {
      await app.close();
    } finally {
      clearTimeout(grace);
      // The pool waits for queries still running; those of cut requests are not waited for long.
      const closed = await Promise.race([
        core.close().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS)),
      ]);
      if (!closed)
        log.warn({ closeTimeoutMs: CLOSE_TIMEOUT_MS }, 'database connections did not close in time');
      log.info('stopped');
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  // Hashing (libuv's pool) must never starve the event loop: it runs at a lower priority.
  await lowerHelperThreadPriority(config.hashThreadNiceness);
  log.info(
    { url: config.publicUrl, database: config.databaseUrl ? 'DATABASE_URL' : 'embedded' },
    'Gatehouse is up',
  );
  void purge();
  if (firstRun) {
    // Printed plainly (not only logged) so an operator can copy it from the terminal.
    process.stdout.write(
      `\nNo admin yet. Open this one-time link to create the first admin:\n  ${firstRun.link}\n\n`,
    );
  }
}

main().catch((error: unknown) => {
  // One line that says what to do: config and embedded-database errors lead with it. What follows
  // in their message (PostgreSQL's last log lines) is also in the debug log (LOG_LEVEL=debug).
  const [headline] = (error instanceof Error ? error.message : String(error)).split('\n');
  process.stderr.write(`Gatehouse failed to start: ${headline}\n`);
  process.exit(1);
});
