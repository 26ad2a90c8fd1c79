import { type Core, createCore, createStdoutMailer, loadConfig } from '@gatehouse/core';
import { confirm as confirmPrompt, password as passwordPrompt } from '@inquirer/prompts';
import { CliError } from './errors.js';

/** Where the CLI writes. `process.stdout` / `process.stderr` fit; tests pass collectors. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CoreFactoryOptions {
  verbose: boolean;
  /** The CLI's stderr: warnings, database logs (with --verbose) and stand-in mails go here. */
  stderr: Output;
}

/**
 * Opens the core the commands run on. The CLI closes what it returns (in a `finally`) and applies
 * pending migrations itself, so a factory should not migrate.
 */
export type CoreFactory = (options: CoreFactoryOptions) => Promise<Core>;

export interface Prompts {
  /** Asks for a secret without echoing it; `validate` returns an error message or true. */
  password(message: string, validate?: (value: string) => string | true): Promise<string>;
  confirm(message: string): Promise<boolean>;
}

export interface CliIO {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  coreFactory: CoreFactory;
  /** May the CLI ask questions? Default: stdin is a terminal. */
  interactive?: boolean;
  /** Interactive questions; default: @inquirer/prompts on stdin/stderr. */
  prompts?: Prompts;
}

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Opens the database exactly like the server: configuration from the environment (`loadConfig`),
 * DATABASE_URL when set, else the embedded PostgreSQL in `.data/` (or DATA_DIR). Without SMTP_URL,
 * mails are printed to stderr, so stdout stays clean for `--json` and piping.
 */
export const defaultCoreFactory: CoreFactory = async ({ verbose, stderr }) => {
  const config = loadConfig();
  try {
    return await createCore({
      config,
      migrate: false,
      ...(config.smtpUrl ? {} : { mailer: createStdoutMailer((text) => stderr.write(text)) }),
      onWarning: (message, error) =>
        stderr.write(`warning: ${message}${error === undefined ? '' : `: ${errorMessage(error)}`}\n`),
      ...(verbose ? { onDatabaseLog: (line: string) => stderr.write(`[postgres] ${line.trimEnd()}\n`) } : {}),
    });
  } catch (error) {
    if (config.databaseUrl) throw error;
    // The embedded database's errors lead with one line that says what to do; its log follows.
    const headline = errorMessage(error).split('\n')[0] ?? '';
    throw new CliError(`${headline} Add --verbose to see PostgreSQL's log.`);
  }
};

/** Prompts of @inquirer/prompts, drawn on stderr so that stdout only carries results. */
export function inquirerPrompts(io: Pick<CliIO, 'stdin' | 'stderr'>): Prompts {
  const context = { input: io.stdin, output: io.stderr as NodeJS.WritableStream, clearPromptOnDone: false };
  return {
    password: (message, validate) =>
      passwordPrompt({ message, mask: '*', ...(validate ? { validate } : {}) }, context),
    confirm: (message) => confirmPrompt({ message, default: false }, context),
  };
}

export function defaultIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    coreFactory: defaultCoreFactory,
  };
}
