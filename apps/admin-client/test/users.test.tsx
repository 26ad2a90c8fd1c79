import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { InviteStatusBadge, NoPasswordBadge } from '../src/components/badges.js';
import { Providers } from '../src/providers.js';
import { createBrowserClient, createQueryClient } from '../src/trpc.js';
import { aUser, renderApp } from './harness.js';

const admin = aUser();

describe('users list', () => {
  it('shows the total, a badge for users without a password, and pages with "load more"', async () => {
    const user = userEvent.setup();
    const first = aUser({
      id: 'usr_a',
      email: 'a@example.com',
      firstName: 'Ann',
      hasPassword: false,
      role: 'member',
    });
    const second = aUser({ id: 'usr_b', email: 'b@example.com', firstName: 'Bob', role: 'developer' });
    const { server } = renderApp('/users', {
      'auth.me': () => admin,
      'users.list': (input) =>
        input?.cursor
          ? { items: [second], nextCursor: null, total: 2, totalCapped: false }
          : { items: [first], nextCursor: 'cursor-2', total: 2, totalCapped: false },
    });
    const list = await screen.findByRole('region', { name: 'Users' });
    await waitFor(() => expect(list.textContent).toContain('Showing 1 of 2 users'));
    expect(within(list).getByText('no password')).toBeTruthy();
    await user.click(within(list).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(list.textContent).toContain('Showing 2 of 2 users'));
    expect(within(list).queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(server.calls.filter((call) => call.path === 'users.list').map((call) => call.input)).toEqual([
      { limit: 25, direction: 'forward' },
      { limit: 25, cursor: 'cursor-2', direction: 'forward' },
    ]);
  });

  it('creates a user without a password when the switch is off, then refreshes the list', async () => {
    const user = userEvent.setup();
    let listed = 0;
    const { server } = renderApp('/users', {
      'auth.me': () => admin,
      'users.list': () => {
        listed += 1;
        return { items: [], nextCursor: null, total: 0, totalCapped: false };
      },
      'users.create': (input) =>
        aUser({ id: 'usr_new', email: input.email, hasPassword: false, role: 'member' }),
    });
    await user.click(await screen.findByRole('button', { name: 'Create user' }));
    const form = await screen.findByRole('form', { name: 'Create user' });
    await user.type(within(form).getByLabelText(/^Email/), ' Nia@Example.com ');
    await user.click(within(form).getByRole('switch', { name: /Set a password now/ }));
    expect(within(form).queryByLabelText(/^Password/)).toBeNull();
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Create user' })).toBeNull());
    expect(server.calls.find((call) => call.path === 'users.create')?.input).toEqual({
      email: 'nia@example.com',
      firstName: null,
      lastName: null,
      role: 'member',
    });
    expect(listed).toBe(2);
  });
});

describe('badges', () => {
  it('name every invite status, and the no-password state, in words', () => {
    render(
      <Providers queryClient={createQueryClient()} trpcClient={createBrowserClient('http://gatehouse.test')}>
        <InviteStatusBadge status="pending" />
        <InviteStatusBadge status="accepted" />
        <InviteStatusBadge status="expired" />
        <InviteStatusBadge status="revoked" />
        <NoPasswordBadge />
      </Providers>,
    );
    for (const word of ['pending', 'accepted', 'expired', 'revoked', 'no password']) {
      expect(screen.getByText(word)).toBeTruthy();
    }
    expect(screen.getByText('no password').closest('[title]')?.getAttribute('title')).toMatch(
      /cannot sign in/,
    );
  });
});
