import type { Core } from '@gatehouse/core';
import { describe, expect, it } from 'vitest';
import { createCaller } from '../src/router.js';
import { createInnerContext } from '../src/trpc/context.js';
import { domainCodeOf } from '../src/trpc/errors.js';
import { createRequestContextFactory } from '../src/trpc/request-context.js';
import { failure, useApiHarness } from './harness.js';

// An unreachable database is a 503 DB_UNAVAILABLE the caller may retry, never a 500: in a procedure
// and while the request's caller is being resolved (before any procedure runs). The hardening suite
// proves it with a real PostgreSQL stopped under a running server; this keeps it in the fast suite.
const h = useApiHarness();
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** The harness's core with one service method failing as a stopped database makes it fail. */
function coreWith<K extends 'users' | 'auth'>(service: K, method: string): Core {
  const failing = Object.create(h.core[service], {
    [method]: { value: async () => Promise.reject(refused()) },
  });
  return { ...h.core, [service]: failing };
}

describe('database unavailable', () => {
  it('a procedure whose query cannot reach the database answers SERVICE_UNAVAILABLE / DB_UNAVAILABLE', async () => {
    const { principal } = await h.signedIn('admin');
    const caller = createCaller(createInnerContext({ core: coreWith('users', 'list'), principal }));
    const error = await failure(caller.users.list({}));
    expect({ code: error.code, domainCode: domainCodeOf(error) }).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      domainCode: 'DB_UNAVAILABLE',
    });
    expect(error.message).not.toMatch(/ECONNREFUSED|5432/);
  });

  it('resolving the session cookie when the database is down is a 503 too, not an internal error', async () => {
    const createContext = createRequestContextFactory(coreWith('auth', 'authenticateSession'));
    const error = await failure(
      createContext(
        { method: 'GET', headers: {}, sessionToken: `ghs_${'a'.repeat(43)}`, ip: '10.0.0.1', secure: false },
        () => ({ set() {}, clear() {} }),
      ),
    );
    expect({ code: error.code, domainCode: domainCodeOf(error) }).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      domainCode: 'DB_UNAVAILABLE',
    });
  });
});
