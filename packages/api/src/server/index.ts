// Server side of @gatehouse/api (import from '@gatehouse/api/server'): build, context and setup.

export { appRouter, createCaller } from '../router.js';
export { FirstAdminSetup } from '../setup/first-admin-setup.js';
export {
  type Context,
  createInnerContext,
  type InnerContextOptions,
  type SessionCookie,
} from '../trpc/context.js';
export { bootstrapAdmin } from './bootstrap.js';
export { type BuildServerOptions, buildServer } from './build-server.js';
export { SESSION_COOKIE } from './http-context.js';
export { createLogger, redactSecrets } from './logger.js';
