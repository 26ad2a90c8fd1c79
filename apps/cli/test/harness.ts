import { Readable } from 'node:stream';
import { type Core, ManualClock } from '@gatehouse/core';
import { createTestCore, RecordingMailer, truncateAll, workerDatabaseUrl } from '@gatehouse/core/testing';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { type CliIO, type Prompts, run } from '../src/program.js';

export const STRONG_PASSWORD = 'correct horse battery staple';
export const START = new Date('2026-01-01T00:00:00Z');

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

export interface CliHarness {
  core: Core;
  mailer: RecordingMailer;
  clock: ManualClock;
  databaseUrl: string;
  cli(args: string[], options?: CliOptions): Promise<CliResult>;
}

/**
 * A core on this worker's real database (recording mailer, manual clock), emptied before each
 * test; `cli` runs the CLI on it and checks that every core it opened was closed.
 */
export function useCli(): CliHarness {
  const h = {} as CliHarness;
  beforeAll(async () => {
    h.databaseUrl = workerDatabaseUrl(inject('templateUrl'));
    h.mailer = new RecordingMailer();
    h.clock = new ManualClock(START);
    h.core = await createTestCore(h.databaseUrl, { mailer: h.mailer, clock: h.clock });
    h.cli = async (args, options = {}) => {
      const result = await runCli(options.core ?? h.core, args, options);
      if (result.closed !== result.opened) {
        throw new Error(`the CLI opened ${result.opened} core(s) but closed ${result.closed}`);
      }
      return { code: result.code, stdout: result.stdout, stderr: result.stderr };
    };
  });
  beforeEach(async () => {
    await truncateAll(h.core.orm);
    h.mailer.clear();
    h.clock.set(START);
  });
  afterAll(async () => {
    await h.core?.close();
  });
  return h;
}

/** Raw SQL on the harness database (to check what is really stored). */
export async function sql<T = Record<string, unknown>>(core: Core, query: string, params: unknown[] = []) {
  return core.orm.em.fork().getConnection().execute<T[]>(query, params);
}

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
