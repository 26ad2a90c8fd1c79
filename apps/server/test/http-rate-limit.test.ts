import { describe, expect, it } from 'vitest';
import { useHttpServer, useServerCore } from './http-harness.js';

const h = useServerCore({ RATE_LIMIT_PER_MINUTE: '5' });
const http = useHttpServer(h);

describe('general request ceiling per IP', () => {
  it('answers 429 past RATE_LIMIT_PER_MINUTE, but never throttles health checks', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await fetch(`${http.url}/trpc/setup.status`)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
    expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200);
  });
});
