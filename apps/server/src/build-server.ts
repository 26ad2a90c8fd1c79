import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { adminClientDir as builtAdminClientDir } from '@gatehouse/admin-client/build-dir';
import {
  type AppRouter,
  allowedOrigins,
  appRouter,
  type FirstAdminSetup,
  retryAfterSeconds,
} from '@gatehouse/api/server';
import { type Core, loggableError } from '@gatehouse/core';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createHttpContextFactory } from './http-context.js';
import { createLogger } from './logger.js';

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
    // A hop count becomes the function Fastify would build from it (its types accept no number).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Batched GETs put every call's input in the URL.
    routerOptions: { maxParamLength: 10_000 },
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const origins = allowedOrigins(config);
  await app.register(fastifyCors, { origin: [...origins], credentials: true });
  await app.register(fastifyCookie);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  if (redis) app.addHook('onClose', async () => void redis.disconnect());
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    ...(redis ? { redis, nameSpace: 'gatehouse:http:' } : {}),
    // Load balancers poll health; never throttle them.
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const up = await core.ping();
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', db: up ? 'up' : 'down' });
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: createHttpContextFactory(core, options.firstAdminSetup ?? null),
      allowMethodOverride: false,
      responseMeta({ errors }) {
        const seconds = retryAfterSeconds(errors);
        return seconds ? { headers: { 'Retry-After': String(seconds) } } : {};
      },
      onError({ error, path, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error({ err: loggableError(error.cause ?? error), path }, 'procedure failed');
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
