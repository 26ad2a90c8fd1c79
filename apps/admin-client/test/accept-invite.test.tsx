import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { aUser, renderApp, wireError } from './harness.js';

const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000 + 60_000).toISOString();
const preview = (status: 'pending' | 'accepted' | 'expired' | 'revoked', expiresAt = inDays(6)) => ({
  email: 'dana@example.com',
  role: 'developer' as const,
  status,
  expiresAt,
});

describe('accept invite page', () => {
  it('previews the invite, judges the password live with the server policy, and refuses a weak one', async () => {
    const user = userEvent.setup();
    const { server } = renderApp('/accept-invite?token=ghi_abc', {
      'invites.preview': () => preview('pending'),
      'invites.accept': () => ({ user: aUser({ email: 'dana@example.com', role: 'developer' }) }),
      'auth.me': () => aUser({ email: 'dana@example.com', role: 'developer' }),
      'users.list': () => ({ items: [], nextCursor: null, total: 0, totalCapped: false }),
    });
    expect(await screen.findByLabelText('Email')).toHaveProperty('value', 'dana@example.com');
    expect(screen.getByText('developer')).toBeTruthy();
    expect(screen.getByText('in 6 days')).toBeTruthy();

    const password = screen.getByLabelText(/^Password/);
    await user.type(password, 'password');
    expect(screen.getByTestId('password-strength').textContent).toMatch(/too common/);
    await user.click(screen.getByRole('button', { name: 'Accept and sign in' }));
    expect(server.calls.some((call) => call.path === 'invites.accept')).toBe(false);

    await user.clear(password);
    await user.type(password, 'violet-otter-lantern-9');
    expect(screen.getByTestId('password-strength').textContent).toBe('Strong');
    await user.click(screen.getByRole('button', { name: 'Accept and sign in' }));
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeTruthy();
    expect(server.calls.find((call) => call.path === 'invites.accept')?.input).toEqual({
      token: 'ghi_abc',
      password: 'violet-otter-lantern-9',
      firstName: null,
      lastName: null,
    });
  });

  it('shows the server’s reason when it refuses the password', async () => {
    const user = userEvent.setup();
    renderApp('/accept-invite?token=ghi_abc', {
      'invites.preview': () => preview('pending'),
      'invites.accept': () => wireError(400, 'WEAK_PASSWORD', 'Password must not contain your email name'),
    });
    await user.type(await screen.findByLabelText(/^Password/), 'a perfectly long passphrase');
    await user.click(screen.getByRole('button', { name: 'Accept and sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Password must not contain your email name');
  });

  it.each([
    ['expired', 'Invite expired', /expired 2 days ago/],
    ['revoked', 'Invite revoked', /revoked this invite/],
    ['accepted', 'Invite already accepted', /already been accepted/],
  ] as const)('has a clear page for an %s invite', async (status, heading, text) => {
    renderApp('/accept-invite?token=ghi_abc', { 'invites.preview': () => preview(status, inDays(-2)) });
    expect(await screen.findByRole('heading', { name: heading })).toBeTruthy();
    expect(document.body.textContent).toMatch(text);
    expect(screen.queryByRole('button', { name: 'Accept and sign in' })).toBeNull();
  });

  it('says an unknown or replaced link does not work', async () => {
    renderApp('/accept-invite?token=ghi_old', {
      'invites.preview': () =>
        wireError(400, 'INVALID_TOKEN', 'This invite link is invalid or has been replaced by a newer one'),
    });
    expect(await screen.findByRole('heading', { name: 'This invite link does not work' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/replaced by a newer one/);
  });
});
