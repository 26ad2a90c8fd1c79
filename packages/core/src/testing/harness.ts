import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Core, CreateCoreOptions } from '../core.js';
import { workerDatabaseUrl } from './databases.js';
import { RecordingMailer } from './recording-mailer.js';
import { createTestCore, truncateAll } from './test-core.js';

/** Where every test's clock starts (reset before each test). */
export const TEST_START = new Date('2026-01-01T00:00:00Z');

/** A password every policy accepts; the usual one in tests. */
export const STRONG_PASSWORD = 'correct horse battery staple';

export interface TestCoreHarness {
  core: Core;
  mailer: RecordingMailer;
  clock: ManualClock;
  /** URL of this worker's database, for tests that open their own connections. */
  databaseUrl: string;
}

export interface TestCoreOptions {
  /** Overrides of the test configuration (e.g. LOGIN_MAX_FAILURES). */
  env?: Record<string, string>;
  /** Keep the real clock instead of a manual one (e.g. for tests of an HTTP server's cookies). */
  realClock?: boolean;
  /** Other ports (hasher, throttle, tokens). */
  ports?: Omit<CreateCoreOptions, 'config' | 'databaseUrl' | 'mailer' | 'clock'>;
}

/**
 * The one test harness of every package: a core on this vitest worker's own migrated database
 * (see createGlobalSetup), with a recording mailer and a manual clock. Before each test the tables
 * are emptied, the mailer cleared and the clock set back to TEST_START; the core closes after the
 * file. Fields are filled in `beforeAll`.
 */
export function useTestCore(options: TestCoreOptions = {}): TestCoreHarness {
  const harness = {} as TestCoreHarness;
  beforeAll(async () => {
    harness.databaseUrl = workerDatabaseUrl(inject('templateUrl'));
    harness.mailer = new RecordingMailer();
    harness.clock = new ManualClock(TEST_START);
    harness.core = await createTestCore(harness.databaseUrl, {
      ...options.ports,
      mailer: harness.mailer,
      ...(options.realClock ? {} : { clock: harness.clock }),
      ...(options.env ? { env: options.env } : {}),
    });
  });
  beforeEach(async () => {
    await truncateAll(harness.core);
    harness.mailer.clear();
    harness.clock.set(TEST_START);
  });
  afterAll(async () => {
    await harness.core?.close();
  });
  return harness;
}
