import { describe, expectTypeOf, it } from 'vitest';
import type {
  AuditEventDto,
  CountedPage,
  InviteDto,
  MfaStatusDto,
  Page,
  PasskeyDto,
  UserDto,
} from '../src/dto.js';
import type { AuthService, Principal } from '../src/services/auth.service.js';
import type { InvitePreview, InviteService } from '../src/services/invite.service.js';
import type { UserService } from '../src/services/user.service.js';

type Secret = 'passwordHash' | 'apiTokenHash' | 'token' | 'tokenHash';
/** Any key that smells of a secret: *hash*, *Hash*, *secret*, *password*. */
type SecretLike = `${string}${'hash' | 'Hash' | 'secret' | 'Secret' | 'password' | 'Password'}${string}`;

describe('DTOs never carry secrets (type level)', () => {
  it('UserDto, InviteDto, AuditEventDto and InvitePreview have no secret keys', () => {
    expectTypeOf<Extract<keyof UserDto, Secret>>().toBeNever();
    expectTypeOf<Extract<keyof InviteDto, Secret>>().toBeNever();
    expectTypeOf<Extract<keyof AuditEventDto, Secret>>().toBeNever();
    expectTypeOf<Extract<keyof InvitePreview, Secret>>().toBeNever();

    // hasPassword is a boolean flag, the only key allowed to mention a password.
    expectTypeOf<Exclude<Extract<keyof UserDto, SecretLike>, 'hasPassword'>>().toBeNever();
    expectTypeOf<UserDto['hasPassword']>().toEqualTypeOf<boolean>();
    expectTypeOf<Extract<keyof InviteDto, SecretLike>>().toBeNever();
    expectTypeOf<Extract<keyof AuditEventDto, SecretLike>>().toBeNever();
    expectTypeOf<Extract<keyof PasskeyDto, SecretLike | Secret | 'publicKey' | 'credentialId'>>().toBeNever();
    expectTypeOf<Extract<keyof MfaStatusDto, SecretLike | Secret>>().toBeNever();
  });

  it('the DTOs are exactly the contract’s shapes', () => {
    expectTypeOf<keyof UserDto>().toEqualTypeOf<
      | 'id'
      | 'email'
      | 'firstName'
      | 'lastName'
      | 'role'
      | 'hasPassword'
      | 'apiTokenPrefix'
      | 'metadata'
      | 'createdAt'
      | 'updatedAt'
      | 'lastLoginAt'
      | 'mfaEnabled'
    >();
    expectTypeOf<keyof InviteDto>().toEqualTypeOf<
      | 'id'
      | 'email'
      | 'role'
      | 'status'
      | 'accepted'
      | 'expiresAt'
      | 'acceptedAt'
      | 'invitedBy'
      | 'createdAt'
      | 'updatedAt'
    >();
    expectTypeOf<keyof AuditEventDto>().toEqualTypeOf<
      'id' | 'action' | 'actorId' | 'targetType' | 'targetId' | 'ip' | 'metadata' | 'createdAt'
    >();
  });

  it('services hand out DTOs, never entities', () => {
    expectTypeOf<Awaited<ReturnType<UserService['get']>>>().toEqualTypeOf<UserDto>();
    expectTypeOf<Awaited<ReturnType<UserService['create']>>>().toEqualTypeOf<UserDto>();
    expectTypeOf<Awaited<ReturnType<UserService['update']>>>().toEqualTypeOf<UserDto>();
    expectTypeOf<Awaited<ReturnType<UserService['list']>>>().toEqualTypeOf<CountedPage<UserDto>>();
    expectTypeOf<Awaited<ReturnType<InviteService['get']>>>().toEqualTypeOf<InviteDto>();
    expectTypeOf<Awaited<ReturnType<InviteService['list']>>>().toEqualTypeOf<CountedPage<InviteDto>>();
    expectTypeOf<Awaited<ReturnType<InviteService['accept']>>>().toEqualTypeOf<{ user: UserDto }>();
    expectTypeOf<Awaited<ReturnType<InviteService['create']>>['invite']>().toEqualTypeOf<InviteDto>();
    expectTypeOf<Awaited<ReturnType<AuthService['login']>>['user']>().toEqualTypeOf<UserDto>();
    expectTypeOf<Principal['user']>().toEqualTypeOf<UserDto>();
    expectTypeOf<Page<AuditEventDto>['items'][number]>().toEqualTypeOf<AuditEventDto>();
  });
});
