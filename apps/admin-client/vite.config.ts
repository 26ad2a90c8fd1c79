import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { initialJsBudget } from './initial-js-budget.js';

// In development the API runs on :3000 (pnpm start, or the server's dev script); /trpc is proxied to it.
export default defineConfig({
  plugins: [react(), initialJsBudget(250 * 1024)],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The password policy's common-password list is one big lazily loaded chunk, on purpose.
    chunkSizeWarningLimit: 1500,
  },
  server: { port: 5173, proxy: { '/trpc': 'http://127.0.0.1:3000' } },
});
