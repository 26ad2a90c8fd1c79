import { DomainError, schemas } from '@gatehouse/core';
import { z } from 'zod';
import { hashingProcedure, metaOf, publicProcedure, router } from '../trpc/trpc.js';

/** First-run setup: the printed one-time link lets its holder create the first admin. */
export const setupRouter = router({
  status: publicProcedure.query(async ({ ctx }) => ({
    needsSetup: (await ctx.core.users.countAdmins()) === 0,
  })),

  createFirstAdmin: hashingProcedure
    .input(
      z.object({
        token: schemas.tokenSchema,
        email: schemas.emailSchema,
        password: schemas.newPasswordSchema,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (!ctx.firstAdminSetup?.matches(input.token)) {
        throw new DomainError('INVALID_TOKEN', 'This setup link is invalid or has already been used');
      }
      const user = await ctx.core.users.createFirstAdmin(
        { email: input.email, password: input.password },
        metaOf(ctx),
      );
      ctx.firstAdminSetup.consume();
      if (!user) throw new DomainError('ALREADY_SET_UP', 'Gatehouse already has an admin');
      const session = await ctx.core.auth.startSession(user.id, { ...metaOf(ctx), actorId: user.id });
      ctx.sessionCookie.set(session.token, session.expiresAt);
      return { user: session.user };
    }),
});
