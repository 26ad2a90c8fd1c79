import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import { adminClientDir as builtAdminClientDir } from '@gatehouse/admin-client/build-dir';
import {
  type AppRouter,
  allowedOrigins,
  appRouter,
  type FirstAdminSetup,
  MAX_BATCH_SIZE,
  retryAfterSeconds,
} from '@gatehouse/api/server';
import type { Core } from '@gatehouse/core';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createHttpContextFactory } from './http-context.js';
import { createLogger } from './logger.js';
import { registerRequestCeiling } from './request-ceiling.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerTrpc } from './trpc-host.js';

export interface BuildServerOptions {
  core: Core;
  /** Defaults to a pino logger at config.logLevel with secrets redacted. */
  logger?: Logger;
  /** Built admin client to serve at `/` (default: @gatehouse/admin-client's build); null serves none. */
  adminClientDir?: string | null;
  /** Present while waiting for the first admin (see FirstAdminSetup). */
  firstAdminSetup?: FirstAdminSetup | null;
  /** Largest accepted request body in bytes (default 1 MiB); larger gets 413. */
  bodyLimit?: number;
  /**
   * Answer single GET queries without tRPC's adapter (default true; see trpc-host.ts). False is for
   * the test that compares both paths.
   */
  directQueries?: boolean;
}

/**
 * Builds the HTTP server without listening: tRPC at /trpc, /healthz, /readyz and the admin client.
 * Tests `inject` into it or `listen({ port: 0 })`; main.ts listens for real.
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { core } = options;
  const config = core.config;
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger(config.logLevel)) as FastifyBaseLogger,
    // Only the listed proxies (addresses/CIDRs) are trusted: the client IP is the rightmost
    // X-Forwarded-For hop not among them (proxy-addr). None listed: the peer's address, headers ignored.
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Batched GETs put every call's input in the URL.
    routerOptions: { maxParamLength: 10_000 },
  });

  registerSecurityHeaders(app);
  const origins = allowedOrigins(config);
  await app.register(fastifyCors, { origin: [...origins], credentials: true });
  await app.register(fastifyCookie);
  registerRequestCeiling(app, core);

  // Probes for load balancers: plain JSON no browser renders, so without helmet's headers (building
  // them per request cost more than half of /healthz's time).
  app.get('/healthz', { config: { securityHeaders: false } }, async () => ({ status: 'ok' }));
  // /readyz is outside the rate limit, so a flood of it must not become a flood of queries: the
  // database's answer (up or down) is kept for a second after it arrives, and calls made while a
  // ping is in flight wait for that one. At most about one ping a second, whatever the traffic.
  const readyzCacheMs = 1000;
  let readiness: { up: Promise<boolean>; until: number } | undefined;
  const isReady = (): Promise<boolean> => {
    if (!readiness || performance.now() >= readiness.until) {
      const up = core.ping().catch(() => false);
      const pending = { up, until: Number.POSITIVE_INFINITY };
      readiness = pending;
      void up.then(() => {
        pending.until = performance.now() + readyzCacheMs;
      });
    }
    return readiness.up;
  };
  app.get('/readyz', { config: { securityHeaders: false } }, async (_req, reply) => {
    const up = await isReady();
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', db: up ? 'up' : 'down' });
  });

  await registerTrpc(app, {
    directQueries: options.directQueries,
    trpcOptions: {
      router: appRouter,
      createContext: createHttpContextFactory(core, options.firstAdminSetup ?? null),
      allowMethodOverride: false,
      // Larger batches are refused (400) before any of their calls runs.
      maxBatchSize: MAX_BATCH_SIZE,
      responseMeta({ errors }) {
        const seconds = retryAfterSeconds(errors);
        return seconds ? { headers: { 'Retry-After': String(seconds) } } : {};
      },
      onError({ error, path, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
        } else if (error.code === 'SERVICE_UNAVAILABLE' && error.cause?.cause) {
          // The database is unreachable (DB_UNAVAILABLE): what the driver said, without the query.
          req.log.warn({ err: error.cause.cause, path }, 'database unavailable');
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  const adminClientDir = options.adminClientDir === undefined ? builtAdminClientDir : options.adminClientDir;
  if (adminClientDir && existsSync(path.join(adminClientDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: adminClientDir, wildcard: false });
    // Client-side routes (/accept-invite, /reset-password, /setup, …) all load the single page.
    app.setNotFoundHandler((req, reply) => {
      const wantsPage =
        req.method === 'GET' &&
        !req.url.startsWith('/trpc') &&
        (req.headers.accept ?? '').includes('text/html');
      if (wantsPage) return reply.type('text/html').sendFile('index.html');
      return reply
        .code(404)
        .send({ error: 'Not Found', message: `Route ${req.method} ${req.url.split('?')[0]} not found` });
    });
  }

  return app;
}
