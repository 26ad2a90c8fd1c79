import { api, describeError, type Invite, type User } from '../api.js';
import { errorBox, field, formValues, h, showError } from '../dom.js';
import { navigate } from '../main.js';

const ROLES = ['member', 'developer', 'admin'] as const;

const roleSelect = (name: string, withAny: boolean) =>
  h(
    'select',
    { name },
    ...(withAny ? [h('option', { value: '' }, 'Any role')] : []),
    ...ROLES.map((role) => h('option', { value: role }, role)),
  );

/** A read-only input with a copy button, for one-time secrets and links. */
function copyable(label: string, value: string): HTMLElement {
  const input = h('input', { value, readonly: true, 'aria-label': label });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Copy');
  button.addEventListener('click', async () => {
    await navigator.clipboard?.writeText(value).catch(() => undefined);
    input.select();
    button.textContent = 'Copied';
  });
  return h('div', {}, h('p', { class: 'muted' }, label), h('div', { class: 'copy' }, input, button));
}

export async function renderDashboard(root: HTMLElement, me: User): Promise<void> {
  const isAdmin = me.role === 'admin';
  const logout = h('button', { class: 'secondary', type: 'button' }, 'Sign out');
  logout.addEventListener('click', async () => {
    await api.auth.logout.mutate().catch(() => undefined);
    navigate('/');
  });
  root.append(
    h(
      'header',
      { class: 'bar' },
      h('h1', {}, 'Gatehouse'),
      h(
        'div',
        {},
        h('span', { class: 'muted' }, `${me.email} `),
        h('span', { class: 'badge' }, me.role),
        ' ',
        logout,
      ),
    ),
    usersCard(),
    invitesCard(isAdmin),
    apiTokenCard(me),
    passwordCard(),
    sessionsCard(),
  );
}

function usersCard(): HTMLElement {
  const error = errorBox();
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const summary = h('p', { class: 'muted' });
  const filters = h(
    'form',
    { class: 'inline', 'aria-label': 'Search users' },
    field('Search', h('input', { name: 'q', type: 'search', placeholder: 'email or name' })),
    field('Role', roleSelect('role', true)),
    h('button', { type: 'submit' }, 'Search'),
  );
  let cursor: string | null = null;
  const load = async (append: boolean) => {
    const { q, role } = formValues(filters);
    try {
      const page = await api.users.list.query({
        q: q || undefined,
        role: (role || undefined) as (typeof ROLES)[number] | undefined,
        limit: 20,
        cursor: append ? cursor : null,
      });
      if (!append) body.replaceChildren();
      for (const user of page.items) {
        body.append(
          h(
            'tr',
            {},
            h('td', {}, user.email),
            h('td', {}, [user.firstName, user.lastName].filter(Boolean).join(' ') || '—'),
            h('td', {}, h('span', { class: 'badge' }, user.role)),
            h('td', {}, user.lastLoginAt ? new Date(user.lastLoginAt).toLocaleString() : 'never'),
          ),
        );
      }
      if (page.total === 0)
        body.append(h('tr', {}, h('td', { colspan: '4', class: 'empty' }, 'No users match.')));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      summary.textContent = `${page.total} user${page.total === 1 ? '' : 's'}`;
      showError(error, null);
    } catch (cause) {
      showError(error, describeError(cause));
    }
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load(false);
  });
  more.addEventListener('click', () => void load(true));
  void load(false);
  return h(
    'section',
    { class: 'card', 'aria-label': 'Users' },
    h('h2', {}, 'Users'),
    filters,
    summary,
    error,
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Email'),
          h('th', {}, 'Name'),
          h('th', {}, 'Role'),
          h('th', {}, 'Last sign-in'),
        ),
      ),
      body,
    ),
    more,
  );
}

function invitesCard(isAdmin: boolean): HTMLElement {
  const error = errorBox();
  const body = h('tbody');
  const issued = h('div');
  const statusFilter = h(
    'select',
    { name: 'status', 'aria-label': 'Status' },
    h('option', { value: '' }, 'All'),
    ...['pending', 'expired', 'revoked', 'accepted'].map((status) => h('option', { value: status }, status)),
  );
  const load = async () => {
    try {
      const status = (statusFilter.value || undefined) as Invite['status'] | undefined;
      const page = await api.invites.list.query({ status, limit: 50 });
      body.replaceChildren(...page.items.map((invite) => inviteRow(invite)));
      if (page.total === 0)
        body.append(h('tr', {}, h('td', { colspan: '4', class: 'empty' }, 'No invites yet.')));
    } catch (cause) {
      showError(error, describeError(cause));
    }
  };
  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
      showError(error, null);
      await load();
    } catch (cause) {
      showError(error, describeError(cause));
    }
  };
  const inviteRow = (invite: Invite) => {
    const actions = h('td');
    if (isAdmin && (invite.status === 'pending' || invite.status === 'expired')) {
      const resend = h('button', { type: 'button', class: 'secondary' }, 'Resend');
      resend.addEventListener('click', () =>
        act(async () => {
          const result = await api.invites.resend.mutate({ id: invite.id });
          issued.replaceChildren(
            copyable(`New link for ${result.invite.email} (the old one no longer works)`, result.acceptUrl),
          );
        }),
      );
      const revoke = h('button', { type: 'button', class: 'secondary' }, 'Revoke');
      revoke.addEventListener('click', () => act(() => api.invites.revoke.mutate({ id: invite.id })));
      actions.append(resend, ' ', revoke);
    }
    return h(
      'tr',
      {},
      h('td', {}, invite.email),
      h('td', {}, h('span', { class: 'badge' }, invite.role)),
      h('td', {}, invite.status),
      actions,
    );
  };
  statusFilter.addEventListener('change', () => void load());
  const section = h('section', { class: 'card', 'aria-label': 'Invites' }, h('h2', {}, 'Invites'));
  if (isAdmin) {
    const form = h(
      'form',
      { class: 'inline', 'aria-label': 'Invite a user' },
      field('Email', h('input', { name: 'email', type: 'email', required: true })),
      field('Role', roleSelect('role', false)),
      h('button', { type: 'submit' }, 'Send invite'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const { email = '', role = 'member' } = formValues(form);
      void act(async () => {
        const result = await api.invites.create.mutate({ email, role: role as (typeof ROLES)[number] });
        form.reset();
        issued.replaceChildren(
          copyable(
            `Invite link for ${result.invite.email}${result.emailSent ? ' (also sent by email)' : ''}`,
            result.acceptUrl,
          ),
        );
      });
    });
    section.append(form, issued);
  }
  section.append(
    field('Show', statusFilter),
    error,
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'Email'), h('th', {}, 'Role'), h('th', {}, 'Status'), h('th', {}, '')),
      ),
      body,
    ),
  );
  void load();
  return section;
}

function apiTokenCard(me: User): HTMLElement {
  const error = errorBox();
  const state = h(
    'p',
    { class: 'muted' },
    me.apiTokenPrefix ? `Current token starts with ${me.apiTokenPrefix}…` : 'No API token yet.',
  );
  const shown = h('div');
  const generate = h('button', { type: 'button' }, me.apiTokenPrefix ? 'Replace token' : 'Generate token');
  const revoke = h('button', { type: 'button', class: 'secondary' }, 'Revoke token');
  generate.addEventListener('click', async () => {
    try {
      const result = await api.apiToken.generate.mutate({});
      shown.replaceChildren(
        copyable('Your new API token. It is shown only once: copy it now.', result.token),
      );
      state.textContent = `Current token starts with ${result.prefix}…`;
      showError(error, null);
    } catch (cause) {
      showError(error, describeError(cause));
    }
  });
  revoke.addEventListener('click', async () => {
    try {
      await api.apiToken.revoke.mutate({});
      shown.replaceChildren();
      state.textContent = 'No API token yet.';
    } catch (cause) {
      showError(error, describeError(cause));
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-label': 'API token' },
    h('h2', {}, 'API token'),
    state,
    shown,
    error,
    h('div', {}, generate, ' ', revoke),
  );
}

function passwordCard(): HTMLElement {
  const error = errorBox();
  const done = h(
    'p',
    { class: 'ok', hidden: true },
    'Password changed. Your other sessions were signed out and your API token was revoked.',
  );
  const form = h(
    'form',
    { 'aria-label': 'Change password' },
    field(
      'Current password',
      h('input', {
        name: 'currentPassword',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
      }),
    ),
    field(
      'New password',
      h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true }),
    ),
    error,
    h('button', { type: 'submit' }, 'Change password'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { currentPassword = '', newPassword = '' } = formValues(form);
    try {
      await api.auth.changePassword.mutate({ currentPassword, newPassword });
      form.reset();
      showError(error, null);
      done.hidden = false;
    } catch (cause) {
      done.hidden = true;
      showError(error, describeError(cause));
    }
  });
  return h('section', { class: 'card', 'aria-label': 'Password' }, h('h2', {}, 'Password'), form, done);
}

/** Where you are signed in: end one session, or all of them (this one included). */
function sessionsCard(): HTMLElement {
  const error = errorBox();
  const body = h('tbody');
  const load = async () => {
    try {
      const sessions = await api.auth.sessions.query();
      body.replaceChildren(
        ...sessions.map((session) => {
          const action = h('td');
          if (session.current) action.append(h('span', { class: 'badge' }, 'this browser'));
          else {
            const end = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
            end.addEventListener('click', async () => {
              await api.auth.revokeSession
                .mutate({ id: session.id })
                .catch((cause: unknown) => showError(error, describeError(cause)));
              await load();
            });
            action.append(end);
          }
          return h(
            'tr',
            {},
            h('td', {}, session.userAgent ?? 'unknown device'),
            h('td', {}, session.ip ?? '—'),
            h('td', {}, new Date(session.createdAt).toLocaleString()),
            action,
          );
        }),
      );
      if (sessions.length === 0)
        body.append(
          h(
            'tr',
            {},
            h('td', { colspan: '4', class: 'empty' }, 'No browser sessions (signed in with an API token).'),
          ),
        );
    } catch (cause) {
      showError(error, describeError(cause));
    }
  };
  const everywhere = h('button', { type: 'button', class: 'secondary' }, 'Sign out everywhere');
  everywhere.addEventListener('click', async () => {
    await api.auth.logoutAll.mutate().catch(() => undefined);
    navigate('/');
  });
  void load();
  return h(
    'section',
    { class: 'card', 'aria-label': 'Sessions' },
    h('h2', {}, 'Where you are signed in'),
    error,
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, 'Device'), h('th', {}, 'IP'), h('th', {}, 'Signed in'), h('th', {}, '')),
      ),
      body,
    ),
    everywhere,
  );
}
