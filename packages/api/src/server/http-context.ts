import type { Core, GatehouseConfig, Principal } from '@gatehouse/core';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyReply } from 'fastify';
import type { FirstAdminSetup } from '../setup/first-admin-setup.js';
import type { Context } from '../trpc/context.js';

export const SESSION_COOKIE = 'gatehouse_session';

/** Origins allowed to send cookie-authenticated mutations: PUBLIC_URL's and CORS_ORIGINS. */
export function allowedOrigins(config: GatehouseConfig): Set<string> {
  const origins = new Set<string>([new URL(config.publicUrl).origin]);
  for (const origin of config.corsOrigins) origins.add(new URL(origin).origin);
  return origins;
}

function originOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value).origin;
  } catch {
    return 'invalid';
  }
}

const bearerToken = (header: string | undefined): string | null => {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
};

export function cookieWriter(reply: FastifyReply, secure: boolean) {
  return {
    set(token: string, expiresAt: Date) {
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        expires: expiresAt,
      });
    },
    clear() {
      reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
    },
  };
}

/** Resolves the caller once per HTTP request (every call of a batch shares it). */
export function createHttpContextFactory(core: Core, setup: FirstAdminSetup | null) {
  const origins = allowedOrigins(core.config);
  const secureCookies = core.config.publicUrl.startsWith('https://');
  return async ({ req, res }: CreateFastifyContextOptions): Promise<Context> => {
    const cookieToken = req.cookies[SESSION_COOKIE];
    const bearer = bearerToken(req.headers.authorization);
    let principal: Principal | null = null;
    if (bearer) principal = await core.auth.authenticateApiToken(bearer);
    else if (cookieToken) principal = await core.auth.authenticateSession(cookieToken);

    // Browsers send Origin on every cross-site POST (Referer as a fallback). Without either, only
    // a request that carries no session cookie is taken as same-origin (curl, servers).
    const origin = originOf(req.headers.origin) ?? originOf(req.headers.referer);
    const json = req.method !== 'POST' || (req.headers['content-type'] ?? '').startsWith('application/json');
    const sameOrigin = origin ? origins.has(origin) && json : !cookieToken;

    return {
      core,
      principal,
      ip: req.ip ?? null,
      userAgent: req.headers['user-agent'] ?? null,
      sessionCookie: cookieWriter(res, secureCookies || req.protocol === 'https'),
      sameOrigin,
      firstAdminSetup: setup?.active ? setup : null,
    };
  };
}
