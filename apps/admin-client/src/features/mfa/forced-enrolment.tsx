import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, useState, useSyncExternalStore } from 'react';
import type { User } from '../../trpc.js';
import { type MfaPromptStore, mfaPrompts } from './mfa-link.js';

// Few users ever see it: loaded when needed.
const ForcedEnrolment = lazy(() => import('./enrolment-screen.js'));

/**
 * The enrolment screen once a call answered MFA_ENROLLMENT_REQUIRED (the role requires a second
 * factor and the user has none; the first page's own query finds out), else null. The screen asks
 * `mfa.status` itself and steps aside when no enrolment is needed. No extra call on every load.
 */
export function useForcedEnrolment(user: User | undefined, store: MfaPromptStore = mfaPrompts) {
  const flagged = useSyncExternalStore(store.subscribe, store.enrolmentFlagged, store.enrolmentFlagged);
  // Kept on while the new recovery codes are on screen, even though the factor now exists.
  const [codes, setCodes] = useState<string[] | null>(null);
  if (!user || (!flagged && !codes)) return null;
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
