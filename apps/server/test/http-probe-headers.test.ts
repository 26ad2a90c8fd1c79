import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../src/security-headers.js';
import { useHttpServer, useServerCore } from './http-harness.js';

/** The headers helmet itself sets for our options, on a bare response (no server involved). */
function helmetHeaders(): Record<string, string> {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  helmet(SECURITY_HEADERS)(new IncomingMessage(new Socket()), res, () => {});
  return Object.fromEntries(Object.entries(res.getHeaders()).map(([name, value]) => [name, String(value)]));
}

// The load balancer's probes skip helmet's browser headers (their cost is most of a probe's time);
// everything a browser loads or calls keeps them.
const h = useServerCore();
const http = useHttpServer(h);

describe('security headers', () => {
  it('are left off /healthz and /readyz, which answer plain JSON', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${http.url}${path}`);
      expect(response.status).toBe(200);
      for (const name of Object.keys(helmetHeaders())) expect(response.headers.get(name), name).toBeNull();
      expect(response.headers.get('content-type')).toContain('application/json');
    }
  });

  it('stay on the API, both through the direct query path and through tRPC’s adapter', async () => {
    for (const init of [
      { url: '/trpc/auth.me' },
      {
        url: '/trpc/auth.logout',
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      },
    ]) {
      const response = await fetch(`${http.url}${init.url}`, init);
      // Every header helmet sets for our options, with its value; none missing, none altered.
      const expected = helmetHeaders();
      expect(Object.keys(expected).length).toBeGreaterThan(8);
      for (const [name, value] of Object.entries(expected))
        expect(response.headers.get(name), name).toBe(value);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).not.toBeNull();
    }
  });
});
