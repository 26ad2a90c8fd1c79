import { api, describeError } from '../api.js';
import { errorBox, field, formValues, h, showError } from '../dom.js';
import { navigate } from '../main.js';

const STATUS_TEXT = {
  accepted: 'This invite has already been accepted. Sign in instead.',
  revoked: 'This invite has been revoked. Ask an admin for a new one.',
  expired: 'This invite has expired. Ask an admin to resend it.',
} as const;

/** Previewing is read-only; only submitting the form accepts the invite. */
export async function renderAcceptInvite(root: HTMLElement, token: string): Promise<void> {
  const card = h('div', { class: 'card' }, h('h1', {}, 'Accept your invitation'));
  root.append(card);
  let preview: Awaited<ReturnType<typeof api.invites.preview.query>>;
  try {
    preview = await api.invites.preview.query({ token });
  } catch (cause) {
    card.append(h('p', { class: 'error' }, describeError(cause)));
    return;
  }
  if (preview.status !== 'pending') {
    card.append(
      h('p', { class: 'error' }, STATUS_TEXT[preview.status]),
      h('a', { href: '/' }, 'Go to sign in'),
    );
    return;
  }
  const error = errorBox();
  const form = h(
    'form',
    { 'aria-label': 'Accept invite' },
    field('Email', h('input', { name: 'email', type: 'email', value: preview.email, readonly: true })),
    field('First name', h('input', { name: 'firstName', autocomplete: 'given-name' })),
    field('Last name', h('input', { name: 'lastName', autocomplete: 'family-name' })),
    field(
      'Password (8+ characters)',
      h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true }),
    ),
    error,
    h('button', { type: 'submit' }, 'Accept and sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { password = '', firstName, lastName } = formValues(form);
    try {
      await api.invites.accept.mutate({
        token,
        password,
        firstName: firstName || null,
        lastName: lastName || null,
      });
      navigate('/');
    } catch (cause) {
      showError(error, describeError(cause));
    }
  });
  card.append(
    h(
      'p',
      {},
      `You are invited as ${preview.role}. The link expires ${new Date(preview.expiresAt).toLocaleString()}.`,
    ),
    form,
  );
}
