import { Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState, useSyncExternalStore } from 'react';
import { type User, useTRPC } from '../../trpc.js';
import { type MfaPromptStore, mfaPrompts } from './mfa-link.js';

// Few users ever see it: loaded when needed.
const ForcedEnrolment = lazy(() => import('./enrolment-screen.js'));

/**
 * Whether the signed-in user must enrol before anything else: their role requires a second factor
 * (MFA_REQUIRED_ROLES) and they have none, or a call just answered MFA_ENROLLMENT_REQUIRED.
 * Null while that is not known yet; the app shell shows its own loader meanwhile.
 */
export function useForcedEnrolment(user: User | undefined, store: MfaPromptStore = mfaPrompts) {
  const trpc = useTRPC();
  const flagged = useSyncExternalStore(store.subscribe, store.enrolmentFlagged, store.enrolmentFlagged);
  const status = useQuery({ ...trpc.mfa.status.queryOptions(), enabled: Boolean(user) });
  // Kept on while the new recovery codes are on screen, even though the factor now exists.
  const [codes, setCodes] = useState<string[] | null>(null);
  if (!user) return null;
  const missing = status.data
    ? status.data.required && !status.data.totp && status.data.passkeys.length === 0
    : false;
  if (!missing && !flagged && !codes) return null;
  return (
    <Suspense
      fallback={
        <Center mih="100vh">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      <ForcedEnrolment
        user={user}
        codes={codes}
        onRecoveryCodes={setCodes}
        onDone={() => {
          setCodes(null);
          store.clearEnrolment();
        }}
      />
    </Suspense>
  );
}
