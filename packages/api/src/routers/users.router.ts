import { schemas } from '@gatehouse/core';
import {
  adminProcedure,
  assertCan,
  assertSteppedUp,
  authedProcedure,
  metaOf,
  procedureWith,
  router,
} from '../trpc/trpc.js';

export const usersRouter = router({
  list: procedureWith('users.read')
    .input(schemas.listUsersInput)
    .query(({ ctx, input }) => ctx.core.users.list(input)),

  get: procedureWith('users.read')
    .input(schemas.userIdInput)
    .query(({ ctx, input }) => ctx.core.users.get(input.id)),

  create: adminProcedure.input(schemas.createUserInput).mutation(({ ctx, input }) => {
    assertSteppedUp(ctx);
    return ctx.core.users.create(input, metaOf(ctx));
  }),

  /** Admins update anyone; others only their own profile, and never a role. */
  update: authedProcedure.input(schemas.updateUserInput).mutation(({ ctx, input }) => {
    const self = input.id === ctx.principal.user.id;
    assertCan(ctx.principal, self && input.role === undefined ? 'users.updateSelf' : 'users.manage');
    if (input.role !== undefined) assertSteppedUp(ctx);
    return ctx.core.users.update(input, metaOf(ctx));
  }),

  delete: adminProcedure.input(schemas.userIdInput).mutation(({ ctx, input }) => {
    assertSteppedUp(ctx);
    return ctx.core.users.delete(input.id, metaOf(ctx));
  }),

  /** Removes all of a user's second factors and ends their sessions (they lost their devices). */
  resetMfa: adminProcedure.input(schemas.userIdInput).mutation(async ({ ctx, input }) => {
    assertSteppedUp(ctx);
    await ctx.core.mfa.reset(input.id, metaOf(ctx));
    return { ok: true as const };
  }),
});
