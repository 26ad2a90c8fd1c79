import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The secrets scan reads what every other file recorded, so it runs last; the rest by name. */
class SecretsScanLast extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const last = (spec: TestSpecification) => (spec.moduleId.endsWith('secrets-scan.test.ts') ? 1 : 0);
    return [...files].sort((a, b) => last(a) - last(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // Real processes (servers, PostgreSQL clusters, Redis) on a 2-core machine: one file at a time.
    fileParallelism: false,
    sequence: { sequencer: SecretsScanLast },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
