import { ROLES, type Role, schemas, type UserDto } from '@gatehouse/core';
import { type Command, Option } from 'commander';
import { CLI_META, CliError, type CommandContext, parseInteger, resolveUser } from '../context.js';
import { plural, printable, shellQuote, shortDate, table } from '../format.js';

const roleOption = (flags: string, description: string) => new Option(flags, description).choices(ROLES);

const fullName = (user: UserDto): string => [user.firstName, user.lastName].filter(Boolean).join(' ') || '-';

/** One line per user; `apiTokenPrefix` is a display prefix (not usable as a token), never the token. */
export function usersTable(users: UserDto[]): string {
  return table(
    ['ID', 'EMAIL', 'ROLE', 'NAME', 'PASSWORD', '2FA', 'API TOKEN', 'CREATED (UTC)', 'LAST LOGIN (UTC)'],
    users.map((user) => [
      user.id,
      user.email,
      user.role,
      fullName(user),
      user.hasPassword ? 'set' : 'none',
      // Whether a second factor (authenticator app or passkey) is set up.
      user.mfaEnabled ? 'on' : '-',
      user.apiTokenPrefix ? `${user.apiTokenPrefix}…` : '-',
      shortDate(user.createdAt),
      shortDate(user.lastLoginAt),
    ]),
  );
}

export function registerUsers(program: Command, ctx: CommandContext): void {
  const users = program
    .command('users')
    .summary('list, create, re-role and delete users; reset second factors')
    .description(
      'List, create, re-role and delete users; remove the second factors of someone who lost them.',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse users list --q example.com
  $ gatehouse users create --email dev@example.com --role developer --no-password
  $ gatehouse users set-role dev@example.com admin
  $ gatehouse users delete dev@example.com --yes
  $ gatehouse users reset-mfa ops@example.com`,
    );

  users
    .command('list')
    .summary('list users (table or --json)')
    .description('List active users, newest first, as a table (or JSON). Never shows a password or token.')
    .option('--q <text>', 'only users whose email, first or last name contains this (any case)')
    .addOption(roleOption('--role <role>', 'only users with this role'))
    .option('--limit <n>', 'page size, 1–100', parseInteger, 50)
    .option('--cursor <cursor>', 'the page after this cursor (printed under the previous page)')
    .option('--json', 'print { items, nextCursor, total, totalCapped } as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse users list
  $ gatehouse users list --role admin --limit 10
  $ gatehouse users list --q smith --json`,
    )
    .action(
      async (
        options: { q?: string; role?: Role; limit: number; cursor?: string; json?: boolean },
        command: Command,
      ) => {
        await ctx.withCore(command, async (core) => {
          const page = await core.users.list({
            q: options.q,
            role: options.role,
            limit: options.limit,
            cursor: options.cursor,
          });
          const next = ['gatehouse users list'];
          if (options.q) next.push(`--q ${shellQuote(options.q)}`);
          if (options.role) next.push(`--role ${options.role}`);
          if (options.limit !== 50) next.push(`--limit ${options.limit}`);
          ctx.printPage(page, {
            json: Boolean(options.json),
            noun: 'user',
            onLaterPage: Boolean(options.cursor),
            table: usersTable,
            nextCommand: next,
          });
        });
      },
    );

  users
    .command('create')
    .summary('create a user directly, with or without a password')
    .description(
      'Create a user directly (no invite). The password is asked twice at the terminal, read from' +
        ' stdin with --password-stdin, or left unset with --no-password (the user can then set one' +
        ' through a password reset).',
    )
    .requiredOption('--email <email>', 'email of the new user')
    .addOption(roleOption('--role <role>', 'role of the new user').default('member'))
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .addOption(
      new Option(
        '--password-stdin',
        'read the password from stdin (one trailing newline is ignored)',
      ).conflicts('password'),
    )
    .option('--no-password', 'create the user without a password')
    .option('--json', 'print the created user as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse users create --email dev@example.com --role developer
  $ gatehouse users create --email ops@example.com --role admin --password-stdin < pw.txt
  $ gatehouse users create --email bot@example.com --no-password`,
    )
    .action(
      async (
        options: {
          email: string;
          role: Role;
          firstName?: string;
          lastName?: string;
          passwordStdin?: boolean;
          password: boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        // Ask for the password before opening the database (nothing is held open while a person types).
        const email = schemas.emailSchema.parse(options.email);
        const password = options.password
          ? await ctx.newPassword(email, Boolean(options.passwordStdin), { noneFlag: '--no-password' })
          : undefined;
        await ctx.withCore(command, async (core) => {
          const user = await core.users.create(
            {
              email,
              role: options.role,
              ...(password === undefined ? {} : { password }),
              ...(options.firstName === undefined ? {} : { firstName: options.firstName }),
              ...(options.lastName === undefined ? {} : { lastName: options.lastName }),
            },
            CLI_META,
          );
          if (options.json) {
            ctx.json(user);
            return;
          }
          ctx.out(`Created user ${printable(user.email)} (${user.id}) with role ${user.role}.`);
          if (!user.hasPassword) {
            ctx.out(
              'No password is set: the user can choose one through "Forgot password" on the sign-in page.',
            );
          }
        });
      },
    );

  users
    .command('set-role')
    .summary("change a user's role")
    .description(
      "Change a user's role (admin, member or developer). The last admin cannot be demoted (LAST_ADMIN).",
    )
    .argument('<user>', 'user id (usr_…) or email')
    .argument('<role>', `new role: ${ROLES.join(', ')}`)
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse users set-role dev@example.com admin
  $ gatehouse users set-role usr_01jd8v6x1xfz4m5n6p7q8r9s0t member`,
    )
    .action(async (ref: string, role: string, _options: unknown, command: Command) => {
      if (!(ROLES as readonly string[]).includes(role)) {
        throw new CliError(`unknown role "${role}" (expected ${ROLES.join(', ')})`);
      }
      await ctx.withCore(command, async (core) => {
        const user = await resolveUser(core, ref);
        if (user.role === role) {
          ctx.out(`${printable(user.email)} (${user.id}) already has the role ${role}; nothing changed.`);
          return;
        }
        const updated = await core.users.update({ id: user.id, role: role as Role }, CLI_META);
        ctx.out(
          `Changed the role of ${printable(updated.email)} (${updated.id}) from ${user.role} to ${updated.role}.`,
        );
      });
    });

  users
    .command('delete')
    .summary('soft-delete a user (asks unless --yes)')
    .description(
      'Soft-delete a user: they disappear from lists, their sessions and API token end, and their' +
        ' email can be invited again. Asks for confirmation unless --yes. The last admin cannot be deleted.',
    )
    .argument('<user>', 'user id (usr_…) or email')
    .option('-y, --yes', 'do not ask for confirmation (required when not run in a terminal)')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse users delete dev@example.com
  $ gatehouse users delete usr_01jd8v6x1xfz4m5n6p7q8r9s0t --yes`,
    )
    .action(async (ref: string, options: { yes?: boolean }, command: Command) => {
      await ctx.withCore(command, async (core) => {
        const user = await resolveUser(core, ref);
        if (!options.yes) {
          if (!ctx.interactive) {
            throw new CliError(`refusing to delete ${printable(user.email)} without confirmation: add --yes`);
          }
          const confirmed = await ctx.confirm(
            `Delete ${printable(user.email)} (${user.id}, ${user.role})? Their sessions and API token end.`,
          );
          if (!confirmed) {
            ctx.out('Cancelled; nothing was deleted.');
            ctx.fail();
            return;
          }
        }
        await core.users.delete(user.id, CLI_META);
        ctx.out(`Deleted user ${printable(user.email)} (${user.id}).`);
      });
    });

  users
    .command('reset-mfa')
    .summary("remove a user's second factors (break-glass; asks unless --yes)")
    .description(
      'Remove every second factor of a user (authenticator app, passkeys, recovery codes) and end all' +
        ' their sessions: for an operator or admin who lost their devices. They sign in with their' +
        ' password alone next time, and must set up a factor again if MFA_REQUIRED_ROLES lists their' +
        ' role. Audited as mfa.reset. Asks for confirmation unless --yes.',
    )
    .argument('<user>', 'user id (usr_…) or email')
    .option('-y, --yes', 'do not ask for confirmation (required when not run in a terminal)')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse users reset-mfa ops@example.com
  $ gatehouse users reset-mfa usr_01jd8v6x1xfz4m5n6p7q8r9s0t --yes`,
    )
    .action(async (ref: string, options: { yes?: boolean }, command: Command) => {
      await ctx.withCore(command, async (core) => {
        const user = await resolveUser(core, ref);
        if (!options.yes) {
          if (!ctx.interactive) {
            throw new CliError(
              `refusing to reset the second factors of ${printable(user.email)} without confirmation: add --yes`,
            );
          }
          const confirmed = await ctx.confirm(
            `Remove every second factor of ${printable(user.email)} (${user.id}) and end their sessions?`,
          );
          if (!confirmed) {
            ctx.out('Cancelled; nothing was changed.');
            ctx.fail();
            return;
          }
        }
        const { sessionsEnded } = await core.mfa.reset(user.id, CLI_META);
        const was = user.mfaEnabled ? '' : ' (none was set up)';
        ctx.out(
          `Removed the second factors of ${printable(user.email)} (${user.id})${was}; ended ${plural(sessionsEnded, 'session')}.`,
        );
        ctx.out('They can sign in with their password alone and set up a new factor.');
      });
    });
}
