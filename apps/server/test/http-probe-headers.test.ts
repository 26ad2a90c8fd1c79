import { describe, expect, it } from 'vitest';
import { useHttpServer, useServerCore } from './http-harness.js';

// The load balancer's probes skip helmet's browser headers (their cost is most of a probe's time);
// everything a browser loads or calls keeps them.
const h = useServerCore();
const http = useHttpServer(h);

describe('security headers', () => {
  it('are left off /healthz and /readyz, which answer plain JSON', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${http.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBeNull();
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
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).not.toBeNull();
    }
  });
});
