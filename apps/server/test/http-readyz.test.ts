import type { Core } from '@gatehouse/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useHttpServer, useServerCore } from './http-harness.js';

// A real core on the worker's database; only its ping is wrapped, to count the calls and to play
// an outage. /readyz is outside the rate limit, so it must not cost one query per call.
const h = useServerCore();
const database = { pings: 0, up: true };
const http = useHttpServer(h, {
  core: (): Core => ({
    ...h.core,
    async ping() {
      database.pings += 1;
      const answered = await h.core.ping();
      return answered && database.up;
    },
  }),
});

const readyz = async () => {
  const response = await fetch(`${http.url}/readyz`);
  return { status: response.status, body: await response.json() };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  database.up = true;
});

describe('/readyz caches the database answer for about a second', () => {
  it('answers a flood of 50 requests with about one database ping a second', async () => {
    // Let any answer cached by an earlier test run out.
    await sleep(1100);
    database.pings = 0;
    const started = performance.now();
    const concurrent = await Promise.all(Array.from({ length: 25 }, readyz));
    const oneByOne = [];
    for (let i = 0; i < 25; i += 1) oneByOne.push(await readyz());
    for (const answer of [...concurrent, ...oneByOne])
      expect(answer).toEqual({ status: 200, body: { status: 'ok', db: 'up' } });
    // One ping per started second of the flood (and one more at a boundary), never one per request:
    // on a loaded machine 50 requests can take longer than the one-second cache.
    const seconds = Math.ceil((performance.now() - started) / 1000);
    expect(database.pings).toBeGreaterThanOrEqual(1);
    expect(database.pings).toBeLessThanOrEqual(seconds + 1);
    expect(database.pings).toBeLessThan(10);
  });

  it('sees an outage once the cached answer is older than the cache period, and caches that too', async () => {
    expect((await readyz()).status).toBe(200);
    database.up = false;
    await sleep(1100);
    expect(await readyz()).toEqual({ status: 503, body: { status: 'unavailable', db: 'down' } });

    const pingsBefore = database.pings;
    const started = performance.now();
    const flood = await Promise.all(Array.from({ length: 50 }, readyz));
    expect(flood.every((answer) => answer.status === 503)).toBe(true);
    // The down answer is cached too: about one ping a second of flood (a loaded machine may take more).
    expect(database.pings - pingsBefore).toBeLessThanOrEqual(Math.ceil((performance.now() - started) / 1000));

    // And recovery is seen as soon.
    database.up = true;
    await sleep(1100);
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ok', db: 'up' } });
  });
});
