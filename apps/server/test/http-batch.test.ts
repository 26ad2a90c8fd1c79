import { MAX_BATCH_SIZE } from '@gatehouse/api';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, useHttpServer, useServerCore } from './http-harness.js';

// One HTTP request of tRPC's batch link carries many procedure calls. Unbounded, one request of
// ~900 logins filled the hash queue and passed the per-(IP, email) throttle 900 times.
const h = useServerCore({ RATE_LIMIT_PER_MINUTE: '30', HASH_RATE_PER_MINUTE: '1000' });
const http = useHttpServer(h);

/** POSTs `calls` auth.login calls with distinct emails in one batched request. */
function loginBatch(calls: number) {
  const paths = Array.from({ length: calls }, () => 'auth.login').join(',');
  const inputs = Object.fromEntries(
    Array.from({ length: calls }, (_, i) => [
      i,
      { email: `guess${i}@example.com`, password: 'wrong password!' },
    ]),
  );
  return fetch(`${http.url}/trpc/${paths}?batch=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: APP_ORIGIN },
    body: JSON.stringify(inputs),
  });
}

describe('batches', () => {
  it(`refuses a batch of more than ${MAX_BATCH_SIZE} calls with 400 before any of them runs`, async () => {
    const response = await loginBatch(MAX_BATCH_SIZE + 1);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('Batch call exceeds maximum size');
    // Not one login was attempted: no failed-login audit row.
    expect((await h.core.audit.list({ action: 'auth.login_failed' })).items).toEqual([]);
  });

  it(`runs a batch of ${MAX_BATCH_SIZE}`, async () => {
    const response = await loginBatch(MAX_BATCH_SIZE);
    expect(response.status).toBe(401);
    const answers = (await response.json()) as { error: { data: { domainCode: string } } }[];
    expect(answers).toHaveLength(MAX_BATCH_SIZE);
    expect(answers.every((answer) => answer.error.data.domainCode === 'INVALID_CREDENTIALS')).toBe(true);
  });

  it('counts procedure calls, not HTTP requests, against the per-IP ceiling', async () => {
    // RATE_LIMIT_PER_MINUTE is 30: three batches of 10 use it up, so the fourth request is refused.
    for (let i = 0; i < 3; i += 1) {
      const paths = Array.from({ length: MAX_BATCH_SIZE }, () => 'setup.status').join(',');
      const response = await fetch(`${http.url}/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`);
      expect(response.status).toBe(200);
    }
    const refused = await fetch(`${http.url}/trpc/setup.status`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      error: { data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, domainCode: 'RATE_LIMITED' } },
    });
    // Health checks are never counted.
    expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
  });
});
