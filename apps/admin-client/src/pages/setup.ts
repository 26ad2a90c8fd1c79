import { api, describeError } from '../api.js';
import { errorBox, field, formValues, h, showError } from '../dom.js';
import { navigate } from '../main.js';

/** First run: the one-time link printed by the server creates the first admin. */
export function renderSetup(root: HTMLElement, token: string): void {
  const error = errorBox();
  const form = h(
    'form',
    { 'aria-label': 'Create the first admin' },
    field('Email', h('input', { name: 'email', type: 'email', required: true })),
    field(
      'Password (8+ characters)',
      h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true }),
    ),
    error,
    h('button', { type: 'submit' }, 'Create admin'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { email = '', password = '' } = formValues(form);
    try {
      await api.setup.createFirstAdmin.mutate({ token, email, password });
      navigate('/');
    } catch (cause) {
      showError(error, describeError(cause));
    }
  });
  root.append(h('div', { class: 'card' }, h('h1', {}, 'Set up Gatehouse'), form));
}
