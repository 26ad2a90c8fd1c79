import { schemas } from '@gatehouse/core';
import { adminProcedure, assertCan, authedProcedure, metaOf, procedureWith, router } from '../trpc/trpc.js';

export const usersRouter = router({
  list: procedureWith('users.read')
    .input(schemas.listUsersInput)
    .query(({ ctx, input }) => ctx.core.users.list(input)),

  get: procedureWith('users.read')
    .input(schemas.userIdInput)
    .query(({ ctx, input }) => ctx.core.users.get(input.id)),

  create: adminProcedure
    .input(schemas.createUserInput)
    .mutation(({ ctx, input }) => ctx.core.users.create(input, metaOf(ctx))),

  /** Admins update anyone; others only their own profile, and never a role. */
  update: authedProcedure.input(schemas.updateUserInput).mutation(({ ctx, input }) => {
    const self = input.id === ctx.principal.user.id;
    assertCan(ctx.principal, self && input.role === undefined ? 'users.updateSelf' : 'users.manage');
    return ctx.core.users.update(input, metaOf(ctx));
  }),

  delete: adminProcedure
    .input(schemas.userIdInput)
    .mutation(({ ctx, input }) => ctx.core.users.delete(input.id, metaOf(ctx))),
});
