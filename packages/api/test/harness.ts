import type { Principal, Role } from '@gatehouse/core';
import { STRONG_PASSWORD, type TestCoreHarness, useTestCore } from '@gatehouse/core/testing';
import { TRPCError } from '@trpc/server';
import { beforeAll } from 'vitest';
import { createCaller } from '../src/router.js';
import { type Context, createInnerContext, type InnerContextOptions } from '../src/trpc/context.js';

export { STRONG_PASSWORD };

export interface ApiHarness extends TestCoreHarness {
  /** A caller with no session (anonymous). */
  anonymous(options?: Omit<InnerContextOptions, 'core'>): ReturnType<typeof createCaller>;
  /** Creates a user with `role` and returns a caller signed in as them (by session). */
  signedIn(
    role: Role,
    email?: string,
  ): Promise<{ caller: ReturnType<typeof createCaller>; principal: Principal; ctx: Context }>;
}

/**
 * core/testing's harness (a core on this worker's database, tables emptied before each test, the
 * real clock) plus createCaller helpers. `env` overrides the test configuration.
 */
export function useApiHarness(env: Record<string, string> = {}): ApiHarness {
  const h = useTestCore({ env, realClock: true }) as ApiHarness;
  beforeAll(() => {
    h.anonymous = (options = {}) => createCaller(createInnerContext({ core: h.core, ...options }));
    let counter = 0;
    h.signedIn = async (role, email) => {
      counter += 1;
      const address = email ?? `${role}${counter}@example.com`;
      await h.core.users.create({ email: address, password: STRONG_PASSWORD, role });
      const login = await h.core.auth.login(
        { email: address, password: STRONG_PASSWORD },
        { ip: '10.0.0.1' },
      );
      const principal: Principal = { user: login.user, via: 'session', sessionId: login.sessionId };
      const ctx = createInnerContext({ core: h.core, principal, ip: '10.0.0.1' });
      return { caller: createCaller(ctx), principal, ctx };
    };
  });
  return h;
}

/** Every key of the contract's User, sorted: what every user in a response must have, exactly. */
export const USER_FIELDS = [
  'apiTokenPrefix',
  'createdAt',
  'email',
  'firstName',
  'hasPassword',
  'id',
  'lastLoginAt',
  'lastName',
  'metadata',
  'mfaEnabled',
  'role',
  'updatedAt',
];

/** The TRPCError a call rejects with; fails the test if it resolves or throws anything else. */
export async function failure(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}
