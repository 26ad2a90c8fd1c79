import { api, describeError } from '../api.js';
import { errorBox, field, formValues, h, showError } from '../dom.js';

export function renderForgotPassword(root: HTMLElement): void {
  const error = errorBox();
  const done = h(
    'p',
    { class: 'ok', hidden: true },
    'If that email belongs to an account, a reset link is on its way.',
  );
  const form = h(
    'form',
    { 'aria-label': 'Request password reset' },
    field('Email', h('input', { name: 'email', type: 'email', required: true })),
    error,
    h('button', { type: 'submit' }, 'Send reset link'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.auth.requestPasswordReset.mutate({ email: formValues(form).email ?? '' });
      showError(error, null);
      done.hidden = false;
    } catch (cause) {
      showError(error, describeError(cause));
    }
  });
  root.append(
    h(
      'div',
      { class: 'card' },
      h('h1', {}, 'Reset your password'),
      form,
      done,
      h('a', { href: '/' }, 'Back to sign in'),
    ),
  );
}

export function renderResetPassword(root: HTMLElement, token: string): void {
  const error = errorBox();
  const done = h(
    'p',
    { class: 'ok', hidden: true },
    'Password changed. Every session was signed out and your API token was revoked. You can sign in with the new password now.',
  );
  const form = h(
    'form',
    { 'aria-label': 'Choose a new password' },
    field(
      'New password (8+ characters)',
      h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true }),
    ),
    error,
    h('button', { type: 'submit' }, 'Set password'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.auth.resetPassword.mutate({ token, newPassword: formValues(form).newPassword ?? '' });
      showError(error, null);
      form.hidden = true;
      done.hidden = false;
    } catch (cause) {
      showError(error, describeError(cause));
    }
  });
  root.append(
    h(
      'div',
      { class: 'card' },
      h('h1', {}, 'Choose a new password'),
      form,
      done,
      h('a', { href: '/' }, 'Go to sign in'),
    ),
  );
}
