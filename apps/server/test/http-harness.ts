import { Writable } from 'node:stream';
import { createGatehouseClient } from '@gatehouse/api';
import type { Core } from '@gatehouse/core';
import { STRONG_PASSWORD, type TestCoreHarness, useTestCore } from '@gatehouse/core/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildServer } from '../src/build-server.js';
import { createLogger } from '../src/logger.js';

export { STRONG_PASSWORD };

/** core/testing's harness with the real clock (cookies and Retry-After are about real time). */
export const useServerCore = (env: Record<string, string> = {}): TestCoreHarness =>
  useTestCore({ env, realClock: true });

/** Origin of PUBLIC_URL in the test configuration: cookie mutations must come from it. */
export const APP_ORIGIN = 'http://gatehouse.test';

export interface HttpHarness {
  app: FastifyInstance;
  url: string;
  /** Every log line the server wrote, as text. */
  logs: string[];
}

/** Listens on a free port for the file's tests; closes afterwards. */
export function useHttpServer(h: TestCoreHarness, options: { core?: () => Core } = {}): HttpHarness {
  const http = { logs: [] as string[] } as HttpHarness;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        http.logs.push(String(chunk));
        done();
      },
    });
    http.app = await buildServer({
      core: options.core?.() ?? h.core,
      logger: createLogger('info', sink),
      adminClientDir: null,
    });
    await http.app.listen({ host: '127.0.0.1', port: 0 });
    const address = http.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    http.url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await http.app?.close();
  });
  return http;
}

/**
 * A fetch with a one-cookie jar (like a browser tab) that sends `origin` when given and counts
 * HTTP requests, for the typed client.
 */
export function browserLike(options: { origin?: string; referer?: string } = {}) {
  const state = { cookie: undefined as string | undefined, requests: 0, setCookies: [] as string[] };
  const fetchWithJar: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (state.cookie) headers.set('cookie', state.cookie);
    if (options.origin) headers.set('origin', options.origin);
    if (options.referer) headers.set('referer', options.referer);
    state.requests += 1;
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      state.setCookies.push(line);
      const pair = line.split(';')[0] ?? '';
      if (pair.startsWith('gatehouse_session='))
        state.cookie = pair === 'gatehouse_session=' ? undefined : pair;
    }
    return response;
  };
  return { state, fetch: fetchWithJar };
}

export function clientFor(url: string, browser: ReturnType<typeof browserLike>) {
  return createGatehouseClient({ url, fetch: browser.fetch });
}

/** An admin created on `h.core` and signed in by cookie in a browser that sends the allowed Origin. */
export async function adminInBrowser(h: TestCoreHarness, http: HttpHarness) {
  await h.core.users.create({ email: 'admin@example.com', password: STRONG_PASSWORD, role: 'admin' });
  const browser = browserLike({ origin: APP_ORIGIN });
  const client = clientFor(http.url, browser);
  await client.auth.login.mutate({ email: 'admin@example.com', password: STRONG_PASSWORD });
  return { browser, client };
}
