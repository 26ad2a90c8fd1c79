import { Loader, Modal } from '@mantine/core';
import { lazy, Suspense, useSyncExternalStore } from 'react';
import { type MfaPromptStore, mfaPrompts } from './mfa-link.js';

// The form (and what it needs) loads the first time the dialog opens.
const StepUpForm = lazy(() => import('./step-up-form.js'));

/**
 * Opens when a sensitive action answered STEP_UP_REQUIRED: a code or a passkey (`auth.stepUp`),
 * after which the action is sent again by the client's link. Mounted once, in the providers.
 */
export function StepUpDialog(props: { store?: MfaPromptStore }) {
  const store = props.store ?? mfaPrompts;
  const open = useSyncExternalStore(store.subscribe, store.stepUpOpen, store.stepUpOpen);
  return (
    <Modal opened={open} onClose={() => store.settleStepUp(false)} title="Confirm it is you" centered>
      {open && (
        <Suspense fallback={<Loader size="sm" aria-label="Loading" />}>
          <StepUpForm onDone={(ok) => store.settleStepUp(ok)} />
        </Suspense>
      )}
    </Modal>
  );
}
