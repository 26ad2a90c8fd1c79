import { TRPCError } from '@trpc/server';
import { publicProcedure } from '../trpc/trpc.js';

export const healthProcedure = publicProcedure.query(async ({ ctx }) => {
  if (!(await ctx.core.ping()))
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Database unreachable' });
  return { status: 'ok' as const, db: 'up' as const };
});
