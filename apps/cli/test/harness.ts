import { Readable } from 'node:stream';
import type { Core } from '@gatehouse/core';
import { sql, TEST_START, type TestCoreHarness, useTestCore } from '@gatehouse/core/testing';
import { beforeAll } from 'vitest';
import { type CliIO, type Prompts, run } from '../src/program.js';

export { STRONG_PASSWORD } from '@gatehouse/core/testing';
export const START = TEST_START;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Text piped to stdin (not a terminal). */
  stdin?: string;
  interactive?: boolean;
  prompts?: Prompts;
  /** Make stdout look like a terminal. */
  tty?: boolean;
  /** Another core than the harness one (e.g. on a fresh database). */
  core?: Core;
}

/** Runs the CLI in-process on `core`, capturing its output; the CLI's `close()` is only counted. */
export async function runCli(core: Core, args: string[], options: Omit<CliOptions, 'core'> = {}) {
  let stdout = '';
  let stderr = '';
  let opened = 0;
  let closed = 0;
  const io: Partial<CliIO> = {
    stdout: {
      write: (text: string) => (stdout += text),
      ...(options.tty ? { isTTY: true, columns: 100 } : {}),
    },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    interactive: options.interactive ?? false,
    coreFactory: async () => {
      opened += 1;
      return {
        ...core,
        async close() {
          closed += 1;
        },
      };
    },
    ...(options.prompts ? { prompts: options.prompts } : {}),
  };
  const code = await run(['node', 'gatehouse', ...args], io);
  return { code, stdout, stderr, opened, closed };
}

export interface CliHarness extends TestCoreHarness {
  cli(args: string[], options?: CliOptions): Promise<CliResult>;
}

/**
 * core/testing's harness (a core on this worker's real database, recording mailer, manual clock,
 * tables emptied before each test); `cli` runs the CLI on it and checks that every core it opened
 * was closed.
 */
export function useCli(): CliHarness {
  const h = useTestCore() as CliHarness;
  beforeAll(() => {
    h.cli = async (args, options = {}) => {
      const result = await runCli(options.core ?? h.core, args, options);
      if (result.closed !== result.opened) {
        throw new Error(`the CLI opened ${result.opened} core(s) but closed ${result.closed}`);
      }
      return { code: result.code, stdout: result.stdout, stderr: result.stderr };
    };
  });
  return h;
}

export { sql };

/** Prompts that answer from a script, recording the questions. */
export function scriptedPrompts(answers: { passwords?: string[]; confirms?: boolean[] }) {
  const asked: string[] = [];
  const passwords = [...(answers.passwords ?? [])];
  const confirms = [...(answers.confirms ?? [])];
  const prompts: Prompts = {
    async password(message) {
      asked.push(message);
      const next = passwords.shift();
      if (next === undefined) throw new Error(`unexpected password prompt: ${message}`);
      return next;
    },
    async confirm(message) {
      asked.push(message);
      const next = confirms.shift();
      if (next === undefined) throw new Error(`unexpected confirm prompt: ${message}`);
      return next;
    },
  };
  return { prompts, asked };
}

export const lines = (text: string): string[] => text.split('\n');
