import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.tsx', 'test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    // A whole test (several pages, each wait bounded at 10 s in setup.ts): the longest took 11–20 s
    // on a slower, loaded CI machine, so 20 s was too tight.
    testTimeout: 60_000,
  },
});
