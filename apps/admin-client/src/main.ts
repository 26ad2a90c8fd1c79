import { api, describeError } from './api.js';
import { h } from './dom.js';
import { renderAcceptInvite } from './pages/accept-invite.js';
import { renderDashboard } from './pages/dashboard.js';
import { renderForgotPassword, renderResetPassword } from './pages/password-reset.js';
import { renderSetup } from './pages/setup.js';
import { renderSignIn } from './pages/sign-in.js';

const root = document.getElementById('app') as HTMLElement;

/** Client-side routes; the server sends index.html for each of them. */
export async function route(): Promise<void> {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  root.replaceChildren();
  try {
    switch (window.location.pathname) {
      case '/accept-invite':
        return await renderAcceptInvite(root, token);
      case '/reset-password':
        return renderResetPassword(root, token);
      case '/forgot-password':
        return renderForgotPassword(root);
      case '/setup':
        return renderSetup(root, token);
      default: {
        const me = await api.auth.me.query().catch(() => null);
        return me ? await renderDashboard(root, me) : renderSignIn(root);
      }
    }
  } catch (error) {
    root.replaceChildren(
      h('div', { class: 'card' }, h('h1', {}, 'Gatehouse'), h('p', { class: 'error' }, describeError(error))),
    );
  }
}

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  void route();
}

window.addEventListener('popstate', () => void route());
void route();
