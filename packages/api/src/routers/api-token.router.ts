import { schemas } from '@gatehouse/core';
import type { Context } from '../trpc/context.js';
import { assertCan, assertSteppedUp, authedProcedure, metaOf, router } from '../trpc/trpc.js';

/** The user the call is about: yourself unless `userId` names someone else (admins only). */
function targetUser(
  ctx: Context & { principal: NonNullable<Context['principal']> },
  userId: string | undefined,
) {
  const self = ctx.principal.user.id;
  const target = userId ?? self;
  assertCan(ctx.principal, target === self ? 'apiToken.manageOwn' : 'apiToken.manageOthers');
  return target;
}

export const apiTokenRouter = router({
  /** Replaces the token; the plaintext is in this response only. */
  generate: authedProcedure.input(schemas.apiTokenInput).mutation(({ ctx, input }) => {
    const target = targetUser(ctx, input.userId);
    assertSteppedUp(ctx);
    return ctx.core.apiTokens.generate(target, metaOf(ctx));
  }),

  revoke: authedProcedure
    .input(schemas.apiTokenInput)
    .mutation(({ ctx, input }) => ctx.core.apiTokens.revoke(targetUser(ctx, input.userId), metaOf(ctx))),
});
