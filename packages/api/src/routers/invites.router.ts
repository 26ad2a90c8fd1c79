import { schemas } from '@gatehouse/core';
import {
  assertSteppedUp,
  hashingProcedure,
  metaOf,
  procedureWith,
  publicProcedure,
  router,
} from '../trpc/trpc.js';

export const invitesRouter = router({
  list: procedureWith('invites.read')
    .input(schemas.listInvitesInput)
    .query(({ ctx, input }) => ctx.core.invites.list(input)),

  /** Reuses an open invite for the same email (the old link dies). The token is shown once. */
  create: procedureWith('invites.manage')
    .input(schemas.createInviteInput)
    .mutation(({ ctx, input }) => {
      // Inviting an admin is as sensitive as making one.
      if (input.role === 'admin') assertSteppedUp(ctx);
      return ctx.core.invites.create(input, metaOf(ctx));
    }),

  resend: procedureWith('invites.manage')
    .input(schemas.resendInviteInput)
    .mutation(async ({ ctx, input }) => {
      if ((await ctx.core.invites.get(input.id)).role === 'admin') assertSteppedUp(ctx);
      return ctx.core.invites.resend(input, metaOf(ctx));
    }),

  revoke: procedureWith('invites.manage')
    .input(schemas.inviteIdInput)
    .mutation(({ ctx, input }) => ctx.core.invites.revoke(input.id, metaOf(ctx))),

  /** Read-only: safe for mail link scanners. */
  preview: publicProcedure
    .input(schemas.inviteTokenInput)
    .query(({ ctx, input }) => ctx.core.invites.preview(input.token)),

  /** Creates the user with the invite's email and role, and signs them in. */
  accept: hashingProcedure.input(schemas.acceptInviteInput).mutation(async ({ ctx, input }) => {
    const { user } = await ctx.core.invites.accept(input, metaOf(ctx));
    const session = await ctx.core.auth.startSession(user.id, { ...metaOf(ctx), actorId: user.id });
    ctx.sessionCookie.set(session.token, session.expiresAt);
    return { user: session.user };
  }),
});
