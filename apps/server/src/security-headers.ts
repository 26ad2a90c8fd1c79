import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** helmet's browser headers, with the Content-Security-Policy of the admin client. */
export const SECURITY_HEADERS: Readonly<HelmetOptions> = {
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
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route answers without helmet's browser headers (the load balancer's probes). */
    securityHeaders?: boolean;
  }
}

/**
 * helmet's headers on every response, unless the route's config says `securityHeaders: false`.
 * helmet's middleware is built once here: @fastify/helmet built it again on every request (parsing
 * the CSP directives each time), which was ~4 % of a signed-in read's CPU in the bench's profile.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const setHeaders = helmet(SECURITY_HEADERS);
  app.addHook('onRequest', (req, reply, done) => {
    if (req.routeOptions.config.securityHeaders === false) return done();
    setHeaders(req.raw, reply.raw, (error) => done(error as Error | undefined));
  });
}
