import type { AppRouter } from '@gatehouse/api';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  INVITE_STATUSES,
  type InviteStatus,
  ROLES,
  type Role,
} from '@gatehouse/core/schemas';
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  type RouterHistory,
  redirect,
} from '@tanstack/react-router';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { AppLayout } from './components/app-layout.js';
import { NotFound, RootLayout } from './components/root-layout.js';
import { ErrorState } from './components/states.js';
import { domainCodeOf } from './errors.js';
import { oneOf, optionalString } from './lib/search.js';

// Code-based routes; each page is its own chunk (`.lazy`), so a first visit loads only the shell.
export interface RouterContext {
  queryClient: QueryClient;
  trpc: TRPCOptionsProxy<AppRouter>;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: RootLayout,
  notFoundComponent: NotFound,
});

const tokenSearch = (search: Record<string, unknown>): { token?: string } => ({
  token: optionalString(search.token),
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): { redirect?: string } => ({
    redirect: optionalString(search.redirect),
  }),
  // Someone already signed in has nothing to do here.
  beforeLoad: async ({ context }) => {
    const me = await context.queryClient
      .ensureQueryData(context.trpc.auth.me.queryOptions())
      .catch(() => null);
    if (me) throw redirect({ to: '/users' });
  },
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

/** Everything behind sign-in: no session, no page (the sign-in page comes back here afterwards). */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_app',
  component: AppLayout,
  errorComponent: ({ error, reset }) => <ErrorState error={error} onRetry={reset} />,
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(context.trpc.auth.me.queryOptions());
    } catch (error) {
      if (domainCodeOf(error) !== 'UNAUTHENTICATED') throw error;
      throw redirect({
        to: '/sign-in',
        search: { redirect: location.href === '/' ? undefined : location.href },
      });
    }
  },
});

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

const securityRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/security',
}).lazy(() => import('./features/mfa/security-page.js').then((m) => m.Route));

const routeTree = rootRoute.addChildren([
  signInRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  setupRoute,
  acceptInviteRoute,
  appRoute.addChildren([
    indexRoute,
    usersRoute,
    userRoute,
    invitesRoute,
    auditRoute,
    accountRoute,
    securityRoute,
  ]),
]);

/** `history` defaults to the browser's; tests pass a memory history. */
export const createAppRouter = (context: RouterContext, history?: RouterHistory) =>
  createRouter({ routeTree, context, history, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
