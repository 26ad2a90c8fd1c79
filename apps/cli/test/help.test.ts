import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, type CliIO, run } from '../src/program.js';

/** Help never needs the database: a factory that fails proves it is not called. */
function io(): { io: Partial<CliIO>; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from([]),
      coreFactory: async () => {
        throw new Error('help must not open the database');
      },
    },
    out: () => stdout,
    err: () => stderr,
  };
}

function commandPaths(command: Command, prefix: string[] = []): { path: string[]; command: Command }[] {
  return command.commands
    .filter((sub) => sub.name() !== 'help')
    .flatMap((sub) => [
      { path: [...prefix, sub.name()], command: sub },
      ...commandPaths(sub, [...prefix, sub.name()]),
    ]);
}

const tree = commandPaths(buildProgram(io().io as CliIO));

describe('--help', () => {
  it('covers every command of the contract', () => {
    expect(tree.map((entry) => entry.path.join(' '))).toEqual([
      'migrate',
      'admin',
      'admin create',
      'users',
      'users list',
      'users create',
      'users set-role',
      'users delete',
      'users reset-mfa',
      'invites',
      'invites create',
      'invites list',
      'invites resend',
      'invites revoke',
      'invites import',
      'api-token',
      'api-token generate',
      'api-token revoke',
    ]);
  });

  it.each(tree.map((entry) => [entry.path.join(' '), entry] as const))(
    '`gatehouse %s --help` exits 0 with a description, every option and examples',
    async (_name, { path, command }) => {
      const capture = io();
      const code = await run(['node', 'gatehouse', ...path, '--help'], capture.io);
      expect(code).toBe(0);
      const help = capture.out();
      expect(help).toContain(`Usage: gatehouse ${path.join(' ')}`);
      expect(help).toContain(command.description().slice(0, 40));
      expect(help).toContain('Examples:\n  $ gatehouse ');
      for (const option of command.options) expect(help).toContain(option.long ?? option.short);
      for (const argument of command.registeredArguments) expect(help).toContain(argument.name());
      expect(capture.err()).toBe('');
    },
  );

  it('the top-level help lists every group, and --version prints the version', async () => {
    const capture = io();
    expect(await run(['node', 'gatehouse', '--help'], capture.io)).toBe(0);
    for (const group of ['migrate', 'admin', 'users', 'invites', 'api-token']) {
      expect(capture.out()).toMatch(new RegExp(`^ {2}${group}\\b`, 'm'));
    }
    const version = io();
    expect(await run(['node', 'gatehouse', '--version'], version.io)).toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('an unknown command or option is a usage error (exit 1) that points to --help', async () => {
    const unknown = io();
    expect(await run(['node', 'gatehouse', 'userz'], unknown.io)).toBe(1);
    expect(unknown.err()).toContain("error: unknown command 'userz'");
    const option = io();
    expect(await run(['node', 'gatehouse', 'users', 'list', '--bogus'], option.io)).toBe(1);
    expect(option.err()).toContain("error: unknown option '--bogus'");
    expect(option.err()).toContain('(add --help for usage)');
  });
});
