import { schemas } from '@gatehouse/core';
import { procedureWith, router } from '../trpc/trpc.js';

export const auditRouter = router({
  list: procedureWith('audit.read')
    .input(schemas.listAuditInput)
    .query(({ ctx, input }) => ctx.core.audit.list(input)),
});
