import { apiTokenRouter } from './routers/api-token.router.js';
import { auditRouter } from './routers/audit.router.js';
import { authRouter } from './routers/auth.router.js';
import { healthProcedure } from './routers/health.js';
import { invitesRouter } from './routers/invites.router.js';
import { mfaRouter } from './routers/mfa.router.js';
import { setupRouter } from './routers/setup.router.js';
import { usersRouter } from './routers/users.router.js';
import { createCallerFactory, router } from './trpc/trpc.js';

export const appRouter = router({
  health: healthProcedure,
  auth: authRouter,
  users: usersRouter,
  apiToken: apiTokenRouter,
  invites: invitesRouter,
  mfa: mfaRouter,
  audit: auditRouter,
  setup: setupRouter,
});

export type AppRouter = typeof appRouter;

/** In-process calls: `createCaller(createInnerContext({ core, principal }))`. */
export const createCaller = createCallerFactory(appRouter);
