import {
  can,
  DomainError,
  isDatabaseError,
  type Permission,
  type Principal,
  throttleKeyOfIp,
} from '@gatehouse/core';
import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { Context } from './context.js';
import { domainCodeOf, forbidden, toTRPCError, unauthenticated } from './errors.js';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx }) {
    // Without a context (it failed to build) we cannot know the mode: assume production.
    const production = ctx ? ctx.core.config.nodeEnv === 'production' : true;
    // A database error's message and stack hold the SQL with its values: hidden in every mode.
    const hideInternals =
      error.code === 'INTERNAL_SERVER_ERROR' && (production || isDatabaseError(error.cause));
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      // An unexpected error's message may hold SQL or paths: never echo it in production.
      message: hideInternals ? 'Internal server error' : shape.message,
      data: {
        ...data,
        ...(production || hideInternals ? {} : { stack: _stack }),
        domainCode: domainCodeOf(error),
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Base of every procedure: every failure is mapped to a TRPCError. (Each core use-case runs in its
 * own unit of work, so the calls of one batched HTTP request never share one.)
 */
const baseProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error);
    if (mapped && mapped !== result.error) throw mapped;
  }
  return result;
});

/**
 * Cookie-authenticated mutations need an allowed Origin/Referer (CSRF defence without tokens). A
 * public mutation that sets the cookie (login, accept) is refused when a browser says it comes
 * from a foreign origin. Bearer-token requests are exempt: browsers never attach them by themselves.
 */
const csrfGuard = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.principal?.via !== 'apiToken' && !ctx.sameOrigin) {
    throw forbidden('Cross-origin request refused');
  }
  return next();
});

export const publicProcedure = baseProcedure.use(csrfGuard);

/**
 * Public calls that compute a password hash (sign-in, invite accept, password reset, first-admin
 * setup) draw on a per-IP budget (HASH_RATE_PER_MINUTE), so one client cannot fill the hash queue
 * that everyone's sign-ins wait in.
 */
export const hashingProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const wait = await ctx.core.limits.hashing.consume(throttleKeyOfIp(ctx.ip));
  if (wait > 0) {
    throw new DomainError(
      'RATE_LIMITED',
      `Too many password checks from this address; try again in ${wait} s`,
      {
        retryAfterSeconds: wait,
      },
    );
  }
  return next();
});

/**
 * Signed in by session cookie or API token, whether or not the role's second factor is set up:
 * only for what such a user may still do (auth.me, auth.logout and enrolling a factor).
 */
export const enrollingProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) throw unauthenticated();
  // tRPC merges this into the context: only the narrowed field, not a copy of the whole context.
  return next({ ctx: { principal: ctx.principal as Principal } });
});

/**
 * Signed in, and enrolled when the role requires a second factor (MFA_REQUIRED_ROLES): otherwise
 * FORBIDDEN / MFA_ENROLLMENT_REQUIRED. Every signed-in procedure but the enrolment ones uses this.
 */
export const authedProcedure = enrollingProcedure.use(({ ctx, next }) => {
  ctx.core.mfa.assertEnrolled(ctx.principal.user);
  return next();
});

/** Signed in with a role that holds `permission` (see core's policy). */
export const procedureWith = (permission: Permission) =>
  authedProcedure.use(({ ctx, next }) => {
    if (!can(ctx.principal.user, permission)) throw forbidden();
    return next();
  });

/** Admin-only: the policy's `users.manage` (admins manage users and invites). */
export const adminProcedure = procedureWith('users.manage');

/**
 * Sensitive actions: a caller with MFA on a browser session needs a second-factor check within
 * MFA_STEP_UP_MINUTES (FORBIDDEN / STEP_UP_REQUIRED, answered by `auth.stepUp`). API tokens pass.
 */
export function assertSteppedUp(ctx: Context & { principal: Principal }): void {
  ctx.core.mfa.assertSteppedUp(ctx.principal);
}

/** For checks that depend on the input (self or others): throws FORBIDDEN unless allowed. */
export function assertCan(principal: Principal, permission: Permission): void {
  if (!can(principal.user, permission)) throw forbidden();
}

/** RequestMeta for core's audit trail. */
export const metaOf = (ctx: Context) => ({
  actorId: ctx.principal?.user.id ?? null,
  ip: ctx.ip,
  userAgent: ctx.userAgent,
});
