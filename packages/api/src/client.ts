import { createTRPCClient, httpBatchLink, type TRPCClient, type TRPCLink } from '@trpc/client';
import { MAX_BATCH_SIZE } from './limits.js';
import type { AppRouter } from './router.js';

export interface GatehouseClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:3000` (the `/trpc` path is added). */
  url: string;
  /** Machine access: sent as `Authorization: Bearer <token>`. */
  apiToken?: string;
  /** Custom fetch (cookie jars in tests, proxies). Browsers send the session cookie by themselves. */
  fetch?: typeof fetch;
  /** Extra headers on every request (e.g. `Origin` for a server-side cookie client). */
  headers?: Record<string, string>;
  /** Links that run before the HTTP one (e.g. the web admin's step-up retry). */
  links?: TRPCLink<AppRouter>[];
}

export type GatehouseClient = TRPCClient<AppRouter>;

/** A typed client for every procedure; calls made in the same tick share one HTTP request. */
export function createGatehouseClient(options: GatehouseClientOptions): GatehouseClient {
  const base = options.url.replace(/\/+$/, '');
  return createTRPCClient<AppRouter>({
    links: [
      ...(options.links ?? []),
      httpBatchLink({
        url: `${base}/trpc`,
        maxURLLength: 4000,
        maxItems: MAX_BATCH_SIZE,
        headers: () => ({
          ...options.headers,
          ...(options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {}),
        }),
        fetch: (input, init) =>
          (options.fetch ?? globalThis.fetch)(input, { ...(init as RequestInit), credentials: 'include' }),
      }),
    ],
  });
}
