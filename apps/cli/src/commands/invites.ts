import {
  INVITE_STATUSES,
  type InviteDto,
  type InviteStatus,
  type IssuedInvite,
  ROLES,
  type Role,
} from '@gatehouse/core';
import { type Command, Option } from 'commander';
import { CLI_META, type CommandContext, parseInteger } from '../context.js';
import { printable, shellQuote, shortDate, table } from '../format.js';
import { importInvites } from '../import-invites.js';

/**
 * `--no-email`, stored as `sendEmail` (false when given). Its own attribute name keeps it apart
 * from `--email <email>` of `invites create`, which commander would otherwise treat as its negation.
 */
class NoEmailOption extends Option {
  constructor(description: string) {
    super('--no-email', description);
  }

  override attributeName(): string {
    return 'sendEmail';
  }
}

const sendsEmail = (options: { sendEmail?: boolean }): boolean => options.sendEmail !== false;

export function invitesTable(invites: InviteDto[]): string {
  return table(
    ['ID', 'EMAIL', 'ROLE', 'STATUS', 'EXPIRES (UTC)', 'INVITED BY', 'CREATED (UTC)'],
    invites.map((invite) => [
      invite.id,
      invite.email,
      invite.role,
      invite.status,
      invite.status === 'accepted' ? `accepted ${shortDate(invite.acceptedAt)}` : shortDate(invite.expiresAt),
      invite.invitedBy ?? '-',
      shortDate(invite.createdAt),
    ]),
  );
}

/** The result of create/resend: facts, mail outcome, then the accept URL alone on its own line. */
function printIssued(ctx: CommandContext, issued: IssuedInvite, sendEmail: boolean, json: boolean): void {
  if (json) {
    ctx.json({ invite: issued.invite, acceptUrl: issued.acceptUrl, emailSent: issued.emailSent });
    return;
  }
  const { invite } = issued;
  const email = printable(invite.email);
  if (issued.emailSent) ctx.out(`Email sent to ${email}.`);
  else if (!sendEmail) ctx.out('No email was sent (--no-email).');
  else ctx.out(`warning: the email to ${email} could not be sent; share the link yourself.`);
  ctx.out(
    `Accept link for ${email} (valid until ${shortDate(invite.expiresAt)} UTC; share it only with them):`,
  );
  ctx.out(issued.acceptUrl);
}

export function registerInvites(program: Command, ctx: CommandContext): void {
  const invites = program
    .command('invites')
    .summary('create, list, resend, revoke and import invites')
    .description('Invite people by email, list, resend and revoke invites, or import many from a CSV file.')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse invites create --email new@example.com --role developer
  $ gatehouse invites list --status pending
  $ gatehouse invites resend inv_01jd8v6x1xfz4m5n6p7q8r9s0t
  $ gatehouse invites revoke inv_01jd8v6x1xfz4m5n6p7q8r9s0t
  $ gatehouse invites import ./team.csv --dry-run`,
    );

  invites
    .command('create')
    .summary('invite an email (prints the accept link)')
    .description(
      'Invite an email with a role. An open (pending or expired) invite for that email is reused: new' +
        ' role, new link, new expiry, and its previous link stops working. Prints the accept link on its' +
        ' own line, and mails it unless --no-email.',
    )
    .requiredOption('--email <email>', 'email to invite')
    .addOption(new Option('--role <role>', 'role the invitee gets').choices(ROLES).default('member'))
    .addOption(new NoEmailOption('do not send the invite mail (share the printed link yourself)'))
    .option('--json', 'print { invite, acceptUrl, emailSent } as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse invites create --email new@example.com
  $ gatehouse invites create --email lead@example.com --role admin --no-email`,
    )
    .action(
      async (
        options: { email: string; role: Role; sendEmail?: boolean; json?: boolean },
        command: Command,
      ) => {
        const sendEmail = sendsEmail(options);
        await ctx.withCore(command, async (core) => {
          const issued = await core.invites.create(
            { email: options.email, role: options.role, sendEmail },
            CLI_META,
          );
          if (!options.json) {
            const { invite } = issued;
            ctx.out(
              issued.reused
                ? `Reused the open invite ${invite.id} for ${printable(invite.email)}: role ${invite.role}, new link and expiry (the previous link no longer works).`
                : `Created invite ${invite.id} for ${printable(invite.email)} with role ${invite.role}.`,
            );
          }
          printIssued(ctx, issued, sendEmail, Boolean(options.json));
        });
      },
    );

  invites
    .command('list')
    .summary('list invites and their status')
    .description('List invites, newest first, with their status (pending, expired, revoked, accepted).')
    .addOption(new Option('--status <status>', 'only invites with this status').choices(INVITE_STATUSES))
    .option('--q <text>', 'only invites whose email contains this (any case)')
    .option('--limit <n>', 'page size, 1–100', parseInteger, 50)
    .option('--cursor <cursor>', 'the page after this cursor (printed under the previous page)')
    .option('--json', 'print { items, nextCursor, total, totalCapped } as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse invites list
  $ gatehouse invites list --status expired
  $ gatehouse invites list --q example.com --json`,
    )
    .action(
      async (
        options: { status?: InviteStatus; q?: string; limit: number; cursor?: string; json?: boolean },
        command: Command,
      ) => {
        await ctx.withCore(command, async (core) => {
          const page = await core.invites.list({
            status: options.status,
            q: options.q,
            limit: options.limit,
            cursor: options.cursor,
          });
          const next = ['gatehouse invites list'];
          if (options.status) next.push(`--status ${options.status}`);
          if (options.q) next.push(`--q ${shellQuote(options.q)}`);
          if (options.limit !== 50) next.push(`--limit ${options.limit}`);
          ctx.printPage(page, {
            json: Boolean(options.json),
            noun: 'invite',
            onLaterPage: Boolean(options.cursor),
            table: invitesTable,
            nextCommand: next,
          });
        });
      },
    );

  invites
    .command('resend')
    .summary('new link and expiry for an invite')
    .description(
      'Issue a new link and expiry for an invite (works on expired ones); the previous link stops' +
        ' working at once. Refused for accepted or revoked invites. Mails it unless --no-email.',
    )
    .argument('<id>', 'invite id (inv_…)')
    .addOption(new NoEmailOption('do not send the mail (share the printed link yourself)'))
    .option('--json', 'print { invite, acceptUrl, emailSent } as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse invites resend inv_01jd8v6x1xfz4m5n6p7q8r9s0t
  $ gatehouse invites resend inv_01jd8v6x1xfz4m5n6p7q8r9s0t --no-email`,
    )
    .action(async (id: string, options: { sendEmail?: boolean; json?: boolean }, command: Command) => {
      const sendEmail = sendsEmail(options);
      await ctx.withCore(command, async (core) => {
        const issued = await core.invites.resend({ id, sendEmail }, CLI_META);
        if (!options.json) {
          ctx.out(
            `Renewed invite ${issued.invite.id} for ${printable(issued.invite.email)}: new link and expiry (the previous link no longer works).`,
          );
        }
        printIssued(ctx, issued, sendEmail, Boolean(options.json));
      });
    });

  invites
    .command('revoke')
    .summary('revoke an invite')
    .description(
      'Revoke an invite: its link stops working. Revoking twice is harmless; accepted invites cannot be revoked.',
    )
    .argument('<id>', 'invite id (inv_…)')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse invites revoke inv_01jd8v6x1xfz4m5n6p7q8r9s0t`,
    )
    .action(async (id: string, _options: unknown, command: Command) => {
      await ctx.withCore(command, async (core) => {
        const before = await core.invites.get(id);
        await core.invites.revoke(id, CLI_META);
        ctx.out(
          before.status === 'revoked'
            ? `Invite ${before.id} for ${printable(before.email)} was already revoked; nothing changed.`
            : `Revoked invite ${before.id} for ${printable(before.email)}; its link no longer works.`,
        );
      });
    });

  invites
    .command('import')
    .summary('invite every row of a CSV file (email,role)')
    .description(
      'Invite every row of a CSV file whose first line is the header "email,role" (role may be empty' +
        ' or missing: --role is used). Goes on past bad rows and ends with a summary: created, reused' +
        ' (an open invite for that email got a new link) and failed with reasons. Exit code 1 if any' +
        ' row failed.',
    )
    .argument('<file>', 'CSV file (UTF-8)')
    .addOption(new Option('--role <role>', 'role for rows without one').choices(ROLES).default('member'))
    .addOption(new NoEmailOption('send no mails; the accept links are printed instead'))
    .option('--dry-run', 'check every row and say what would happen; change nothing, send nothing')
    .addHelpText(
      'after',
      `
CSV example:
  email,role
  alice@example.com,admin
  bob@example.com,developer
  carol@example.com,

Examples:
  $ gatehouse invites import ./team.csv --dry-run
  $ gatehouse invites import ./team.csv --role developer
  $ gatehouse invites import ./team.csv --no-email > links.txt`,
    )
    .action(
      async (
        file: string,
        options: { role: Role; sendEmail?: boolean; dryRun?: boolean },
        command: Command,
      ) => {
        const sendEmail = sendsEmail(options);
        await ctx.withCore(command, (core) =>
          importInvites(ctx, core, {
            file,
            defaultRole: options.role,
            sendEmail,
            dryRun: Boolean(options.dryRun),
          }),
        );
      },
    );
}
