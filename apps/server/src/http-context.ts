import {
  createRequestContextFactory,
  type FirstAdminSetup,
  SESSION_COOKIE,
  type SessionCookie,
  sessionCookieAttributes,
} from '@gatehouse/api/server';
import type { Core } from '@gatehouse/core';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyReply } from 'fastify';

/** Set-Cookie on this reply, with the attributes the API defines. */
const cookieWriter =
  (reply: FastifyReply) =>
  (secure: boolean): SessionCookie => ({
    set(token, expiresAt) {
      reply.setCookie(SESSION_COOKIE, token, { ...sessionCookieAttributes(secure), expires: expiresAt });
    },
    clear() {
      reply.clearCookie(SESSION_COOKIE, sessionCookieAttributes(secure));
    },
  });

/** Fastify's request, read into the API's transport-neutral shape. */
export function createHttpContextFactory(core: Core, setup: FirstAdminSetup | null) {
  const createContext = createRequestContextFactory(core, setup);
  return ({ req, res }: CreateFastifyContextOptions) =>
    createContext(
      {
        method: req.method,
        headers: req.headers,
        sessionToken: req.cookies[SESSION_COOKIE],
        ip: req.ip ?? null,
        secure: req.protocol === 'https',
      },
      cookieWriter(res),
    );
}
