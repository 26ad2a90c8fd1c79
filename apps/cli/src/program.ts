import { readFileSync } from 'node:fs';
import { ConfigError, isDatabaseError, isDomainError, loggableError } from '@gatehouse/core';
import { Command, CommanderError } from 'commander';
import { registerAdmin } from './commands/admin.js';
import { registerApiToken } from './commands/api-token.js';
import { registerInvites } from './commands/invites.js';
import { registerMigrate } from './commands/migrate.js';
import { registerUsers } from './commands/users.js';
import { CommandContext, type RunState } from './context.js';
import { CliError } from './errors.js';
import { printable } from './format.js';
import { type CliIO, defaultIO, errorMessage } from './io.js';

export { CliError } from './errors.js';
export type { CliIO, CoreFactory, CoreFactoryOptions, Output, Prompts } from './io.js';
export { defaultCoreFactory } from './io.js';

const version = (): string => {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return String(manifest.version);
  } catch {
    return '0.0.0';
  }
};

/**
 * The `gatehouse` command tree. Help and commander's own errors go to `io`; nothing calls
 * `process.exit` (see `run`).
 */
export function buildProgram(io: CliIO, state: RunState = { exitCode: 0 }): Command {
  const ctx = new CommandContext(io, state);
  const program = new Command('gatehouse')
    .description(
      'Operator CLI of Gatehouse: database migrations, the first admin, users, invites and API tokens.' +
        ' Works on the database directly (no server needed): DATABASE_URL when set, else the embedded' +
        ' PostgreSQL in ./.data (or DATA_DIR), exactly like the server.',
    )
    .version(version(), '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces of unexpected errors and the embedded database log')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse migrate
  $ gatehouse admin create --email ops@example.com
  $ gatehouse users list --role admin
  $ gatehouse invites create --email new.colleague@example.com --role developer
  $ gatehouse users list --help

Environment: DATABASE_URL, DATA_DIR, PUBLIC_URL (links in invites), SMTP_URL and MAIL_FROM (mail
delivery; without SMTP_URL mails are printed to stderr), PASSWORD_HASH_LOGN, INVITE_TTL_HOURS.`,
    );

  registerMigrate(program, ctx);
  registerAdmin(program, ctx);
  registerUsers(program, ctx);
  registerInvites(program, ctx);
  registerApiToken(program, ctx);
  return program;
}

/**
 * Runs the CLI on `argv` (shaped like `process.argv`: node, script, then the arguments) and
 * resolves to the exit code. Errors are printed here, never thrown.
 */
export async function run(argv: readonly string[] = process.argv, io: Partial<CliIO> = {}): Promise<number> {
  const resolved: CliIO = { ...defaultIO(), ...io };
  const state: RunState = { exitCode: 0 };
  const program = buildProgram(resolved, state);
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    const verbose = Boolean(program.opts().verbose) || argv.includes('--verbose');
    return report(error, resolved, verbose);
  }
}

/** Prints an error the way an operator needs it and gives the exit code. */
function report(error: unknown, io: CliIO, verbose: boolean): number {
  // Messages may quote stored values (names, emails): never let them drive the terminal.
  const write = (line: string) => io.stderr.write(`${printable(line)}\n`);
  // Commander already printed its message (or the help / version it was asked for).
  if (error instanceof CommanderError) return error.exitCode;
  if (isDomainError(error)) {
    write(`error: ${error.message} (${error.code})`);
    return 1;
  }
  if (error instanceof CliError) {
    write(`error: ${error.message}`);
    return error.exitCode;
  }
  if (isZodError(error)) {
    write('error: invalid input');
    for (const issue of error.issues) {
      write(`  - ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    }
    return 1;
  }
  if (error instanceof Error && error.name === 'ExitPromptError') {
    write('aborted');
    return 130;
  }
  if (error instanceof ConfigError) {
    write(`error: ${error.message}`);
    return 1;
  }
  const message = safeMessage(error);
  write(`error: ${message}${verbose ? '' : ' (run with --verbose for details)'}`);
  if (verbose && error instanceof Error && error.stack) {
    const frames = error.stack.indexOf('\n    at ');
    if (frames >= 0) write(error.stack.slice(frames + 1));
  }
  return 1;
}

interface ZodLikeError {
  issues: { path: PropertyKey[]; message: string }[];
}

const isZodError = (error: unknown): error is ZodLikeError =>
  error instanceof Error &&
  error.name === 'ZodError' &&
  Array.isArray((error as unknown as ZodLikeError).issues);

/**
 * One line, and never the SQL of a failed query: a driver error's message starts with the query
 * and its parameters (which may hold a hash), so only the database's own message is shown.
 */
function safeMessage(error: unknown): string {
  let message = errorMessage(error);
  if (isDatabaseError(error)) {
    const tail = message.lastIndexOf(' - ');
    const { type, sqlState } = loggableError(error);
    message = `database error: ${tail >= 0 ? message.slice(tail + 3) : type} (SQLSTATE ${sqlState ?? 'unknown'})`;
  }
  return message.split('\n')[0]?.trim() || 'unknown error';
}
