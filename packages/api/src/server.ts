// Server side of @gatehouse/api (import from '@gatehouse/api/server'): the router itself, in-process
// calls, and what a host needs to mount it (request context, session cookie, first-run setup).
// Transport-neutral: no HTTP server here (apps/server hosts it on Fastify).

export { MAX_BATCH_SIZE } from './limits.js';
export { type AppRouter, appRouter, createCaller } from './router.js';
export { FirstAdminSetup } from './setup/first-admin-setup.js';
export {
  type Context,
  createInnerContext,
  type InnerContextOptions,
  type SessionCookie,
} from './trpc/context.js';
export { retryAfterSeconds, toTRPCError } from './trpc/errors.js';
export {
  allowedOrigins,
  createRequestContextFactory,
  type IncomingRequest,
  SESSION_COOKIE,
  sessionCookieAttributes,
} from './trpc/request-context.js';
