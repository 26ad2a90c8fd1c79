// @gatehouse/server: the Fastify host of Gatehouse. `buildServer` makes the server without
// listening (tests inject or listen on port 0); `main.ts` is the production entry (`pnpm start`).
export { bootstrapAdmin } from './bootstrap.js';
export { type BuildServerOptions, buildServer } from './build-server.js';
export { createLogger } from './logger.js';
export { lowerHelperThreadPriority } from './thread-priority.js';
