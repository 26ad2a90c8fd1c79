import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { shortDate } from '../format.js';

export function registerMigrate(program: Command, ctx: CommandContext): void {
  program
    .command('migrate')
    .summary('apply pending database migrations (--status: only list them)')
    .description(
      'Apply the committed database migrations that have not run yet (every other command does this' +
        ' too before it starts). With --status, only show what is applied and what is pending.',
    )
    .option('--status', 'list applied and pending migrations; change nothing')
    .option('--json', 'with --status: print { applied, pending } as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse migrate
  $ gatehouse migrate --status
  $ DATABASE_URL=postgres://gatehouse@db.internal/gatehouse gatehouse migrate`,
    )
    .action(async (options: { status?: boolean; json?: boolean }, command: Command) => {
      await ctx.withCore(
        command,
        async (core) => {
          if (options.status) {
            const { applied, pending } = await core.migrations.status();
            if (options.json) {
              ctx.json({ applied, pending });
              return;
            }
            ctx.out(`Applied migrations (${applied.length}):`);
            for (const row of applied) ctx.out(`  ${row.name}  ${shortDate(row.executedAt)} UTC`);
            if (applied.length === 0) ctx.out('  none');
            if (pending.length === 0) {
              ctx.out('Pending migrations: none. The database is up to date.');
            } else {
              ctx.out(`Pending migrations (${pending.length}):`);
              for (const name of pending) ctx.out(`  ${name}`);
              ctx.out('Run `gatehouse migrate` to apply them.');
            }
            return;
          }
          const applied = await core.migrations.up();
          if (applied.length === 0) {
            ctx.out('Already up to date.');
            return;
          }
          ctx.out(`Applied ${applied.length} migration(s):`);
          for (const name of applied) ctx.out(`  ${name}`);
        },
        { autoMigrate: false },
      );
    });
}
