import { defineConfig } from 'vite';

// In development the API runs on :3000 (pnpm start or the api dev script); /trpc is proxied to it.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { port: 5173, proxy: { '/trpc': 'http://127.0.0.1:3000' } },
});
