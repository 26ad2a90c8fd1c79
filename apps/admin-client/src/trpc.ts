import type { AppRouter, RouterOutputs } from '@gatehouse/api';
import { createGatehouseClient, type GatehouseClient } from '@gatehouse/api';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { isRetryable } from './errors.js';
import { mfaLink } from './features/mfa/mfa-link.js';

/** `useTRPC()` gives typed queryOptions / mutationOptions / pathFilter for every procedure. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type User = RouterOutputs['auth']['me'];
export type Invite = RouterOutputs['invites']['list']['items'][number];
export type AuditEvent = RouterOutputs['audit']['list']['items'][number];
export type Session = RouterOutputs['auth']['sessions'][number];

/**
 * Same origin: the browser sends the session cookie, and the server checks the Origin. A call that
 * answers STEP_UP_REQUIRED opens the step-up dialog and is sent again after it (features/mfa).
 */
export function createBrowserClient(url = window.location.origin): GatehouseClient {
  return createGatehouseClient({ url, links: [mfaLink()] });
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx answer does not get better by asking again; a dropped connection or a busy server may.
        retry: (failures, error) => failures < 2 && isRetryable(error),
        refetchOnWindowFocus: false,
      },
    },
  });
}
