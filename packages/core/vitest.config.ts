import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // One database per worker (see setupTestDatabases); two cores on these machines.
    maxWorkers: 2,
    // Loading MikroORM per file dominated the run; test files share modules but not state
    // (each builds its own core in beforeAll).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
