import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // One database per worker (see setupTestDatabases); two cores on these machines.
    maxWorkers: 2,
    // Loading the router and MikroORM per file dominated the run; files share modules, not state.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
