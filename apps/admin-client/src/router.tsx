import {
  AUDIT_ACTIONS,
  type AuditAction,
  INVITE_STATUSES,
  type InviteStatus,
  ROLES,
  type Role,
} from '@gatehouse/core/schemas';
import {
  createRootRoute,
  createRoute,
  createRouter,
  type RouterHistory,
  redirect,
} from '@tanstack/react-router';
import { AppLayout } from './components/app-layout.js';
import { NotFound, RootLayout } from './components/root-layout.js';
import { oneOf, optionalString } from './lib/search.js';

// Code-based routes; each page is its own chunk (`.lazy`), so a first visit loads only the shell.
const rootRoute = createRootRoute({ component: RootLayout, notFoundComponent: NotFound });

const tokenSearch = (search: Record<string, unknown>): { token?: string } => ({
  token: optionalString(search.token),
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): { redirect?: string } => ({
    redirect: optionalString(search.redirect),
  }),
}).lazy(() => import('./pages/sign-in-page.js').then((m) => m.Route));

const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/forgot-password',
}).lazy(() => import('./pages/forgot-password-page.js').then((m) => m.Route));

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: tokenSearch,
}).lazy(() => import('./pages/reset-password-page.js').then((m) => m.Route));

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  validateSearch: tokenSearch,
}).lazy(() => import('./pages/setup-page.js').then((m) => m.Route));

const acceptInviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/accept-invite',
  validateSearch: tokenSearch,
}).lazy(() => import('./pages/accept-invite-page.js').then((m) => m.Route));

/** Everything behind sign-in: the shell checks the session and shows the page inside. */
const appRoute = createRoute({ getParentRoute: () => rootRoute, id: '_app', component: AppLayout });

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/users' });
  },
});

const usersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/users',
  validateSearch: (search: Record<string, unknown>): { q?: string; role?: Role } => ({
    q: optionalString(search.q),
    role: oneOf(ROLES, search.role),
  }),
}).lazy(() => import('./pages/users-page.js').then((m) => m.Route));

const userRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/users/$userId',
}).lazy(() => import('./pages/user-page.js').then((m) => m.Route));

const invitesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/invites',
  validateSearch: (search: Record<string, unknown>): { q?: string; status?: InviteStatus } => ({
    q: optionalString(search.q),
    status: oneOf(INVITE_STATUSES, search.status),
  }),
}).lazy(() => import('./pages/invites-page.js').then((m) => m.Route));

const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/audit',
  validateSearch: (search: Record<string, unknown>): { action?: AuditAction; actorId?: string } => ({
    action: oneOf(AUDIT_ACTIONS, search.action),
    actorId: optionalString(search.actorId),
  }),
}).lazy(() => import('./pages/audit-page.js').then((m) => m.Route));

const accountRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/account',
}).lazy(() => import('./pages/account-page.js').then((m) => m.Route));

const routeTree = rootRoute.addChildren([
  signInRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  setupRoute,
  acceptInviteRoute,
  appRoute.addChildren([indexRoute, usersRoute, userRoute, invitesRoute, auditRoute, accountRoute]),
]);

/** `history` defaults to the browser's; tests pass a memory history. */
export const createAppRouter = (history?: RouterHistory) =>
  createRouter({ routeTree, history, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
