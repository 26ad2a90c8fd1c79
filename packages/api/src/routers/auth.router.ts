import { type LoginResult, schemas } from '@gatehouse/core';
import type { Context } from '../trpc/context.js';
import {
  authedProcedure,
  enrollingProcedure,
  hashingProcedure,
  metaOf,
  publicProcedure,
  router,
} from '../trpc/trpc.js';

/** A finished sign-in: the cookie is set, and the answer is the contract's. */
function signedIn(ctx: Context, session: LoginResult) {
  ctx.sessionCookie.set(session.token, session.expiresAt);
  return { mfaRequired: false as const, user: session.user, expiresAt: session.expiresAt.toISOString() };
}

export const authRouter = router({
  /**
   * Sets the session cookie, or, for a user with a second factor, answers a challenge to finish
   * with `auth.verifyMfa` (no cookie yet). Unknown email and wrong password get the same
   * INVALID_CREDENTIALS.
   */
  login: hashingProcedure.input(schemas.loginInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.core.auth.signIn(input, metaOf(ctx));
    if (!result.mfaRequired) return signedIn(ctx, result);
    return {
      mfaRequired: true as const,
      challenge: result.challenge,
      methods: result.methods,
      expiresAt: result.expiresAt.toISOString(),
    };
  }),

  /** The second step of a sign-in: a TOTP or recovery code, or a passkey. Sets the cookie. */
  verifyMfa: publicProcedure
    .input(schemas.verifyMfaInput)
    .mutation(async ({ ctx, input }) => signedIn(ctx, await ctx.core.auth.verifyMfa(input, metaOf(ctx)))),

  /**
   * WebAuthn request options: for a sign-in's second step (`challenge`), for the signed-in
   * caller's step-up, or for a passwordless sign-in.
   */
  passkeyOptions: publicProcedure
    .input(schemas.passkeyOptionsInput)
    .mutation(({ ctx, input }) => ctx.core.auth.passkeyOptions(input, ctx.principal?.user.id ?? null)),

  /** Passwordless sign-in with a passkey (user verification required). Sets the cookie. */
  loginWithPasskey: publicProcedure
    .input(schemas.loginWithPasskeyInput)
    .mutation(async ({ ctx, input }) =>
      signedIn(ctx, await ctx.core.auth.loginWithPasskey(input, metaOf(ctx))),
    ),

  /** A second-factor check on this session: sensitive actions are open until `until`. */
  stepUp: authedProcedure.input(schemas.stepUpInput).mutation(async ({ ctx, input }) => {
    const { until } = await ctx.core.mfa.stepUp(ctx.principal, input, metaOf(ctx));
    return { ok: true as const, until: until.toISOString() };
  }),

  /** Ends the current session (a no-op for API-token callers) and clears the cookie. */
  logout: enrollingProcedure.mutation(async ({ ctx }) => {
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

  me: enrollingProcedure.query(({ ctx }) => ctx.principal.user),

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
