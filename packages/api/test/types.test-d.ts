import type { TRPCClientErrorLike } from '@trpc/client';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  AppRouter,
  createGatehouseClient,
  ErrorCode,
  RouterInputs,
  RouterOutputs,
} from '../src/index.js';

type Role = 'admin' | 'member' | 'developer';
type InviteStatus = 'pending' | 'expired' | 'revoked' | 'accepted';

interface User {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: Role;
  hasPassword: boolean;
  apiTokenPrefix: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  mfaEnabled: boolean;
}
interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}
type Method = 'totp' | 'recovery' | 'passkey';
type SignedIn = { mfaRequired: false; user: User; expiresAt: string };
interface Invite {
  id: string;
  email: string;
  role: Role;
  status: InviteStatus;
  accepted: boolean;
  expiresAt: string;
  acceptedAt: string | null;
  invitedBy: string | null;
  createdAt: string;
  updatedAt: string;
}
type Issued = { invite: Invite; token: string; acceptUrl: string; emailSent: boolean; reused: boolean };
type SecretKey = 'password' | 'passwordHash' | 'apiTokenHash' | 'token' | 'tokenHash';

type Out = RouterOutputs;
type In = RouterInputs;
/** List inputs are optional as a whole (every field has a default). */
type Given<T> = NonNullable<Exclude<T, void>>;

describe('inferred outputs, exactly', () => {
  it('pins every procedure output', () => {
    expectTypeOf<Out['health']>().toEqualTypeOf<{ status: 'ok'; db: 'up' }>();
    expectTypeOf<Out['auth']['login']>().toEqualTypeOf<
      SignedIn | { mfaRequired: true; challenge: string; methods: Method[]; expiresAt: string }
    >();
    expectTypeOf<Out['auth']['verifyMfa']>().toEqualTypeOf<SignedIn>();
    expectTypeOf<Out['auth']['loginWithPasskey']>().toEqualTypeOf<SignedIn>();
    expectTypeOf<Out['auth']['stepUp']>().toEqualTypeOf<{ ok: true; until: string }>();
    expectTypeOf<Out['auth']['passkeyOptions']['challenge']>().toEqualTypeOf<string>();
    expectTypeOf<Out['auth']['passkeyOptions']['rpId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Out['mfa']['status']>().toEqualTypeOf<{
      totp: boolean;
      passkeys: Passkey[];
      recoveryCodesLeft: number;
      required: boolean;
    }>();
    expectTypeOf<Out['mfa']['totp']['start']>().toEqualTypeOf<{ secret: string; otpauthUrl: string }>();
    expectTypeOf<Out['mfa']['totp']['confirm']>().toEqualTypeOf<{ recoveryCodes: string[] }>();
    expectTypeOf<Out['mfa']['totp']['disable']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['mfa']['passkeys']['registrationOptions']['challenge']>().toEqualTypeOf<string>();
    expectTypeOf<Out['mfa']['passkeys']['register']>().toEqualTypeOf<{
      id: string;
      name: string;
      createdAt: string;
      lastUsedAt: string | null;
      recoveryCodes: string[];
    }>();
    expectTypeOf<Out['mfa']['passkeys']['rename']>().toEqualTypeOf<Passkey>();
    expectTypeOf<Out['mfa']['passkeys']['remove']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['mfa']['recoveryCodes']['regenerate']>().toEqualTypeOf<{ recoveryCodes: string[] }>();
    expectTypeOf<Out['users']['resetMfa']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['auth']['logout']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['auth']['logoutAll']>().toEqualTypeOf<{ ok: true; ended: number }>();
    expectTypeOf<Out['auth']['sessions']>().toEqualTypeOf<
      {
        id: string;
        createdAt: string;
        lastSeenAt: string;
        expiresAt: string;
        ip: string | null;
        userAgent: string | null;
        current: boolean;
      }[]
    >();
    expectTypeOf<Out['auth']['revokeSession']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['auth']['me']>().toEqualTypeOf<User>();
    expectTypeOf<Out['auth']['changePassword']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['auth']['requestPasswordReset']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['auth']['resetPassword']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['users']['list']>().toEqualTypeOf<{
      items: User[];
      nextCursor: string | null;
      total: number;
      totalCapped: boolean;
    }>();
    expectTypeOf<Out['users']['get']>().toEqualTypeOf<User>();
    expectTypeOf<Out['users']['create']>().toEqualTypeOf<User>();
    expectTypeOf<Out['users']['update']>().toEqualTypeOf<User>();
    expectTypeOf<Out['users']['delete']>().toEqualTypeOf<{ id: string; deleted: true }>();
    expectTypeOf<Out['apiToken']['generate']>().toEqualTypeOf<{
      token: string;
      prefix: string;
      createdAt: string;
    }>();
    expectTypeOf<Out['apiToken']['revoke']>().toEqualTypeOf<{ ok: true }>();
    expectTypeOf<Out['invites']['list']>().toEqualTypeOf<{
      items: Invite[];
      nextCursor: string | null;
      total: number;
      totalCapped: boolean;
    }>();
    expectTypeOf<Out['invites']['create']>().toEqualTypeOf<Issued>();
    expectTypeOf<Out['invites']['resend']>().toEqualTypeOf<Issued>();
    expectTypeOf<Out['invites']['revoke']>().toEqualTypeOf<{ id: string; revoked: true }>();
    expectTypeOf<Out['invites']['preview']>().toEqualTypeOf<{
      email: string;
      role: Role;
      status: InviteStatus;
      expiresAt: string;
    }>();
    expectTypeOf<Out['invites']['accept']>().toEqualTypeOf<{ user: User }>();
    expectTypeOf<Out['audit']['list']['nextCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<Out['audit']['list']['items'][number]['action']>().toEqualTypeOf<
      | 'user.created'
      | 'user.updated'
      | 'user.deleted'
      | 'user.role_changed'
      | 'invite.created'
      | 'invite.resent'
      | 'invite.revoked'
      | 'invite.accepted'
      | 'auth.login'
      | 'auth.login_failed'
      | 'auth.logout'
      | 'auth.session_revoked'
      | 'auth.logout_all'
      | 'auth.password_changed'
      | 'auth.password_reset'
      | 'api_token.generated'
      | 'api_token.revoked'
      | 'mfa.totp_enabled'
      | 'mfa.totp_disabled'
      | 'mfa.passkey_added'
      | 'mfa.passkey_removed'
      | 'mfa.recovery_codes_generated'
      | 'mfa.recovery_code_used'
      | 'mfa.reset'
      | 'auth.mfa_failed'
      | 'auth.step_up'
    >();
  });

  it('never degrades to any, and carries no secret field', () => {
    expectTypeOf<Out['users']['list']>().not.toBeAny();
    expectTypeOf<Out['invites']['list']['items'][number]>().not.toBeAny();
    expectTypeOf<Out['audit']['list']['items'][number]>().not.toBeAny();
    expectTypeOf<Extract<keyof Out['auth']['me'], SecretKey>>().toBeNever();
    expectTypeOf<Extract<keyof Out['invites']['list']['items'][number], SecretKey>>().toBeNever();
    expectTypeOf<Extract<keyof Out['audit']['list']['items'][number], SecretKey>>().toBeNever();
    expectTypeOf<Extract<keyof Out['invites']['create']['invite'], SecretKey>>().toBeNever();
  });
});

describe('inferred inputs', () => {
  it('pins the inputs clients write', () => {
    expectTypeOf<In['auth']['login']>().toEqualTypeOf<{ email: string; password: string }>();
    expectTypeOf<Given<In['users']['list']>['limit']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Given<In['users']['list']>['role']>().toEqualTypeOf<Role | undefined>();
    expectTypeOf<In['users']['create']['role']>().toEqualTypeOf<Role | undefined>();
    expectTypeOf<In['users']['update']>().toHaveProperty('id').toEqualTypeOf<string>();
    expectTypeOf<In['invites']['create']>().toEqualTypeOf<{
      email: string;
      role?: Role | undefined;
      sendEmail?: boolean | undefined;
    }>();
    expectTypeOf<Given<In['invites']['list']>['status']>().toEqualTypeOf<InviteStatus | undefined>();
    expectTypeOf<In['invites']['accept']['token']>().toEqualTypeOf<string>();
    expectTypeOf<Given<In['apiToken']['generate']>>().toEqualTypeOf<{ userId?: string | undefined }>();
  });

  it('gives the client factory the same types', () => {
    type Client = ReturnType<typeof createGatehouseClient>;
    expectTypeOf<Awaited<ReturnType<Client['users']['get']['query']>>>().toEqualTypeOf<User>();
    expectTypeOf<Parameters<Client['invites']['create']['mutate']>[0]>().toEqualTypeOf<
      In['invites']['create']
    >();
  });
});

describe('errors', () => {
  it('types error.data.domainCode as the closed union, so clients narrow without casts', () => {
    type ClientError = TRPCClientErrorLike<AppRouter>;
    type Code = NonNullable<ClientError['data']>['domainCode'];
    expectTypeOf<Code>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<Code>().not.toBeAny();
    expectTypeOf<Code>().not.toEqualTypeOf<string>();
    expectTypeOf<'LAST_ADMIN'>().toExtend<Code>();
    expectTypeOf<'EMAIL_TAKEN'>().toExtend<Code>();
    expectTypeOf<'INTERNAL'>().toExtend<Code>();
    expectTypeOf<'NOT_A_CODE'>().not.toExtend<Code>();
    // A narrowed error carries its code's literal type.
    const narrow = (error: ClientError) =>
      error.data?.domainCode === 'LAST_ADMIN' ? error.data.domainCode : null;
    expectTypeOf(narrow).returns.toEqualTypeOf<'LAST_ADMIN' | null>();
  });
});
