import { schemas } from '@gatehouse/core';
import type { Command } from 'commander';
import { CLI_META, CliError, type CommandContext } from '../context.js';
import { printable } from '../format.js';

const ADMIN_EXISTS =
  'an admin already exists; nothing was changed. Use `gatehouse users create --role admin` ' +
  'or `gatehouse users set-role <user> admin` to add more admins.';

export function registerAdmin(program: Command, ctx: CommandContext): void {
  const admin = program
    .command('admin')
    .summary('bootstrap: create the first admin')
    .description('Bootstrap a fresh installation: create its first admin.')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse admin create --email ops@example.com
  $ printf '%s' "$ADMIN_PASSWORD" | gatehouse admin create --email ops@example.com --password-stdin`,
    );

  admin
    .command('create')
    .summary('create the first admin of a fresh installation')
    .description(
      'Create the first admin of an installation that has none. Refuses (exit 1) when an admin exists.' +
        ' The password is asked twice at the terminal, or read from stdin with --password-stdin.',
    )
    .requiredOption('--email <email>', 'email of the admin')
    .option('--password-stdin', 'read the password from stdin (one trailing newline is ignored)')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse admin create --email ops@example.com
  $ gatehouse admin create --email ops@example.com --password-stdin < ./admin-password.txt`,
    )
    .action(async (options: { email: string; passwordStdin?: boolean }, command: Command) => {
      await ctx.withCore(command, async (core) => {
        // Checked first so nobody types a password for nothing; createFirstAdmin checks again, locked.
        if ((await core.users.countAdmins()) > 0) throw new CliError(ADMIN_EXISTS);
        const email = schemas.emailSchema.parse(options.email);
        const password = await ctx.newPassword(email, Boolean(options.passwordStdin));
        const user = await core.users.createFirstAdmin({ email, password }, CLI_META);
        if (!user) throw new CliError(ADMIN_EXISTS);
        ctx.out(`Created the first admin ${printable(user.email)} (${user.id}).`);
        ctx.out(`Sign in at ${core.config.publicUrl}/ with this email and the password you chose.`);
      });
    });
}
