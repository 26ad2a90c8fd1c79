import type { AppRouter } from '@gatehouse/api';
import type { TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { domainCodeOf } from '../../errors.js';

/**
 * What the server's second-factor rules need from the person at the screen, between a call that
 * was refused and its retry. The step-up dialog and the forced-enrolment gate listen here; the
 * tRPC link below asks.
 */
export interface MfaPrompts {
  /** Resolves true once `auth.stepUp` succeeded (the call is then retried), false if dismissed. */
  stepUp(): Promise<boolean>;
  /** A call answered MFA_ENROLLMENT_REQUIRED: the app shows only the enrolment. */
  enrolmentRequired(): void;
  /** Signed in or out: what was said about the previous session no longer holds. */
  clearEnrolment(): void;
}

type Listener = () => void;

/** One step-up question at a time: calls refused together wait for the same answer. */
export class MfaPromptStore implements MfaPrompts {
  #pending: { promise: Promise<boolean>; resolve: (ok: boolean) => void } | null = null;
  #enrol = false;
  #listeners = new Set<Listener>();

  subscribe = (listener: Listener) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** True while the step-up dialog should be open. */
  stepUpOpen = () => this.#pending !== null;
  enrolmentFlagged = () => this.#enrol;

  stepUp(): Promise<boolean> {
    // Nobody to ask (no dialog on screen): the call fails with STEP_UP_REQUIRED as it came.
    if (this.#listeners.size === 0) return Promise.resolve(false);
    if (!this.#pending) {
      let resolve: (ok: boolean) => void = () => {};
      const promise = new Promise<boolean>((done) => {
        resolve = done;
      });
      this.#pending = { promise, resolve };
      this.#emit();
    }
    return this.#pending.promise;
  }

  /** The dialog's answer. */
  settleStepUp(ok: boolean) {
    const pending = this.#pending;
    this.#pending = null;
    pending?.resolve(ok);
    this.#emit();
  }

  enrolmentRequired() {
    if (this.#enrol) return;
    this.#enrol = true;
    this.#emit();
  }

  clearEnrolment() {
    if (!this.#enrol) return;
    this.#enrol = false;
    this.#emit();
  }

  #emit() {
    for (const listener of this.#listeners) listener();
  }
}

/** The app's one store (the browser client's link and the dialogs share it). */
export const mfaPrompts = new MfaPromptStore();

/** Calls that start or end a session. */
const SESSION_CHANGES = new Set(['auth.login', 'auth.verifyMfa', 'auth.loginWithPasskey', 'auth.logout']);

/** Procedures whose STEP_UP_REQUIRED must not loop back into the dialog that calls them. */
const NO_RETRY = new Set(['auth.stepUp', 'auth.passkeyOptions']);

/**
 * A call answered STEP_UP_REQUIRED: ask for the second factor, then send the same call once more
 * (the mutation stays pending meanwhile, so its button stays disabled). MFA_ENROLLMENT_REQUIRED
 * tells the enrolment gate; a sign-in or sign-out resets it.
 */
export function mfaLink(prompts: MfaPrompts = mfaPrompts): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let current: Unsubscribable | null = null;
        let stopped = false;
        const run = (retry: boolean) => {
          current = next(op).subscribe({
            next: (value) => {
              if (SESSION_CHANGES.has(op.path)) prompts.clearEnrolment();
              observer.next(value);
            },
            complete: () => observer.complete(),
            error: (error) => {
              const code = domainCodeOf(error);
              if (code === 'MFA_ENROLLMENT_REQUIRED') prompts.enrolmentRequired();
              if (code !== 'STEP_UP_REQUIRED' || retry || NO_RETRY.has(op.path)) {
                observer.error(error);
                return;
              }
              void prompts.stepUp().then((ok) => {
                if (stopped) return;
                if (ok) run(true);
                else observer.error(error);
              });
            },
          });
        };
        run(false);
        return () => {
          stopped = true;
          current?.unsubscribe();
        };
      });
}
