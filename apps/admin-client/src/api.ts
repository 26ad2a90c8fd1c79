import { createGatehouseClient, type RouterOutputs } from '@gatehouse/api';
import { TRPCClientError } from '@trpc/client';

/** Same-origin client: the session cookie rides along; types come from the server's AppRouter. */
export const api = createGatehouseClient({ url: window.location.origin });

export type User = RouterOutputs['auth']['me'];
export type Invite = RouterOutputs['invites']['list']['items'][number];

/** A message fit to show: the server's own for known errors, a generic one otherwise. */
export function describeError(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as
      | { domainCode?: string; zodError?: { fieldErrors: Record<string, string[]> } }
      | undefined;
    const fields = data?.zodError?.fieldErrors;
    if (fields && Object.keys(fields).length > 0) {
      return Object.entries(fields)
        .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
        .join('; ');
    }
    return error.message;
  }
  return 'Something went wrong. Check your connection and try again.';
}
