import { createGatehouseClient } from '@gatehouse/api';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { mfaLink, mfaPrompts } from '../src/features/mfa/mfa-link.js';
import { ResetMfaCard } from '../src/features/mfa/reset-mfa-card.js';
import { Providers } from '../src/providers.js';
import { createQueryClient } from '../src/trpc.js';
import { aUser, type FakeServer, fakeFetch, type Handlers, renderApp, wireError } from './harness.js';

const admin = aUser({ mfaEnabled: true });
const page = <T,>(items: T[]) => ({ items, nextCursor: null, total: items.length, totalCapped: false });
const CHALLENGE = 'ghc_challenge-from-the-server';
const signedOut = {
  'auth.me': () => wireError(401, 'UNAUTHENTICATED', 'Sign in first'),
  'setup.status': () => ({ needsSetup: false }),
} satisfies Handlers;

async function enterPassword() {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText(/^Email/), 'admin@example.com');
  await user.type(screen.getByLabelText(/^Password/), 'correct horse battery staple');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('the second step of a sign-in', () => {
  it('asks for a code after the password, says when it is wrong, and signs in with the next one', async () => {
    let signedIn = false;
    const { server } = renderApp('/sign-in', {
      ...signedOut,
      'auth.me': () => (signedIn ? admin : wireError(401, 'UNAUTHENTICATED', 'Sign in first')),
      'auth.login': () => ({
        mfaRequired: true,
        challenge: CHALLENGE,
        methods: ['totp', 'recovery'],
        expiresAt: '2026-12-02T12:05:00.000Z',
      }),
      'auth.verifyMfa': (input) => {
        if ('code' in input && input.code === '123456') {
          signedIn = true;
          return { mfaRequired: false, user: admin, expiresAt: '2026-12-09T12:00:00.000Z' };
        }
        return wireError(400, 'INVALID_MFA_CODE', 'That code is not valid (wrong, expired or already used)');
      },
      'users.list': () => page([admin]),
      'mfa.status': () => ({ totp: true, passkeys: [], recoveryCodesLeft: 10, required: false }),
    });
    const user = await enterPassword();
    const form = await screen.findByRole('form', { name: 'Second step' });
    // Only codes were offered: no passkey button.
    expect(screen.queryByRole('button', { name: 'Use a passkey' })).toBeNull();

    await user.click(within(form).getByRole('button', { name: 'Verify' }));
    expect(await within(form).findByText('Enter a code')).toBeTruthy();
    expect(server.calls.filter((call) => call.path === 'auth.verifyMfa')).toHaveLength(0);

    await user.type(within(form).getByLabelText(/^Code/), '000000');
    await user.click(within(form).getByRole('button', { name: 'Verify' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That code is not valid');
    expect(within(form).getByLabelText<HTMLInputElement>(/^Code/).value).toBe('');

    await user.type(within(form).getByLabelText(/^Code/), ' 123456 ');
    await user.click(within(form).getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeTruthy();
    expect(server.calls.filter((call) => call.path === 'auth.verifyMfa').map((call) => call.input)).toEqual([
      { challenge: CHALLENGE, code: '000000' },
      { challenge: CHALLENGE, code: '123456' },
    ]);
  });

  it('goes back to the password when the challenge is dead (expired, used up, too many codes)', async () => {
    renderApp('/sign-in', {
      ...signedOut,
      'auth.login': () => ({
        mfaRequired: true,
        challenge: CHALLENGE,
        methods: ['totp', 'recovery', 'passkey'],
        expiresAt: '2026-12-02T12:05:00.000Z',
      }),
      'auth.verifyMfa': () =>
        wireError(
          400,
          'INVALID_TOKEN',
          'This sign-in has expired or was used up: sign in again with your password',
        ),
    });
    const user = await enterPassword();
    const form = await screen.findByRole('form', { name: 'Second step' });
    expect(screen.getByRole('button', { name: 'Use a passkey' })).toBeTruthy();
    await user.type(within(form).getByLabelText(/^Code/), 'abcd-efgh-ijkl');
    await user.click(within(form).getByRole('button', { name: 'Verify' }));
    const signIn = await screen.findByRole('form', { name: 'Sign in' });
    expect(within(signIn).getByRole('alert').textContent).toContain('sign in again with your password');
    expect(within(signIn).getByLabelText<HTMLInputElement>(/^Password/).value).toBe('');
    expect(screen.queryByRole('form', { name: 'Second step' })).toBeNull();
  });
});

/** The real browser client's link and dialog around a card whose action needs a step-up. */
function renderWithStepUp(handlers: Handlers) {
  const server: FakeServer = { calls: [] };
  const trpcClient = createGatehouseClient({
    url: 'http://gatehouse.test',
    fetch: fakeFetch(handlers, server),
    links: [mfaLink()],
  });
  const target = aUser({ id: 'usr_03lost', email: 'lost@example.com', role: 'member', mfaEnabled: true });
  render(
    <Providers queryClient={createQueryClient()} trpcClient={trpcClient}>
      <ResetMfaCard user={target} />
    </Providers>,
  );
  return server;
}

async function resetAndConfirm() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Reset 2FA' }));
  const confirm = await screen.findByRole('dialog', { name: 'Reset 2FA?' });
  await user.click(within(confirm).getByRole('button', { name: 'Reset 2FA' }));
  return user;
}

describe('the step-up dialog', () => {
  it('opens on STEP_UP_REQUIRED, checks the code, then sends the action again', async () => {
    let steppedUp = false;
    const server = renderWithStepUp({
      'users.resetMfa': () =>
        steppedUp
          ? { ok: true }
          : wireError(403, 'STEP_UP_REQUIRED', 'Confirm it is you with your second factor'),
      'auth.stepUp': (input) => {
        if ('code' in input && input.code === '654321') {
          steppedUp = true;
          return { ok: true, until: '2026-12-02T12:10:00.000Z' };
        }
        return wireError(400, 'INVALID_MFA_CODE', 'That code is not valid (wrong, expired or already used)');
      },
      'mfa.status': () => ({ totp: true, passkeys: [], recoveryCodesLeft: 10, required: false }),
    });
    const user = await resetAndConfirm();
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    // The action waits for the answer: its button stays busy.
    const card = screen.getByRole('region', { name: 'Second factors', hidden: true });
    const reset = within(card).getByRole('button', { name: 'Reset 2FA', hidden: true });
    expect(reset.hasAttribute('disabled') || reset.dataset.loading === 'true').toBe(true);

    // No passkey to offer this user.
    await waitFor(() => expect(within(dialog).queryByRole('button', { name: 'Use a passkey' })).toBeNull());
    await user.type(await within(dialog).findByLabelText(/^Code/), '111111');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('That code is not valid');

    await user.type(within(dialog).getByLabelText(/^Code/), '654321');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Confirm it is you' })).toBeNull());
    expect(await screen.findByText('Second factors of lost@example.com removed')).toBeTruthy();
    expect(server.calls.map((call) => call.path).filter((path) => path !== 'mfa.status')).toEqual([
      'users.resetMfa',
      'auth.stepUp',
      'auth.stepUp',
      'users.resetMfa',
    ]);
    expect(server.calls.at(-1)?.input).toEqual({ id: 'usr_03lost' });
  });

  it('lets the action fail with the server’s words when the dialog is cancelled', async () => {
    const server = renderWithStepUp({
      'users.resetMfa': () => wireError(403, 'STEP_UP_REQUIRED', 'Confirm it is you with your second factor'),
    });
    const user = await resetAndConfirm();
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it is you' });
    await user.click(await within(dialog).findByRole('button', { name: 'Cancel' }));
    const card = screen.getByRole('region', { name: 'Second factors' });
    expect((await within(card).findByRole('alert')).textContent).toContain('Confirm it is you');
    expect(server.calls.map((call) => call.path).filter((path) => path !== 'mfa.status')).toEqual([
      'users.resetMfa',
    ]);
  });
});

describe('forced enrolment', () => {
  afterEach(() => mfaPrompts.clearEnrolment());

  it('shows only enrolment and sign out once a call answers MFA_ENROLLMENT_REQUIRED', async () => {
    renderApp('/users', {
      'auth.me': () => aUser(),
      'users.list': () => wireError(403, 'MFA_ENROLLMENT_REQUIRED', 'Your role requires a second factor'),
      'mfa.status': () => ({ totp: false, passkeys: [], recoveryCodesLeft: 0, required: true }),
    });
    expect(await screen.findByRole('heading', { name: 'Set up a second factor' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Users' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Set up authenticator app' })).toBeTruthy();
    // Adding a passkey is offered; renaming and removing (refused until enrolled) are not.
    expect(screen.getByRole('button', { name: 'Add passkey' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Recovery codes' })).toBeNull();
  });
});
