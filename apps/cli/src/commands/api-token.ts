import type { Command } from 'commander';
import { CLI_META, type CommandContext, resolveUser } from '../context.js';
import { printable } from '../format.js';

export function registerApiToken(program: Command, ctx: CommandContext): void {
  const apiToken = program
    .command('api-token')
    .summary("generate or revoke a user's API token")
    .description(
      "Manage a user's personal API token (sent as `Authorization: Bearer <token>`). Each user has at\n" +
        'most one; only its hash is stored, so the token is shown once, when generated.',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse api-token generate ci-bot@example.com
  $ TOKEN=$(gatehouse api-token generate ci-bot@example.com)
  $ gatehouse api-token revoke ci-bot@example.com`,
    );

  apiToken
    .command('generate')
    .summary("generate a user's API token (shown once)")
    .description(
      'Generate a new API token for a user, replacing (and ending) any previous one. The token alone' +
        ' is printed on stdout, once; the notes go to stderr, so it can be captured by a script.',
    )
    .argument('<user>', 'user id (usr_…) or email')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse api-token generate ci-bot@example.com
  $ gatehouse api-token generate usr_01jd8v6x1xfz4m5n6p7q8r9s0t > token.txt`,
    )
    .action(async (ref: string, _options: unknown, command: Command) => {
      await ctx.withCore(command, async (core) => {
        const user = await resolveUser(core, ref);
        const generated = await core.apiTokens.generate(user.id, CLI_META);
        ctx.note(
          `New API token for ${printable(user.email)} (${user.id}), prefix ${generated.prefix}` +
            (user.apiTokenPrefix ? `; the previous token (${user.apiTokenPrefix}…) no longer works.` : '.'),
        );
        ctx.out(generated.token);
        ctx.note('Copy it now: it will not be shown again (only its hash is stored).');
      });
    });

  apiToken
    .command('revoke')
    .summary("revoke a user's API token")
    .description("Revoke a user's API token: requests with it are refused from now on.")
    .argument('<user>', 'user id (usr_…) or email')
    .addHelpText(
      'after',
      `
Examples:
  $ gatehouse api-token revoke ci-bot@example.com`,
    )
    .action(async (ref: string, _options: unknown, command: Command) => {
      await ctx.withCore(command, async (core) => {
        const user = await resolveUser(core, ref);
        if (!user.apiTokenPrefix) {
          ctx.out(`${printable(user.email)} (${user.id}) has no API token; nothing changed.`);
          return;
        }
        await core.apiTokens.revoke(user.id, CLI_META);
        ctx.out(`Revoked the API token ${user.apiTokenPrefix}… of ${printable(user.email)} (${user.id}).`);
      });
    });
}
