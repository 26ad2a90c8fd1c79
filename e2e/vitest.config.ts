import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    maxWorkers: 1,
    testTimeout: 60_000,
    // A loaded CI machine can take seconds to render a list; vitest's default poll gives up after 1 s.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    hookTimeout: 120_000,
  },
});
