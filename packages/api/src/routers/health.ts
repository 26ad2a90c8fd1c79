import { DomainError } from '@gatehouse/core';
import { publicProcedure } from '../trpc/trpc.js';

export const healthProcedure = publicProcedure.query(async ({ ctx }) => {
  if (!(await ctx.core.ping())) throw new DomainError('DB_UNAVAILABLE', 'Database unreachable');
  return { status: 'ok' as const, db: 'up' as const };
});
