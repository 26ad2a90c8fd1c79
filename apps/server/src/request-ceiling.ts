import { type Core, throttleKeyOfIp } from '@gatehouse/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Load balancers poll these; they are never counted. */
const UNCOUNTED = new Set(['/healthz', '/readyz']);

/**
 * How many procedure calls a request carries: one per name in a tRPC batch path
 * (`/trpc/a,b,c?batch=1`), else 1. A batch over the API's MAX_BATCH_SIZE is refused before any call
 * runs, but is still counted in full here: asking costs.
 */
export function callsIn(url: string): number {
  const [pathname = '', query = ''] = url.split('?');
  if (!pathname.startsWith('/trpc/') || !new URLSearchParams(query).has('batch')) return 1;
  return Math.max(1, pathname.slice('/trpc/'.length).split(',').length);
}

/**
 * The general per-IP ceiling (RATE_LIMIT_PER_MINUTE), counted in procedure calls rather than HTTP
 * requests, so a batch of ten costs ten. Counts are shared through Redis when REDIS_URL is set.
 * Past the ceiling: 429 with Retry-After and a tRPC-shaped error, before anything runs.
 */
export function registerRequestCeiling(app: FastifyInstance, core: Core): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (UNCOUNTED.has(path)) return;
    const wait = await core.limits.requests.consume(throttleKeyOfIp(req.ip), callsIn(req.url));
    if (wait === 0) return;
    const message = `Too many requests from this address; try again in ${wait} s`;
    return reply
      .code(429)
      .header('retry-after', String(wait))
      .send({
        error: {
          message,
          code: -32029,
          data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, domainCode: 'RATE_LIMITED', zodError: null },
        },
      });
  });
}
