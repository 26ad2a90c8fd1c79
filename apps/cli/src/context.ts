import {
  type Core,
  type CountedPage,
  DomainError,
  normalizeEmail,
  passwordWeakness,
  type RequestMeta,
  type UserDto,
} from '@gatehouse/core';
import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from './errors.js';
import { jsonText, plural } from './format.js';
import { type CliIO, errorMessage, inquirerPrompts, type Prompts } from './io.js';

export { CliError } from './errors.js';

/** Audit meta of every CLI action: no signed-in actor, no client IP. */
export const CLI_META: RequestMeta = { actorId: null, ip: null, userAgent: 'gatehouse-cli' };

export interface RunState {
  exitCode: number;
}

/** What every command gets: output, prompts and the core lifecycle. One per `run`. */
export class CommandContext {
  readonly prompts: Prompts;
  readonly interactive: boolean;

  constructor(
    readonly io: CliIO,
    readonly state: RunState,
  ) {
    this.prompts = io.prompts ?? inquirerPrompts(io);
    this.interactive = io.interactive ?? Boolean(io.stdin.isTTY);
  }

  /** Writes one line (or nothing but the newline) to stdout. */
  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** Writes one line to stderr: notes, warnings and hints that are not the command's result. */
  note(line = ''): void {
    this.io.stderr.write(`${line}\n`);
  }

  json(value: unknown): void {
    this.out(jsonText(value));
  }

  /**
   * Prints one page of a list: JSON (`--json`), or a table with a count, a helpful empty state and
   * the command that shows the next page.
   */
  printPage<T>(
    page: CountedPage<T>,
    view: {
      json: boolean;
      noun: string;
      onLaterPage: boolean;
      table: (items: T[]) => string;
      /** The list command with its filters, to which `--cursor` is appended. */
      nextCommand: string[];
    },
  ): void {
    if (view.json) {
      this.json({
        items: page.items,
        nextCursor: page.nextCursor,
        total: page.total,
        totalCapped: page.totalCapped,
      });
      return;
    }
    if (page.items.length === 0) {
      this.out(view.onLaterPage ? `No ${view.noun}s match on this page.` : `No ${view.noun}s match.`);
      return;
    }
    this.out(view.table(page.items));
    this.out();
    this.out(
      page.totalCapped
        ? `Showing ${page.items.length} of more than ${plural(page.total, view.noun)}.`
        : `Showing ${page.items.length} of ${plural(page.total, view.noun)}.`,
    );
    if (page.nextCursor)
      this.out(`Next page: ${[...view.nextCommand, `--cursor ${page.nextCursor}`].join(' ')}`);
  }

  /** Marks the run as failed without throwing (e.g. an import with bad rows). */
  fail(exitCode = 1): void {
    this.state.exitCode = exitCode;
  }

  /**
   * Opens the core, applies pending migrations (unless `autoMigrate` is false), runs `fn`, and
   * always closes the core afterwards.
   */
  async withCore<T>(
    command: Command,
    fn: (core: Core) => Promise<T>,
    options: { autoMigrate?: boolean } = {},
  ): Promise<T> {
    const verbose = isVerbose(command);
    const core = await this.io.coreFactory({ verbose, stderr: this.io.stderr });
    try {
      if (options.autoMigrate !== false) {
        const applied = await core.migrations.up();
        if (applied.length > 0)
          this.note(`Applied ${applied.length} pending migration(s): ${applied.join(', ')}`);
      }
      return await fn(core);
    } finally {
      try {
        await core.close();
      } catch (error) {
        this.note(`warning: closing the database failed: ${errorMessage(error)}`);
      }
    }
  }

  /**
   * A new password for `email`: read from stdin with `--password-stdin`, else asked twice at the
   * terminal (checked against the password policy as it is typed). Never echoed, never printed.
   */
  async newPassword(email: string, fromStdin: boolean, options: { noneFlag?: string } = {}): Promise<string> {
    if (fromStdin) {
      const password = (await readAll(this.io.stdin)).replace(/\r?\n$/, '');
      if (password.length === 0) throw new CliError('no password on stdin (--password-stdin)');
      return password;
    }
    if (!this.interactive) {
      throw new CliError(
        'no password given: pipe it in with --password-stdin, or run in a terminal to be asked' +
          (options.noneFlag ? `, or use ${options.noneFlag} to set none` : ''),
      );
    }
    const address = normalizeEmail(email);
    const password = await this.prompts.password(
      `Password for ${address}:`,
      (value) => passwordWeakness(value, address) ?? true,
    );
    const again = await this.prompts.password('Repeat the password:');
    if (again !== password) throw new CliError('the two passwords do not match; nothing was changed');
    return password;
  }

  /** Asks for a yes/no; false when not interactive (the caller says how to skip the question). */
  async confirm(message: string): Promise<boolean> {
    if (!this.interactive) return false;
    return this.prompts.confirm(message);
  }
}

export const isVerbose = (command: Command): boolean => Boolean(command.optsWithGlobals().verbose);

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A user by id (`usr_…`) or by email (any case). NOT_FOUND otherwise. */
export async function resolveUser(core: Core, ref: string): Promise<UserDto> {
  const value = ref.trim();
  if (value.includes('@')) {
    const user = await core.users.findByEmail(value);
    if (!user) throw new DomainError('NOT_FOUND', `No user with the email ${normalizeEmail(value)}`);
    return user;
  }
  return core.users.get(value);
}

/** Parses a whole number for commander; the range is checked by core's schemas. */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) {
    throw new InvalidArgumentError('Not a whole number.');
  }
  return Number(value);
}
