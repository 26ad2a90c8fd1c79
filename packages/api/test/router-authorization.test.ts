import type { IssuedInvite, Principal, Role, UserDto } from '@gatehouse/core';
import { SoftAuthenticator } from '@gatehouse/core/testing';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { appRouter, createCaller } from '../src/router.js';
import { FirstAdminSetup } from '../src/setup/first-admin-setup.js';
import { createInnerContext } from '../src/trpc/context.js';
import { domainCodeOf } from '../src/trpc/errors.js';
import { STRONG_PASSWORD, useApiHarness } from './harness.js';
import { totpCodeAt } from './totp.js';

const h = useApiHarness();

type Caller = ReturnType<typeof createCaller>;
const NEW_PASSWORD = 'a quite different passphrase 42';
const IP = '10.0.0.1';

/** 'allowed' when the call resolves, else the tRPC code it failed with. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'allowed';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

const callerFor = (principal: Principal | null, extra: { sameOrigin?: boolean } = {}): Caller =>
  createCaller(createInnerContext({ core: h.core, principal, ip: IP, ...extra }));

// ---------------------------------------------------------------------------------------------
// Columns: who is calling. API-token columns must have exactly the rights of the same role.

interface Column {
  name: string;
  role: Role | null;
  via: 'session' | 'apiToken' | null;
}
const COLUMNS: Column[] = [
  { name: 'anonymous', role: null, via: null },
  { name: 'member', role: 'member', via: 'session' },
  { name: 'developer', role: 'developer', via: 'session' },
  { name: 'admin', role: 'admin', via: 'session' },
  { name: 'member (API token)', role: 'member', via: 'apiToken' },
  { name: 'developer (API token)', role: 'developer', via: 'apiToken' },
  { name: 'admin (API token)', role: 'admin', via: 'apiToken' },
];

// ---------------------------------------------------------------------------------------------
// Rows: every procedure (and the input-dependent variants), with the contract's "who" column.

type Who = 'public' | 'signed in' | 'admin';

interface Fixture {
  /** The caller's principal, null for anonymous. */
  self: Principal | null;
  caller: Caller;
  /** An active member with a password (target of "other" operations). */
  target: UserDto;
  /** A pending invite (sendEmail false), made by an admin. */
  invite: IssuedInvite;
}

interface Row {
  procedure: string;
  variant?: string;
  who: Who;
  call(f: Fixture): Promise<unknown>;
  /** What a caller with enough rights gets; 'allowed' (success) unless stated. */
  permitted?: string;
}

const ROWS: Row[] = [
  { procedure: 'health', who: 'public', call: (f) => f.caller.health() },
  {
    procedure: 'auth.login',
    who: 'public',
    call: (f) => f.caller.auth.login({ email: f.target.email, password: STRONG_PASSWORD }),
  },
  { procedure: 'auth.logout', who: 'signed in', call: (f) => f.caller.auth.logout() },
  { procedure: 'auth.logoutAll', who: 'signed in', call: (f) => f.caller.auth.logoutAll() },
  { procedure: 'auth.sessions', who: 'signed in', call: (f) => f.caller.auth.sessions() },
  {
    procedure: 'auth.revokeSession',
    who: 'signed in',
    call: async (f) => {
      const own = f.self
        ? (await h.core.auth.startSession(f.self.user.id)).sessionId
        : 'ses_01jzzzzzzzzzzzzzzzzzzzzzzz';
      return f.caller.auth.revokeSession({ id: own });
    },
  },
  { procedure: 'auth.me', who: 'signed in', call: (f) => f.caller.auth.me() },
  {
    procedure: 'auth.changePassword',
    who: 'signed in',
    call: (f) =>
      f.caller.auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD }),
  },
  {
    procedure: 'auth.requestPasswordReset',
    who: 'public',
    call: (f) => f.caller.auth.requestPasswordReset({ email: f.target.email }),
  },
  {
    procedure: 'auth.resetPassword',
    who: 'public',
    call: async (f) => {
      await h.core.passwords.requestReset({ email: f.target.email });
      await h.core.idle();
      const token = h.mailer.lastTokenFor(f.target.email);
      return f.caller.auth.resetPassword({ token, newPassword: NEW_PASSWORD });
    },
  },
  { procedure: 'users.list', who: 'signed in', call: (f) => f.caller.users.list({}) },
  { procedure: 'users.get', who: 'signed in', call: (f) => f.caller.users.get({ id: f.target.id }) },
  {
    procedure: 'users.create',
    who: 'admin',
    call: (f) => f.caller.users.create({ email: 'created@example.com', role: 'member' }),
  },
  {
    procedure: 'users.update',
    variant: 'self without role',
    who: 'signed in',
    call: (f) => f.caller.users.update({ id: f.self?.user.id ?? f.target.id, firstName: 'Renamed' }),
  },
  {
    // A non-admin naming a role is refused even for their own record; admin keeps its own role.
    procedure: 'users.update',
    variant: 'self with role',
    who: 'admin',
    call: (f) => f.caller.users.update({ id: f.self?.user.id ?? f.target.id, role: 'admin' }),
  },
  {
    procedure: 'users.update',
    variant: 'other',
    who: 'admin',
    call: (f) => f.caller.users.update({ id: f.target.id, lastName: 'Changed' }),
  },
  { procedure: 'users.delete', who: 'admin', call: (f) => f.caller.users.delete({ id: f.target.id }) },
  {
    procedure: 'apiToken.generate',
    variant: 'self',
    who: 'signed in',
    call: (f) => f.caller.apiToken.generate(),
  },
  {
    procedure: 'apiToken.generate',
    variant: 'other',
    who: 'admin',
    call: (f) => f.caller.apiToken.generate({ userId: f.target.id }),
  },
  {
    procedure: 'apiToken.revoke',
    variant: 'self',
    who: 'signed in',
    call: (f) => f.caller.apiToken.revoke({}),
  },
  {
    procedure: 'apiToken.revoke',
    variant: 'other',
    who: 'admin',
    call: (f) => f.caller.apiToken.revoke({ userId: f.target.id }),
  },
  { procedure: 'invites.list', who: 'signed in', call: (f) => f.caller.invites.list({}) },
  {
    procedure: 'invites.create',
    who: 'admin',
    call: (f) => f.caller.invites.create({ email: 'new-invitee@example.com', sendEmail: false }),
  },
  {
    procedure: 'invites.resend',
    who: 'admin',
    call: (f) => f.caller.invites.resend({ id: f.invite.invite.id, sendEmail: false }),
  },
  {
    procedure: 'invites.revoke',
    who: 'admin',
    call: (f) => f.caller.invites.revoke({ id: f.invite.invite.id }),
  },
  {
    procedure: 'invites.preview',
    who: 'public',
    call: (f) => f.caller.invites.preview({ token: f.invite.token }),
  },
  {
    procedure: 'invites.accept',
    who: 'public',
    call: (f) => f.caller.invites.accept({ token: f.invite.token, password: STRONG_PASSWORD }),
  },
  { procedure: 'audit.list', who: 'admin', call: (f) => f.caller.audit.list({}) },
  // Second factors. Callers here have none, so step-up never applies; a call that reaches the
  // domain without a factor to act on gets the domain's answer (`permitted`).
  {
    procedure: 'auth.verifyMfa',
    who: 'public',
    permitted: 'BAD_REQUEST',
    call: (f) => f.caller.auth.verifyMfa({ challenge: `ghc_${'A'.repeat(43)}`, code: '123456' }),
  },
  { procedure: 'auth.passkeyOptions', who: 'public', call: (f) => f.caller.auth.passkeyOptions({}) },
  {
    procedure: 'auth.loginWithPasskey',
    who: 'public',
    call: async (f) => {
      const authenticator = new SoftAuthenticator({ origin: 'http://gatehouse.test' });
      const options = await h.core.mfa.passkeyRegistrationOptions(f.target.id);
      await h.core.mfa.registerPasskey(f.target.id, {
        name: 'Key',
        passkey: authenticator.register(options),
      });
      const request = await f.caller.auth.passkeyOptions({});
      return f.caller.auth.loginWithPasskey({ passkey: authenticator.authenticate(request) });
    },
  },
  {
    procedure: 'auth.stepUp',
    who: 'signed in',
    permitted: 'BAD_REQUEST',
    call: (f) => f.caller.auth.stepUp({ code: '123456' }),
  },
  { procedure: 'mfa.status', who: 'signed in', call: (f) => f.caller.mfa.status() },
  { procedure: 'mfa.totp.start', who: 'signed in', call: (f) => f.caller.mfa.totp.start() },
  {
    procedure: 'mfa.totp.confirm',
    who: 'signed in',
    call: async (f) => {
      const { secret } = await f.caller.mfa.totp.start();
      return f.caller.mfa.totp.confirm({ code: totpCodeAt(secret, new Date()) });
    },
  },
  {
    procedure: 'mfa.totp.disable',
    who: 'signed in',
    permitted: 'NOT_FOUND',
    call: (f) => f.caller.mfa.totp.disable(),
  },
  {
    procedure: 'mfa.passkeys.registrationOptions',
    who: 'signed in',
    call: (f) => f.caller.mfa.passkeys.registrationOptions(),
  },
  {
    procedure: 'mfa.passkeys.register',
    who: 'signed in',
    call: async (f) => {
      const options = await f.caller.mfa.passkeys.registrationOptions();
      const authenticator = new SoftAuthenticator({ origin: 'http://gatehouse.test' });
      return f.caller.mfa.passkeys.register({ name: 'Key', passkey: authenticator.register(options) });
    },
  },
  {
    procedure: 'mfa.passkeys.rename',
    who: 'signed in',
    permitted: 'NOT_FOUND',
    call: (f) => f.caller.mfa.passkeys.rename({ id: 'pkey_01jzzzzzzzzzzzzzzzzzzzzzzz', name: 'Renamed' }),
  },
  {
    procedure: 'mfa.passkeys.remove',
    who: 'signed in',
    permitted: 'NOT_FOUND',
    call: (f) => f.caller.mfa.passkeys.remove({ id: 'pkey_01jzzzzzzzzzzzzzzzzzzzzzzz' }),
  },
  {
    procedure: 'mfa.recoveryCodes.regenerate',
    who: 'signed in',
    permitted: 'BAD_REQUEST',
    call: (f) => f.caller.mfa.recoveryCodes.regenerate(),
  },
  { procedure: 'users.resetMfa', who: 'admin', call: (f) => f.caller.users.resetMfa({ id: f.target.id }) },
  { procedure: 'setup.status', who: 'public', call: (f) => f.caller.setup.status() },
  {
    // Public: the one-time link is the credential. With a valid link the call reaches the domain,
    // which refuses because the installation already has an admin.
    procedure: 'setup.createFirstAdmin',
    who: 'public',
    permitted: 'CONFLICT',
    call: async (f) => {
      if ((await h.core.users.countAdmins()) === 0) {
        await h.core.users.create({ email: 'existing-admin@example.com', role: 'admin' });
      }
      const { setup, token } = FirstAdminSetup.create();
      const caller = createCaller(
        createInnerContext({ core: h.core, principal: f.self, ip: IP, firstAdminSetup: setup }),
      );
      return caller.setup.createFirstAdmin({ token, email: 'first@example.com', password: STRONG_PASSWORD });
    },
  },
];

function expected(row: Row, column: Column): string {
  const permitted = row.permitted ?? 'allowed';
  if (row.who === 'public') return permitted;
  if (column.role === null) return 'UNAUTHORIZED';
  if (row.who === 'admin' && column.role !== 'admin') return 'FORBIDDEN';
  return permitted;
}

const CELLS = ROWS.flatMap((row) =>
  COLUMNS.map((column) => ({
    label: `${row.procedure}${row.variant ? ` (${row.variant})` : ''} × ${column.name} → ${expected(row, column)}`,
    row,
    column,
  })),
);

/**
 * Signed-in users of the given roles (each with a session principal and an API-token principal),
 * an active member to act on, and a pending invite.
 */
async function makeFixture(roles: readonly Role[] = ['admin', 'member', 'developer']) {
  const principals = {} as Record<string, Principal>;
  for (const role of roles) {
    const { principal } = await h.signedIn(role);
    principals[`${role}:session`] = principal;
    const generated = await h.core.apiTokens.generate(principal.user.id);
    const viaToken = await h.core.auth.authenticateApiToken(generated.token);
    if (!viaToken) throw new Error('API token did not authenticate');
    principals[`${role}:apiToken`] = viaToken;
  }
  const target = await h.core.users.create({
    email: 'target@example.com',
    password: STRONG_PASSWORD,
    role: 'member',
  });
  const invite = await h.core.invites.create(
    { email: 'invitee@example.com', role: 'developer', sendEmail: false },
    { actorId: principals['admin:session']?.user.id ?? null },
  );
  h.mailer.clear();
  return { principals, target, invite };
}

describe('authorization matrix', () => {
  it('has a row for every procedure of the router', () => {
    const routerProcedures = Object.keys(appRouter._def.procedures).sort();
    const tableProcedures = [...new Set(ROWS.map((row) => row.procedure))].sort();
    expect(tableProcedures).toEqual(routerProcedures);
  });

  it('fixture principals are of the kind and role they claim', async () => {
    const fx = await makeFixture();
    for (const role of ['admin', 'member', 'developer'] as const) {
      expect(fx.principals[`${role}:apiToken`]).toMatchObject({
        via: 'apiToken',
        sessionId: null,
        user: { role },
      });
      expect(fx.principals[`${role}:session`]).toMatchObject({ via: 'session', user: { role } });
    }
  });

  it.each(CELLS)('$label', async ({ row, column }) => {
    // Only the caller's own user is made (besides the target and the invite), to keep cells cheap.
    const fx = await makeFixture(column.role ? [column.role] : []);
    const self = column.role === null ? null : (fx.principals[`${column.role}:${column.via}`] as Principal);
    const caller = callerFor(self);
    const result = await outcome(row.call({ self, caller, target: fx.target, invite: fx.invite }));
    expect(result).toBe(expected(row, column));
  });
});

describe('refused calls change nothing', () => {
  it('a member cannot update, delete or re-role another user, nor manage invites, and nothing is written', async () => {
    const fx = await makeFixture();
    const member = callerFor(fx.principals['member:session'] as Principal);
    const auditBefore = await h.core.audit.list({ limit: 100 });

    await expect(member.users.update({ id: fx.target.id, firstName: 'Hacked' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(member.users.update({ id: fx.target.id, role: 'admin' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(member.users.delete({ id: fx.target.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(member.apiToken.generate({ userId: fx.target.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(member.invites.revoke({ id: fx.invite.invite.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    const target = await h.core.users.get(fx.target.id);
    expect(target).toEqual(fx.target);
    expect((await h.core.invites.get(fx.invite.invite.id)).status).toBe('pending');
    expect(await h.core.audit.list({ limit: 100 })).toEqual(auditBefore);
  });

  it('a member cannot promote themself to admin', async () => {
    const fx = await makeFixture();
    const self = fx.principals['member:session'] as Principal;
    await expect(callerFor(self).users.update({ id: self.user.id, role: 'admin' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      cause: { code: 'FORBIDDEN' },
    });
    expect((await h.core.users.get(self.user.id)).role).toBe('member');
  });

  it('anonymous errors carry UNAUTHENTICATED, role errors FORBIDDEN as domain code', async () => {
    const fx = await makeFixture();
    const anonymous = await h
      .anonymous()
      .users.list({})
      .catch((error: unknown) => error);
    expect(anonymous).toBeInstanceOf(TRPCError);
    expect(anonymous).toMatchObject({ code: 'UNAUTHORIZED', cause: { code: 'UNAUTHENTICATED' } });
    expect(domainCodeOf(anonymous as TRPCError)).toBe('UNAUTHENTICATED');

    const refused = await callerFor(fx.principals['developer:session'] as Principal)
      .audit.list({})
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', cause: { code: 'FORBIDDEN' } });
    expect(domainCodeOf(refused as TRPCError)).toBe('FORBIDDEN');
  });

  it('authorization is checked before input validation (no input oracle for anonymous callers)', async () => {
    await expect(h.anonymous().users.get({ id: '' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('cookie mutations need the same origin', () => {
  it('refuses session and anonymous mutations from a foreign origin, not queries or API-token calls', async () => {
    const fx = await makeFixture();
    const sessionForeign = callerFor(fx.principals['admin:session'] as Principal, { sameOrigin: false });
    await expect(
      sessionForeign.users.update({ id: fx.target.id, firstName: 'Cross-site' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      callerFor(null, { sameOrigin: false }).auth.login({
        email: fx.target.email,
        password: STRONG_PASSWORD,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await h.core.users.get(fx.target.id)).firstName).toBeNull();

    // Reads are not state-changing; they are not refused.
    await expect(sessionForeign.users.get({ id: fx.target.id })).resolves.toMatchObject({ id: fx.target.id });

    const tokenForeign = callerFor(fx.principals['admin:apiToken'] as Principal, { sameOrigin: false });
    await expect(
      tokenForeign.users.update({ id: fx.target.id, firstName: 'Machine' }),
    ).resolves.toMatchObject({
      firstName: 'Machine',
    });
  });
});

describe('rights follow the current state of the user', () => {
  it('a role change applies from the next request', async () => {
    const { caller: first } = await h.signedIn('admin');
    await h.core.users.create({
      email: 'second-admin@example.com',
      password: STRONG_PASSWORD,
      role: 'admin',
    });
    const login = await h.core.auth.login({ email: 'second-admin@example.com', password: STRONG_PASSWORD });

    const before = await h.core.auth.authenticateSession(login.token);
    expect(before?.user.role).toBe('admin');
    await expect(
      callerFor(before).users.create({ email: 'made-while-admin@example.com' }),
    ).resolves.toMatchObject({ email: 'made-while-admin@example.com' });

    await first.users.update({ id: login.user.id, role: 'member' });

    const after = await h.core.auth.authenticateSession(login.token);
    expect(after).toMatchObject({ via: 'session', sessionId: login.sessionId, user: { role: 'member' } });
    await expect(
      callerFor(after).users.create({ email: 'made-after-demotion@example.com' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Still a signed-in member.
    await expect(callerFor(after).users.list({})).resolves.toMatchObject({ total: 3 });
  });

  it('a promotion applies from the next request too', async () => {
    const { caller: admin } = await h.signedIn('admin');
    await h.core.users.create({ email: 'rising@example.com', password: STRONG_PASSWORD, role: 'developer' });
    const login = await h.core.auth.login({ email: 'rising@example.com', password: STRONG_PASSWORD });
    const asDeveloper = await h.core.auth.authenticateSession(login.token);
    await expect(callerFor(asDeveloper).audit.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await admin.users.update({ id: login.user.id, role: 'admin' });

    const asAdmin = await h.core.auth.authenticateSession(login.token);
    await expect(callerFor(asAdmin).audit.list({})).resolves.toMatchObject({ items: expect.any(Array) });
  });

  it.each(['member', 'developer', 'admin'] as const)(
    'an API token of a %s has the same rights as its user',
    async (role) => {
      const { principal } = await h.signedIn(role);
      const other = await h.core.users.create({ email: 'other@example.com', role: 'member' });
      const generated = await h.core.apiTokens.generate(principal.user.id);
      expect(generated.token.startsWith('gha_')).toBe(true);
      const viaToken = await h.core.auth.authenticateApiToken(generated.token);
      expect(viaToken).toMatchObject({ via: 'apiToken', user: { id: principal.user.id, role } });

      const bySession = callerFor(principal);
      const byToken = callerFor(viaToken);
      const adminOnly = role === 'admin' ? 'allowed' : 'FORBIDDEN';
      const probes: [string, (c: Caller, n: number) => Promise<unknown>, string][] = [
        ['users.list', (c) => c.users.list({}), 'allowed'],
        ['users.update self', (c) => c.users.update({ id: principal.user.id, firstName: 'Me' }), 'allowed'],
        ['invites.list', (c) => c.invites.list({}), 'allowed'],
        ['users.create', (c, n) => c.users.create({ email: `probe${n}@example.com` }), adminOnly],
        ['users.update other', (c) => c.users.update({ id: other.id, firstName: 'X' }), adminOnly],
        [
          'invites.create',
          (c, n) => c.invites.create({ email: `inv${n}@example.com`, sendEmail: false }),
          adminOnly,
        ],
        ['audit.list', (c) => c.audit.list({}), adminOnly],
      ];
      for (const [name, probe, expectedResult] of probes) {
        const sessionResult = await outcome(probe(bySession, 1));
        const tokenResult = await outcome(probe(byToken, 2));
        expect({ name, session: sessionResult, apiToken: tokenResult }).toEqual({
          name,
          session: expectedResult,
          apiToken: expectedResult,
        });
      }
    },
  );

  it('a revoked or replaced API token no longer authenticates', async () => {
    const { caller, principal } = await h.signedIn('developer');
    const first = await caller.apiToken.generate();
    expect(await h.core.auth.authenticateApiToken(first.token)).not.toBeNull();
    const second = await caller.apiToken.generate();
    expect(await h.core.auth.authenticateApiToken(first.token)).toBeNull();
    expect(await h.core.auth.authenticateApiToken(second.token)).toMatchObject({
      user: { id: principal.user.id },
    });
    await caller.apiToken.revoke();
    expect(await h.core.auth.authenticateApiToken(second.token)).toBeNull();
  });

  it("a deleted user's session and API token no longer authenticate", async () => {
    const { caller: admin } = await h.signedIn('admin');
    await h.core.users.create({ email: 'leaving@example.com', password: STRONG_PASSWORD, role: 'member' });
    const login = await h.core.auth.login({ email: 'leaving@example.com', password: STRONG_PASSWORD });
    const apiToken = await h.core.apiTokens.generate(login.user.id);
    expect(await h.core.auth.authenticateSession(login.token)).toMatchObject({ user: { id: login.user.id } });
    expect(await h.core.auth.authenticateApiToken(apiToken.token)).toMatchObject({
      user: { id: login.user.id },
    });

    await admin.users.delete({ id: login.user.id });

    expect(await h.core.auth.authenticateSession(login.token)).toBeNull();
    expect(await h.core.auth.authenticateApiToken(apiToken.token)).toBeNull();
    // Over HTTP an unauthenticated request has no principal: it is UNAUTHORIZED.
    await expect(callerFor(null).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
