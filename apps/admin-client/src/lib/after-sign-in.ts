import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { type User, useTRPC } from '../trpc.js';

/** Only paths of this app: a crafted `?redirect=https://evil.example` must not leave it. */
const isLocalPath = (path: string | undefined): path is string =>
  Boolean(path?.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\'));

/** After a session starts: the shell gets the user without asking again, then the page opens. */
export function useAfterSignIn() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  return async (user: User, redirect?: string) => {
    queryClient.clear();
    queryClient.setQueryData(trpc.auth.me.queryKey(), user);
    if (isLocalPath(redirect)) router.history.push(redirect);
    else await router.navigate({ to: '/users', search: {} });
  };
}
