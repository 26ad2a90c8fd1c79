import { readFile } from 'node:fs/promises';
import {
  type Core,
  isDatabaseError,
  isDomainError,
  loggableError,
  ROLES,
  type Role,
  schemas,
} from '@gatehouse/core';
import cliProgress from 'cli-progress';
import { parse } from 'csv-parse/sync';
import { CLI_META, CliError, type CommandContext } from './context.js';
import { plural, printable } from './format.js';
import { errorMessage } from './io.js';

export interface ImportOptions {
  file: string;
  /** For rows whose role cell is empty or missing. */
  defaultRole: Role;
  sendEmail: boolean;
  dryRun: boolean;
}

type Result = 'created' | 'reused' | 'failed';

interface RowOutcome {
  line: number;
  email: string;
  result: Result;
  reason?: string;
  acceptUrl?: string;
  emailSent?: boolean;
}

interface Row {
  line: number;
  email: string;
  role: Role;
  /** Set when the row is bad before anything is asked of the database. */
  problem?: string;
}

const COLUMNS = ['email', 'role'];

/** Reads and checks the file: header `email,role` (role optional), then one invite per row. */
async function readRows(file: string, defaultRole: Role): Promise<Row[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${printable(file)}: ${printable(errorMessage(error))}`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new CliError(`${printable(file)} is not valid CSV: ${printable(errorMessage(error))}`);
  }
  const [header, ...data] = records;
  if (!header)
    throw new CliError(
      `${printable(file)} is empty: expected a header line "email,role" and one row per invite`,
    );
  const names = header.record.map((name) => name.toLowerCase());
  const emailAt = names.indexOf('email');
  const roleAt = names.indexOf('role');
  const unknown = names.filter((name) => !COLUMNS.includes(name));
  if (emailAt < 0 || unknown.length > 0) {
    throw new CliError(
      `${printable(file)}: the first line must be the header "email,role" (found "${printable(header.record.join(','))}")`,
    );
  }

  const seen = new Map<string, number>();
  return data.map(({ record, info }): Row => {
    const line = info.lines;
    const rawEmail = record[emailAt] ?? '';
    const rawRole = roleAt >= 0 ? (record[roleAt] ?? '') : '';
    const row: Row = { line, email: rawEmail, role: defaultRole };
    if (record.length > names.length) {
      return { ...row, problem: `${record.length} fields, but the header has ${names.length}` };
    }
    const email = schemas.emailSchema.safeParse(rawEmail);
    if (!email.success) {
      return {
        ...row,
        problem: `invalid email: ${email.error.issues.map((issue) => issue.message).join('; ')}`,
      };
    }
    row.email = email.data;
    if (rawRole) {
      const role = rawRole.toLowerCase();
      if (!(ROLES as readonly string[]).includes(role)) {
        return { ...row, problem: `unknown role "${rawRole}" (expected ${ROLES.join(', ')})` };
      }
      row.role = role as Role;
    }
    const first = seen.get(row.email);
    if (first !== undefined) return { ...row, problem: `duplicate of line ${first}` };
    seen.set(row.email, line);
    return row;
  });
}

/** Why one row failed, in one line that never carries SQL. */
function reasonOf(error: unknown): string {
  if (isDomainError(error)) return `${error.message} (${error.code})`;
  const issues = (error as { issues?: { message: string }[] }).issues;
  if (error instanceof Error && error.name === 'ZodError' && Array.isArray(issues)) {
    return issues.map((issue) => issue.message).join('; ');
  }
  if (isDatabaseError(error))
    return `database error (SQLSTATE ${loggableError(error).sqlState ?? 'unknown'})`;
  return `unexpected error: ${errorMessage(error).split('\n')[0]}`;
}

/** A bar on a terminal; one `n/total` line per row otherwise (logs, pipes, CI). */
function progressDisplay(ctx: CommandContext, total: number, dryRun: boolean) {
  const stream = ctx.io.stdout as NodeJS.WriteStream;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${dryRun ? 'Checking' : 'Inviting'} [{bar}] {value}/{total} {email}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { email: '' });
    return {
      row: (done: number, outcome: RowOutcome) => bar.update(done, { email: printable(outcome.email) }),
      stop: () => bar.stop(),
    };
  }
  return {
    row: (done: number, outcome: RowOutcome) => {
      const what =
        outcome.result === 'failed'
          ? `failed: ${printable(outcome.reason)}`
          : dryRun
            ? `would be ${outcome.result}`
            : outcome.result;
      ctx.out(`[${done}/${total}] ${printable(outcome.email) || '(no email)'}: ${what}`);
    },
    stop: () => {},
  };
}

export async function importInvites(ctx: CommandContext, core: Core, options: ImportOptions): Promise<void> {
  const rows = await readRows(options.file, options.defaultRole);
  if (rows.length === 0) {
    ctx.out(`${printable(options.file)} has a header but no rows; nothing to do.`);
    return;
  }
  const outcomes: RowOutcome[] = [];
  const progress = progressDisplay(ctx, rows.length, options.dryRun);
  for (const row of rows) {
    const outcome = row.problem
      ? { line: row.line, email: row.email, result: 'failed' as const, reason: row.problem }
      : await inviteRow(core, row, options);
    outcomes.push(outcome);
    progress.row(outcomes.length, outcome);
  }
  progress.stop();
  summarise(ctx, outcomes, options);
  if (outcomes.some((outcome) => outcome.result === 'failed')) ctx.fail();
}

async function inviteRow(core: Core, row: Row, options: ImportOptions): Promise<RowOutcome> {
  const base = { line: row.line, email: row.email };
  try {
    if (options.dryRun) {
      if (await core.users.findByEmail(row.email)) {
        return { ...base, result: 'failed', reason: 'A user with this email already exists (EMAIL_TAKEN)' };
      }
      return { ...base, result: (await core.invites.findOpen(row.email)) ? 'reused' : 'created' };
    }
    const issued = await core.invites.create(
      { email: row.email, role: row.role, sendEmail: options.sendEmail },
      { ...CLI_META },
    );
    return {
      ...base,
      result: issued.reused ? 'reused' : 'created',
      acceptUrl: issued.acceptUrl,
      emailSent: issued.emailSent,
    };
  } catch (error) {
    return { ...base, result: 'failed', reason: reasonOf(error) };
  }
}

function summarise(ctx: CommandContext, outcomes: RowOutcome[], options: ImportOptions): void {
  const count = (result: Result) => outcomes.filter((outcome) => outcome.result === result).length;
  const prefix = options.dryRun ? 'would be ' : '';
  ctx.out();
  ctx.out(
    `${options.dryRun ? 'Dry run of' : 'Imported'} ${printable(options.file)}: ${plural(outcomes.length, 'row')}, ` +
      `${count('created')} ${prefix}created, ${count('reused')} ${prefix}reused, ${count('failed')} failed.`,
  );
  const failed = outcomes.filter((outcome) => outcome.result === 'failed');
  if (failed.length > 0) {
    ctx.out('Failed rows:');
    for (const outcome of failed) {
      ctx.out(
        `  line ${outcome.line}: ${printable(outcome.email) || '(no email)'}: ${printable(outcome.reason)}`,
      );
    }
  }
  if (options.dryRun) {
    ctx.out('Dry run: nothing was changed and no email was sent.');
    return;
  }
  const unsent = outcomes.filter((outcome) => outcome.acceptUrl && !outcome.emailSent);
  if (unsent.length > 0) {
    ctx.out(
      options.sendEmail
        ? `${plural(unsent.length, 'invite mail')} could not be sent; share these links yourself, each only with its invitee:`
        : 'No emails were sent (--no-email); share these links yourself, each only with its invitee:',
    );
    for (const outcome of unsent) ctx.out(`  ${printable(outcome.email)}  ${outcome.acceptUrl}`);
  }
}
