import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { aUser, renderApp, wireError } from './harness.js';

const admin = aUser();
const member = aUser({
  id: 'usr_02member',
  email: 'mo@example.com',
  firstName: 'Mo',
  lastName: null,
  role: 'member',
});
const page = <T,>(items: T[]) => ({ items, nextCursor: null, total: items.length, totalCapped: false });

describe('sign in', () => {
  it('sends one request however often the button is pressed, and words bad credentials', async () => {
    const user = userEvent.setup();
    let release: () => void = () => {};
    const { server } = renderApp('/sign-in', {
      'auth.me': () => wireError(401, 'UNAUTHENTICATED', 'Sign in first'),
      'auth.login': () =>
        new Promise((resolve) => {
          release = () => resolve(wireError(401, 'INVALID_CREDENTIALS', 'Invalid email or password'));
        }),
    });
    await user.type(await screen.findByLabelText(/^Email/), 'admin@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'wrong password');
    const button = screen.getByRole('button', { name: 'Sign in' });
    await user.click(button);
    await waitFor(() =>
      expect(button.hasAttribute('disabled') || button.dataset.loading === 'true').toBe(true),
    );
    await user.click(button).catch(() => {});
    await user.keyboard('{Enter}');
    release();
    expect((await screen.findByRole('alert')).textContent).toMatch(/email and password do not match/);
    expect(server.calls.filter((call) => call.path === 'auth.login')).toHaveLength(1);
  });

  it('points a fresh install at the printed setup link', async () => {
    renderApp('/sign-in', {
      'auth.me': () => wireError(401, 'UNAUTHENTICATED', 'Sign in first'),
      'setup.status': () => ({ needsSetup: true }),
    });
    expect(await screen.findByText('Gatehouse has no admin yet')).toBeTruthy();
  });

  it('sends a signed-in visitor of the sign-in page on to the app', async () => {
    renderApp('/sign-in', {
      'auth.me': () => admin,
      'users.list': () => page([]),
    });
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  it('sends a signed-out visitor of an app page to sign in', async () => {
    renderApp('/invites', { 'auth.me': () => wireError(401, 'UNAUTHENTICATED', 'Sign in first') });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
  });
});

describe('a session that ends while the app is open', () => {
  it('sends the user back to sign in, to return to the same page afterwards', async () => {
    let meCalls = 0;
    const { router } = renderApp('/invites?status=pending', {
      'auth.me': () => {
        meCalls += 1;
        return meCalls === 1 ? admin : wireError(401, 'UNAUTHENTICATED', 'Sign in first');
      },
      'invites.list': () => wireError(401, 'UNAUTHENTICATED', 'Sign in first'),
    });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.search).toEqual({ redirect: '/invites?status=pending' });
  });
});

describe('user page', () => {
  it('asks before a role change and says LAST_ADMIN in words', async () => {
    const user = userEvent.setup();
    const { server } = renderApp(`/users/${admin.id}`, {
      'auth.me': () => admin,
      'users.get': () => admin,
      'users.update': () => wireError(409, 'LAST_ADMIN', 'Gatehouse must keep at least one admin'),
    });
    const roleCard = await screen.findByRole('region', { name: 'Role' });
    await user.selectOptions(within(roleCard).getByLabelText('Role'), 'member');
    await user.click(within(roleCard).getByRole('button', { name: 'Change role' }));
    expect(server.calls.some((call) => call.path === 'users.update')).toBe(false);
    const dialog = await screen.findByRole('dialog', { name: 'Change role?' });
    await user.click(within(dialog).getByRole('button', { name: 'Change role' }));
    const alert = await within(roleCard).findByRole('alert');
    expect(alert.textContent).toMatch(/This is the last admin\. Make another user an admin first/);
    expect(server.calls.find((call) => call.path === 'users.update')?.input).toEqual({
      id: admin.id,
      role: 'member',
    });
  });

  it('shows a member no admin actions, on the list or on a user', async () => {
    renderApp(`/users/${admin.id}`, { 'auth.me': () => member, 'users.get': () => admin });
    expect(await screen.findByRole('region', { name: 'Details' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Role' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Delete user' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'API token' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Audit log' })).toBeNull();
  });
});

describe('invites', () => {
  it('explains EMAIL_TAKEN in the invite dialog', async () => {
    const user = userEvent.setup();
    renderApp('/invites', {
      'auth.me': () => admin,
      'invites.list': () => page([]),
      'invites.create': () => wireError(409, 'EMAIL_TAKEN', 'A user with this email already exists'),
    });
    await user.click((await screen.findAllByRole('button', { name: 'Invite a user' }))[0] as HTMLElement);
    const form = await screen.findByRole('form', { name: 'Invite a user' });
    await user.type(within(form).getByLabelText(/^Email\s*\*?$/), 'mo@example.com');
    await user.click(within(form).getByRole('button', { name: 'Send invite' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toMatch(/already exists, so there is nobody to invite/);
    expect(within(alert).getByRole('link', { name: 'Show this user' }).getAttribute('href')).toBe(
      '/users?q=mo%40example.com',
    );
  });

  it('gives the accept link with a copy button and says whether the mail went', async () => {
    const user = userEvent.setup();
    const invite = {
      id: 'inv_1',
      email: 'new@example.com',
      role: 'developer' as const,
      status: 'pending' as const,
      accepted: false,
      expiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
      acceptedAt: null,
      invitedBy: admin.id,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    const { server } = renderApp('/invites', {
      'auth.me': () => admin,
      'invites.list': () => page([]),
      'invites.create': () => ({
        invite,
        token: 'ghi_secret',
        reused: false,
        acceptUrl: 'http://gatehouse.test/accept-invite?token=ghi_secret',
        emailSent: false,
      }),
    });
    await user.click((await screen.findAllByRole('button', { name: 'Invite a user' }))[0] as HTMLElement);
    const form = await screen.findByRole('form', { name: 'Invite a user' });
    await user.type(within(form).getByLabelText(/^Email\s*\*?$/), 'New@Example.com');
    await user.click(within(form).getByRole('switch', { name: /Email the invite link/ }));
    await user.click(within(form).getByRole('button', { name: 'Send invite' }));
    const link = await screen.findByRole('textbox', { name: 'Invite link for new@example.com' });
    expect(link).toHaveProperty('value', 'http://gatehouse.test/accept-invite?token=ghi_secret');
    expect(screen.getByRole('button', { name: 'Copy invite link for new@example.com' })).toBeTruthy();
    expect(screen.getByText('Invite not emailed')).toBeTruthy();
    expect(server.calls.find((call) => call.path === 'invites.create')?.input).toEqual({
      email: 'new@example.com',
      role: 'member',
      sendEmail: false,
    });
  });
});
