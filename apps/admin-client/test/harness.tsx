import type { ErrorCode } from '@gatehouse/api';
import { createGatehouseClient, type RouterInputs, type RouterOutputs } from '@gatehouse/api';
import { createMemoryHistory, RouterProvider } from '@tanstack/react-router';
import { render } from '@testing-library/react';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { mfaLink } from '../src/features/mfa/mfa-link.js';
import { Providers } from '../src/providers.js';
import { createAppRouter } from '../src/router.js';
import { createQueryClient, type User } from '../src/trpc.js';

/** An error as the Gatehouse server sends it (tRPC's JSON shape plus the formatter's `data`). */
export interface WireError {
  error: {
    message: string;
    code: number;
    data: {
      code: string;
      httpStatus: number;
      domainCode: ErrorCode;
      zodError: { formErrors: string[]; fieldErrors: Record<string, string[]> } | null;
    };
  };
}

const JSON_RPC: Record<number, number> = { 400: -32600, 401: -32001, 403: -32003, 404: -32004, 409: -32009 };
const TRPC_CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

export const wireError = (
  httpStatus: number,
  domainCode: ErrorCode,
  message: string,
  fieldErrors?: Record<string, string[]>,
): WireError => ({
  error: {
    message,
    code: JSON_RPC[httpStatus] ?? -32603,
    data: {
      code: TRPC_CODE[httpStatus] ?? 'INTERNAL_SERVER_ERROR',
      httpStatus,
      domainCode,
      zodError: fieldErrors ? { formErrors: [], fieldErrors } : null,
    },
  },
});

type Path = {
  [K in keyof RouterOutputs]: RouterOutputs[K] extends Record<string, unknown>
    ? { [P in keyof RouterOutputs[K] & string]: `${K & string}.${P}` }[keyof RouterOutputs[K] & string]
    : never;
}[keyof RouterOutputs];
type Output<P extends Path> = P extends `${infer K extends keyof RouterOutputs}.${infer M}`
  ? M extends keyof RouterOutputs[K]
    ? RouterOutputs[K][M]
    : never
  : never;
type Input<P extends Path> = P extends `${infer K extends keyof RouterInputs}.${infer M}`
  ? M extends keyof RouterInputs[K]
    ? RouterInputs[K][M]
    : never
  : never;

/** Canned answers per procedure, typed by the real router: a result, or an error as the server sends it. */
export type Handlers = {
  [P in Path]?: (input: Input<P>) => Output<P> | WireError | Promise<Output<P> | WireError>;
};

export interface FakeServer {
  calls: { path: string; input: unknown }[];
}

/** A fetch that answers tRPC batch requests from `handlers`, the way the server's HTTP adapter would. */
export function fakeFetch(handlers: Handlers, server: FakeServer): typeof fetch {
  return async (request, init) => {
    const url = new URL(String(request instanceof Request ? request.url : request), 'http://gatehouse.test');
    const paths = decodeURIComponent(url.pathname.replace(/^\/trpc\//, '')).split(',');
    const raw = init?.method === 'POST' ? String(init.body) : url.searchParams.get('input');
    const inputs: Record<string, unknown> = raw ? JSON.parse(raw) : {};
    const results = await Promise.all(
      paths.map(async (path, index) => {
        const input = inputs[String(index)];
        server.calls.push({ path, input });
        const handler: ((input: unknown) => unknown) | undefined = Reflect.get(handlers, path);
        if (!handler) return wireError(404, 'NOT_FOUND', `No fake for ${path}`);
        const answer = await handler(input);
        return typeof answer === 'object' && answer !== null && 'error' in answer
          ? answer
          : { result: { data: answer } };
      }),
    );
    const status = results.some((result) => 'error' in result) ? 207 : 200;
    return new Response(JSON.stringify(results), { status, headers: { 'content-type': 'application/json' } });
  };
}

/** Renders the whole app (real routes, real tRPC client) at `path`, against the fake server. */
export function renderApp(path: string, handlers: Handlers) {
  const server: FakeServer = { calls: [] };
  const trpcClient = createGatehouseClient({
    url: 'http://gatehouse.test',
    fetch: fakeFetch(handlers, server),
    links: [mfaLink()],
  });
  const queryClient = createQueryClient();
  const router = createAppRouter(
    { queryClient, trpc: createTRPCOptionsProxy({ client: trpcClient, queryClient }) },
    createMemoryHistory({ initialEntries: [path] }),
  );
  const view = render(
    <Providers queryClient={queryClient} trpcClient={trpcClient}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...view, server, router };
}

export const aUser = (overrides: Partial<User> = {}): User => ({
  id: 'usr_01admin',
  email: 'admin@example.com',
  firstName: 'Ada',
  lastName: 'Admin',
  role: 'admin',
  hasPassword: true,
  apiTokenPrefix: null,
  metadata: null,
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  lastLoginAt: '2026-12-01T10:00:00.000Z',
  mfaEnabled: false,
  ...overrides,
});
