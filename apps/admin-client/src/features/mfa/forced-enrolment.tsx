import { Center, Loader } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { type User, useTRPC } from '../../trpc.js';
import { type MfaPromptStore, mfaPrompts } from './mfa-link.js';

// Few users ever see it: loaded when needed.
const ForcedEnrolment = lazy(() => import('./enrolment-screen.js'));

/**
 * The enrolment screen when the signed-in user must enrol before anything else (their role
 * requires a second factor and they have none, as `mfa.status` says), else null. A call that
 * answers MFA_ENROLLMENT_REQUIRED (a role changed meanwhile) has the status asked again.
 */
export function useForcedEnrolment(user: User | undefined, store: MfaPromptStore = mfaPrompts) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const flagged = useSyncExternalStore(store.subscribe, store.enrolmentFlagged, store.enrolmentFlagged);
  const status = useQuery({ ...trpc.mfa.status.queryOptions(), enabled: Boolean(user) });
  useEffect(() => {
    if (!flagged) return;
    store.clearEnrolment();
    void queryClient.invalidateQueries(trpc.mfa.status.pathFilter());
  }, [flagged, store, queryClient, trpc]);
  // Kept on while the new recovery codes are on screen, even though the factor now exists.
  const [codes, setCodes] = useState<string[] | null>(null);
  if (!user) return null;
  const missing = status.data
    ? status.data.required && !status.data.totp && status.data.passkeys.length === 0
    : false;
  if (!missing && !codes) return null;
  return (
    <Suspense
      fallback={
        <Center mih="100vh">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      <ForcedEnrolment user={user} codes={codes} onRecoveryCodes={setCodes} onDone={() => setCodes(null)} />
    </Suspense>
  );
}
