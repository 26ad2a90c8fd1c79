import { api, describeError } from '../api.js';
import { errorBox, field, formValues, h, showError } from '../dom.js';
import { navigate } from '../main.js';

export function renderSignIn(root: HTMLElement): void {
  const error = errorBox();
  const form = h(
    'form',
    { 'aria-label': 'Sign in' },
    field('Email', h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true })),
    field(
      'Password',
      h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    ),
    error,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { email = '', password = '' } = formValues(form);
    try {
      await api.auth.login.mutate({ email, password });
      navigate('/');
    } catch (cause) {
      showError(error, describeError(cause));
    }
  });
  root.append(
    h(
      'div',
      { class: 'card' },
      h('h1', {}, 'Sign in to Gatehouse'),
      form,
      h('p', {}, h('a', { href: '/forgot-password' }, 'Forgot your password?')),
    ),
  );
}
