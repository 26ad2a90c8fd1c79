import { schemas } from '@gatehouse/core';
import { authedProcedure, hashingProcedure, metaOf, publicProcedure, router } from '../trpc/trpc.js';

export const authRouter = router({
  /** Sets the session cookie. Unknown email and wrong password get the same INVALID_CREDENTIALS. */
  login: hashingProcedure.input(schemas.loginInput).mutation(async ({ ctx, input }) => {
    const session = await ctx.core.auth.login(input, metaOf(ctx));
    ctx.sessionCookie.set(session.token, session.expiresAt);
    return { user: session.user, expiresAt: session.expiresAt.toISOString() };
  }),

  /** Ends the current session (a no-op for API-token callers) and clears the cookie. */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.principal.sessionId) await ctx.core.sessions.logout(ctx.principal.sessionId, metaOf(ctx));
    ctx.sessionCookie.clear();
    return { ok: true as const };
  }),

  /** "Sign out everywhere": ends every session of the caller, this one included. */
  logoutAll: authedProcedure.mutation(async ({ ctx }) => {
    const ended = await ctx.core.sessions.endAll(ctx.principal.user.id, metaOf(ctx));
    ctx.sessionCookie.clear();
    return { ok: true as const, ended };
  }),

  me: authedProcedure.query(({ ctx }) => ctx.principal.user),

  /** Where the caller is signed in; `current` marks this browser. */
  sessions: authedProcedure.query(({ ctx }) =>
    ctx.core.sessions.list(ctx.principal.user.id, ctx.principal.sessionId),
  ),

  /** Ends one of the caller's sessions; ending the current one also clears the cookie. */
  revokeSession: authedProcedure.input(schemas.userIdInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.core.sessions.revoke(ctx.principal.user.id, input.id, metaOf(ctx));
    if (input.id === ctx.principal.sessionId) ctx.sessionCookie.clear();
    return result;
  }),

  /** Ends every other session of the user; this one stays signed in. */
  changePassword: authedProcedure.input(schemas.changePasswordInput).mutation(({ ctx, input }) =>
    ctx.core.passwords.change(ctx.principal.user.id, input, {
      ...metaOf(ctx),
      sessionId: ctx.principal.sessionId,
    }),
  ),

  /** Always `{ ok: true }`, so it cannot tell whether an account exists. */
  requestPasswordReset: publicProcedure
    .input(schemas.requestPasswordResetInput)
    .mutation(({ ctx, input }) => ctx.core.passwords.requestReset(input, metaOf(ctx))),

  resetPassword: hashingProcedure
    .input(schemas.resetPasswordInput)
    .mutation(({ ctx, input }) => ctx.core.passwords.reset(input, metaOf(ctx))),
});
