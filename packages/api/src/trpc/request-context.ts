import type { Core, GatehouseConfig, Principal } from '@gatehouse/core';
import type { FirstAdminSetup } from '../setup/first-admin-setup.js';
import type { Context, SessionCookie } from './context.js';
import { toTRPCError } from './errors.js';

/** Name of the browser session cookie; every host sets it with `sessionCookieAttributes`. */
export const SESSION_COOKIE = 'gatehouse_session';

/** HttpOnly, SameSite=Lax, whole site; Secure when the request came over https. */
export const sessionCookieAttributes = (secure: boolean) =>
  ({ httpOnly: true, sameSite: 'lax', secure, path: '/' }) as const;

/**
 * What any host (Fastify, a fetch handler, a Next.js route) knows of an incoming request: enough
 * to find the caller and judge whether a cookie-authenticated mutation is same-origin.
 */
export interface IncomingRequest {
  method: string;
  /** The request headers a host passes on (names lower-case). */
  headers: {
    authorization?: string | undefined;
    origin?: string | undefined;
    referer?: string | undefined;
    'content-type'?: string | undefined;
    'user-agent'?: string | undefined;
  };
  /** Value of the `gatehouse_session` cookie, if sent. */
  sessionToken: string | undefined;
  /** The client's address as the host resolved it (trusted proxies accounted for). */
  ip: string | null;
  /** True when the request reached the host over https (cookies are then marked Secure). */
  secure: boolean;
}

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

/**
 * Builds the context of one incoming request (every call of a batch shares it): the caller from
 * a bearer API token or the session cookie, and whether the request is same-origin.
 */
export function createRequestContextFactory(core: Core, setup: FirstAdminSetup | null = null) {
  const origins = allowedOrigins(core.config);
  const httpsPublicUrl = core.config.publicUrl.startsWith('https://');
  return async (
    request: IncomingRequest,
    writeCookie: (secure: boolean) => SessionCookie,
  ): Promise<Context> => {
    const { headers, sessionToken } = request;
    const bearer = bearerToken(headers.authorization);
    let principal: Principal | null = null;
    try {
      if (bearer) principal = await core.auth.authenticateApiToken(bearer);
      else if (sessionToken) principal = await core.auth.authenticateSession(sessionToken);
    } catch (error) {
      // Failures here happen before any procedure's error mapping: map them the same way (an
      // unreachable database is a 503, not an internal error).
      throw toTRPCError(error) ?? error;
    }

    // Browsers send Origin on every cross-site POST (Referer as a fallback). Without either, only
    // a request that carries no session cookie is taken as same-origin (curl, servers).
    const origin = originOf(headers.origin) ?? originOf(headers.referer);
    const json = request.method !== 'POST' || (headers['content-type'] ?? '').startsWith('application/json');
    const sameOrigin = origin ? origins.has(origin) && json : !sessionToken;

    return {
      core,
      principal,
      ip: request.ip,
      userAgent: headers['user-agent'] ?? null,
      sessionCookie: writeCookie(httpsPublicUrl || request.secure),
      sameOrigin,
      firstAdminSetup: setup?.active ? setup : null,
    };
  };
}
