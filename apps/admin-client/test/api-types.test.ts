import type { AppRouter, ErrorCode, RouterInputs, RouterOutputs } from '@gatehouse/api';
import type { TRPCClientError } from '@trpc/client';
import { describe, expectTypeOf, it } from 'vitest';

// What this app sees of the API through the package boundary must be real types, never `any`
// (which a missing dependency of a .d.ts causes); checked by tsc (typecheck) and by vitest.
describe('types inferred from @gatehouse/api', () => {
  it('are the API’s own, with no secret field', () => {
    expectTypeOf<RouterOutputs['auth']['me']>().not.toBeAny();
    expectTypeOf<RouterOutputs['users']['list']['items'][number]['email']>().toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs['invites']['create']['acceptUrl']>().toEqualTypeOf<string>();
    expectTypeOf<RouterOutputs['invites']['list']['items'][number]['status']>().toEqualTypeOf<
      'pending' | 'accepted' | 'expired' | 'revoked'
    >();
    expectTypeOf<RouterInputs['auth']['login']>().not.toBeAny();
    expectTypeOf<RouterOutputs['auth']['me']>().not.toHaveProperty('passwordHash');
  });

  it('type an error’s domainCode as the closed union', () => {
    type Data = NonNullable<TRPCClientError<AppRouter>['data']>;
    expectTypeOf<Data['domainCode']>().toEqualTypeOf<ErrorCode>();
  });
});
