import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { ManualClock } from '../src/clock.js';
import type { Core } from '../src/core.js';
import { createTestCore, RecordingMailer, truncateAll, workerDatabaseUrl } from '../src/testing/index.js';

export interface Harness {
  core: Core;
  mailer: RecordingMailer;
  clock: ManualClock;
  /** URL of this worker's database, for tests that open their own connections. */
  databaseUrl: string;
}

/**
 * Gives a test file a core on this worker's database, with a recording mailer and a manual clock;
 * tables are emptied and the mailer cleared before each test.
 */
export function useHarness(env: Record<string, string> = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.databaseUrl = workerDatabaseUrl(inject('templateUrl'));
    harness.mailer = new RecordingMailer();
    harness.clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    harness.core = await createTestCore(harness.databaseUrl, {
      mailer: harness.mailer,
      clock: harness.clock,
      env,
    });
  });
  beforeEach(async () => {
    await truncateAll(harness.core.orm);
    harness.mailer.clear();
    harness.clock.set(new Date('2026-01-01T00:00:00Z'));
  });
  afterAll(async () => {
    await harness.core?.close();
  });
  return harness;
}

export const STRONG_PASSWORD = 'correct horse battery staple';
