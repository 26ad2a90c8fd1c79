import type { Principal } from '@gatehouse/core';
import { SoftAuthenticator } from '@gatehouse/core/testing';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { appRouter, createCaller } from '../src/router.js';
import { createInnerContext, type SessionCookie } from '../src/trpc/context.js';
import { domainCodeOf } from '../src/trpc/errors.js';
import { failure, STRONG_PASSWORD, useApiHarness } from './harness.js';
import { totpCodeAt } from './totp.js';

const h = useApiHarness();
const IP = '10.3.0.1';
const MINUTE = 60_000;
const ORIGIN = 'http://gatehouse.test';

function recordingCookie() {
  const set: string[] = [];
  const cookie: SessionCookie = { set: (token) => set.push(token), clear: () => {} };
  return { cookie, set };
}

const callerFor = (principal: Principal | null, sessionCookie?: SessionCookie) =>
  createCaller(
    createInnerContext({ core: h.core, principal, ip: IP, ...(sessionCookie ? { sessionCookie } : {}) }),
  );

/** A user with a confirmed TOTP, signed in through both steps; returns a fresh principal reader. */
async function withTotp(role: 'admin' | 'member' = 'admin', email = `${role}-mfa@example.com`) {
  const user = await h.core.users.create({ email, password: STRONG_PASSWORD, role });
  const bare = await h.core.auth.login({ email, password: STRONG_PASSWORD }, { ip: IP });
  const self = callerFor({ user: bare.user, via: 'session', sessionId: bare.sessionId });
  const { secret } = await self.mfa.totp.start();
  // Confirm with the previous step's code, so the current and next steps stay free for the test.
  const { recoveryCodes } = await self.mfa.totp.confirm({
    code: totpCodeAt(secret, new Date(Date.now() - 30_000)),
  });
  const login = await callerFor(null).auth.login({ email, password: STRONG_PASSWORD });
  if (!login.mfaRequired) throw new Error('expected a challenge');
  const { cookie, set } = recordingCookie();
  await callerFor(null, cookie).auth.verifyMfa({
    challenge: login.challenge,
    code: recoveryCodes[0] as string,
  });
  const token = set[0] as string;
  const principal = async () => {
    const found = await h.core.auth.authenticateSession(token);
    if (!found) throw new Error('signed out');
    return found;
  };
  return {
    user,
    secret,
    recoveryCodes: recoveryCodes.slice(1),
    token,
    principal,
    challenge: login.challenge,
  };
}

describe('sign-in over the router', () => {
  it('login answers a challenge without a cookie; verifyMfa sets the cookie; neither leaks the other secret', async () => {
    const { secret, recoveryCodes } = await withTotp('member');
    const { cookie, set } = recordingCookie();
    const login = await callerFor(null, cookie).auth.login({
      email: 'member-mfa@example.com',
      password: STRONG_PASSWORD,
    });
    expect(login).toEqual({
      mfaRequired: true,
      challenge: expect.stringMatching(/^ghc_/),
      methods: ['totp', 'recovery'],
      expiresAt: expect.any(String),
    });
    expect(set).toEqual([]);
    if (!login.mfaRequired) throw new Error('unreachable');
    const wrong = await failure(
      callerFor(null).auth.verifyMfa({ challenge: login.challenge, code: '000000' }),
    );
    expect(wrong).toMatchObject({ code: 'BAD_REQUEST' });
    expect(domainCodeOf(wrong)).toBe('INVALID_MFA_CODE');
    const done = await callerFor(null, cookie).auth.verifyMfa({
      challenge: login.challenge,
      code: recoveryCodes[0] as string,
    });
    expect(Object.keys(done).sort()).toEqual(['expiresAt', 'mfaRequired', 'user']);
    expect(done).toMatchObject({
      mfaRequired: false,
      user: { email: 'member-mfa@example.com', mfaEnabled: true },
    });
    expect(set).toHaveLength(1);
    const text = JSON.stringify(done);
    expect(text).not.toContain(login.challenge);
    expect(text).not.toContain(secret);
  });

  it('no secret, recovery code or challenge in any later response', async () => {
    const admin = await withTotp('admin');
    const caller = callerFor(await admin.principal());
    const responses = await Promise.all([
      caller.auth.me(),
      caller.users.list({}),
      caller.users.get({ id: admin.user.id }),
      caller.mfa.status(),
      caller.audit.list({ limit: 100 }),
      caller.auth.sessions(),
    ]);
    const text = JSON.stringify(responses);
    expect(text).not.toContain(admin.secret);
    expect(text).not.toContain(admin.challenge);
    expect(text).not.toContain(admin.token);
    for (const code of admin.recoveryCodes) expect(text).not.toContain(code);
    expect(responses[1].items[0]).toMatchObject({ mfaEnabled: true });
  });

  it('passkeys: register over the router, then sign in with one alone or as the second step', async () => {
    const { caller } = await h.signedIn('member', 'passkey@example.com');
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const options = await caller.mfa.passkeys.registrationOptions();
    const added = await caller.mfa.passkeys.register({
      name: 'YubiKey',
      passkey: authenticator.register(options),
    });
    expect(added).toMatchObject({ name: 'YubiKey', lastUsedAt: null });
    expect(added.recoveryCodes).toHaveLength(10);

    const { cookie, set } = recordingCookie();
    const request = await callerFor(null).auth.passkeyOptions({});
    const session = await callerFor(null, cookie).auth.loginWithPasskey({
      passkey: authenticator.authenticate(request),
    });
    expect(session).toMatchObject({ mfaRequired: false, user: { email: 'passkey@example.com' } });
    expect(set).toHaveLength(1);

    const login = await callerFor(null).auth.login({
      email: 'passkey@example.com',
      password: STRONG_PASSWORD,
    });
    if (!login.mfaRequired) throw new Error('expected a challenge');
    expect(login.methods).toEqual(['recovery', 'passkey']);
    const second = await callerFor(null).auth.passkeyOptions({ challenge: login.challenge });
    await expect(
      callerFor(null).auth.verifyMfa({
        challenge: login.challenge,
        passkey: authenticator.authenticate(second),
      }),
    ).resolves.toMatchObject({ mfaRequired: false });
  });
});

// ---------------------------------------------------------------------------------------------
// Enforcement: MFA_REQUIRED_ROLES=admin. Every procedure, called by an admin without a factor.

const ENROLMENT_OPEN = new Set([
  'auth.me',
  'auth.logout',
  'mfa.status',
  'mfa.totp.start',
  'mfa.totp.confirm',
  'mfa.passkeys.registrationOptions',
  'mfa.passkeys.register',
]);
const PROCEDURES = Object.keys(appRouter._def.procedures).sort();

type AnyCall = (input?: unknown) => Promise<unknown>;
function callByPath(caller: ReturnType<typeof createCaller>, path: string): AnyCall {
  let target: unknown = caller;
  for (const part of path.split('.')) target = (target as Record<string, unknown>)[part];
  return target as AnyCall;
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCError) return domainCodeOf(error);
    throw error;
  }
}

describe('enforcement (MFA_REQUIRED_ROLES=admin)', () => {
  const e = useApiHarness({ MFA_REQUIRED_ROLES: 'admin' });

  it('an admin without a factor can only enrol, read auth.me and sign out; everything else is MFA_ENROLLMENT_REQUIRED', async () => {
    await e.core.users.create({ email: 'root@example.com', password: STRONG_PASSWORD, role: 'admin' });
    const login = await e.core.auth.login(
      { email: 'root@example.com', password: STRONG_PASSWORD },
      { ip: IP },
    );
    const viaSession: Principal = { user: login.user, via: 'session', sessionId: login.sessionId };
    const token = await e.core.apiTokens.generate(login.user.id);
    const viaToken = await e.core.auth.authenticateApiToken(token.token);
    const anonymous = createCaller(createInnerContext({ core: e.core, ip: IP }));

    const table: Record<string, { session: string; apiToken: string }> = {};
    for (const path of PROCEDURES) {
      // Public procedures are not about the signed-in user: the rule does not apply to them.
      if ((await codeOf(callByPath(anonymous, path)(undefined))) !== 'UNAUTHENTICATED') continue;
      const row = { session: '', apiToken: '' };
      for (const [column, principal] of [
        ['session', viaSession],
        ['apiToken', viaToken],
      ] as const) {
        const caller = createCaller(createInnerContext({ core: e.core, principal, ip: IP }));
        const code = await codeOf(callByPath(caller, path)(undefined));
        row[column] = code === 'MFA_ENROLLMENT_REQUIRED' ? 'refused' : 'open';
      }
      table[path] = row;
    }
    const expected = Object.fromEntries(
      Object.keys(table).map((path) => {
        const verdict = ENROLMENT_OPEN.has(path) ? 'open' : 'refused';
        return [path, { session: verdict, apiToken: verdict }];
      }),
    );
    expect(table).toEqual(expected);
    // Every enrolment procedure is in the table (none is public by mistake).
    for (const path of ENROLMENT_OPEN) expect(Object.keys(table)).toContain(path);

    const status = await createCaller(
      createInnerContext({ core: e.core, principal: viaSession, ip: IP }),
    ).mfa.status();
    expect(status).toMatchObject({ required: true, totp: false });
  });

  it('after enrolling, the admin is let through; members are never held', async () => {
    await e.core.users.create({ email: 'root@example.com', password: STRONG_PASSWORD, role: 'admin' });
    const login = await e.core.auth.login(
      { email: 'root@example.com', password: STRONG_PASSWORD },
      { ip: IP },
    );
    const before: Principal = { user: login.user, via: 'session', sessionId: login.sessionId };
    const caller = createCaller(createInnerContext({ core: e.core, principal: before, ip: IP }));
    await expect(caller.users.list({})).rejects.toMatchObject({ cause: { code: 'MFA_ENROLLMENT_REQUIRED' } });
    const { secret } = await caller.mfa.totp.start();
    await caller.mfa.totp.confirm({ code: totpCodeAt(secret, new Date()) });
    const after = await e.core.auth.authenticateSession(login.token);
    const enrolled = createCaller(createInnerContext({ core: e.core, principal: after, ip: IP }));
    await expect(enrolled.users.list({})).resolves.toMatchObject({ total: 1 });

    const { caller: member } = await e.signedIn('member');
    await expect(member.users.list({})).resolves.toMatchObject({ total: 2 });
  });
});

// ---------------------------------------------------------------------------------------------
// Step-up: the contract's sensitive actions, for an admin with MFA on a session.

interface StepUpRow {
  name: string;
  sensitive: boolean;
  call: (caller: ReturnType<typeof createCaller>, n: number) => Promise<unknown>;
}

describe('step-up matrix', () => {
  const rows = async (): Promise<StepUpRow[]> => {
    const target = await h.core.users.create({ email: `target${Date.now()}@example.com`, role: 'member' });
    const adminInvite = await h.core.invites.create({
      email: 'inv-admin@example.com',
      role: 'admin',
      sendEmail: false,
    });
    const memberInvite = await h.core.invites.create({
      email: 'inv-member@example.com',
      role: 'member',
      sendEmail: false,
    });
    return [
      { name: 'apiToken.generate', sensitive: true, call: (c) => c.apiToken.generate() },
      { name: 'users.delete', sensitive: true, call: (c) => c.users.delete({ id: target.id }) },
      {
        name: 'users.update with role',
        sensitive: true,
        call: (c) => c.users.update({ id: target.id, role: 'developer' }),
      },
      {
        name: 'users.create',
        sensitive: true,
        call: (c, n) => c.users.create({ email: `new${n}@example.com` }),
      },
      {
        name: 'invites.create (admin)',
        sensitive: true,
        call: (c, n) => c.invites.create({ email: `a${n}@example.com`, role: 'admin', sendEmail: false }),
      },
      {
        name: 'invites.resend (admin)',
        sensitive: true,
        call: (c) => c.invites.resend({ id: adminInvite.invite.id, sendEmail: false }),
      },
      { name: 'users.resetMfa', sensitive: true, call: (c) => c.users.resetMfa({ id: target.id }) },
      {
        name: 'mfa.recoveryCodes.regenerate',
        sensitive: true,
        call: (c) => c.mfa.recoveryCodes.regenerate(),
      },
      {
        name: 'mfa.passkeys.remove',
        sensitive: true,
        call: (c) => c.mfa.passkeys.remove({ id: 'pkey_01jzzzzzzzzzzzzzzzzzzzzzzz' }),
      },
      { name: 'mfa.totp.disable', sensitive: true, call: (c) => c.mfa.totp.disable() },
      {
        name: 'users.update without role',
        sensitive: false,
        call: (c) => c.users.update({ id: target.id, firstName: 'X' }),
      },
      {
        name: 'invites.create (member)',
        sensitive: false,
        call: (c, n) => c.invites.create({ email: `m${n}@example.com`, role: 'member', sendEmail: false }),
      },
      {
        name: 'invites.resend (member)',
        sensitive: false,
        call: (c) => c.invites.resend({ id: memberInvite.invite.id, sendEmail: false }),
      },
      { name: 'users.list', sensitive: false, call: (c) => c.users.list({}) },
    ];
  };

  it('stale check: sensitive → STEP_UP_REQUIRED, the rest pass; fresh check or API token: all pass the step-up gate', async () => {
    const admin = await withTotp('admin');
    const principal = await admin.principal();
    const stale: Principal = { ...principal, mfaVerifiedAt: new Date(Date.now() - 11 * MINUTE) };
    const fresh: Principal = { ...principal, mfaVerifiedAt: new Date(Date.now() - 9 * MINUTE) };
    const apiToken = await h.core.auth.authenticateApiToken(
      (await h.core.apiTokens.generate(admin.user.id)).token,
    );
    const neverChecked: Principal = { ...principal, mfaVerifiedAt: null };

    const list = await rows();
    const result: Record<string, Record<string, string>> = {};
    let n = 0;
    for (const row of list) {
      result[row.name] = {};
      for (const [column, who] of [
        ['stale', stale],
        ['never', neverChecked],
        ['fresh', fresh],
        ['apiToken', apiToken],
      ] as const) {
        n += 1;
        const code = await codeOf(row.call(callerFor(who), n));
        (result[row.name] as Record<string, string>)[column] =
          code === 'STEP_UP_REQUIRED' ? 'step-up' : 'passes';
      }
    }
    const expected = Object.fromEntries(
      list.map((row) => [
        row.name,
        {
          stale: row.sensitive ? 'step-up' : 'passes',
          never: row.sensitive ? 'step-up' : 'passes',
          fresh: 'passes',
          apiToken: 'passes',
        },
      ]),
    );
    expect(result).toEqual(expected);
  });

  it('auth.stepUp with a code opens the window on this session; wrong codes are INVALID_MFA_CODE', async () => {
    const admin = await withTotp('admin');
    const stale: Principal = {
      ...(await admin.principal()),
      mfaVerifiedAt: new Date(Date.now() - 11 * MINUTE),
    };
    const caller = callerFor(stale);
    const refused = await failure(caller.users.create({ email: 'x@example.com' }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(domainCodeOf(refused)).toBe('STEP_UP_REQUIRED');

    const wrong = await failure(caller.auth.stepUp({ code: '000000' }));
    expect(domainCodeOf(wrong)).toBe('INVALID_MFA_CODE');
    const result = await caller.auth.stepUp({ code: admin.recoveryCodes[0] as string });
    expect(result.ok).toBe(true);
    expect(Date.parse(result.until)).toBeGreaterThan(Date.now() + 9 * MINUTE);
    await expect(
      callerFor(await admin.principal()).users.create({ email: 'x@example.com' }),
    ).resolves.toMatchObject({
      email: 'x@example.com',
    });
  });

  it("users.resetMfa removes the target's factors and ends their sessions (audited)", async () => {
    const admin = await withTotp('admin');
    const target = await withTotp('member', 'lost-phone@example.com');
    await callerFor(await admin.principal()).users.resetMfa({ id: target.user.id });
    expect(await h.core.auth.authenticateSession(target.token)).toBeNull();
    expect((await h.core.users.get(target.user.id)).mfaEnabled).toBe(false);
    const events = await h.core.audit.list({ action: 'mfa.reset' });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({ actorId: admin.user.id, targetId: target.user.id, ip: IP });
    const login = await callerFor(null).auth.login({
      email: 'lost-phone@example.com',
      password: STRONG_PASSWORD,
    });
    expect(login.mfaRequired).toBe(false);
  });
});
