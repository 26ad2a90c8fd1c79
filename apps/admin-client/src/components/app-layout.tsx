import { can } from '@gatehouse/core/schemas';
import {
  AppShell,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Outlet, useNavigate, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { domainCodeOf } from '../errors.js';
import { useForcedEnrolment } from '../features/mfa/forced-enrolment.js';
import { displayName } from '../lib/display-name.js';
import { MeContext } from '../lib/me.js';
import { notifyFailure } from '../lib/notify.js';
import { type User, useTRPC } from '../trpc.js';
import { RoleBadge } from './badges.js';
import { NavLinkItem } from './links.js';
import { ErrorState } from './states.js';

/** The signed-in app: checks the session, then navigation, the user and sign out around the page. */
export function AppLayout() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [opened, { toggle, close }] = useDisclosure(false);
  const enrolment = useForcedEnrolment(me.data);

  // The session can end while the app is open (signed out elsewhere, expired, user deleted): any
  // call answered UNAUTHENTICATED makes the shell ask again who is signed in …
  useEffect(() => {
    const recheck = (error: unknown) => {
      if (domainCodeOf(error) === 'UNAUTHENTICATED')
        void queryClient.invalidateQueries(trpc.auth.me.pathFilter());
    };
    const queries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') recheck(event.action.error);
    });
    const mutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') recheck(event.action.error);
    });
    return () => {
      queries();
      mutations();
    };
  }, [queryClient, trpc]);

  // … and, once nobody is, goes back to the sign-in page, which returns here afterwards.
  const signedOut = domainCodeOf(me.error) === 'UNAUTHENTICATED';
  useEffect(() => {
    if (!signedOut) return;
    const here = router.state.location.href;
    // Nothing of the previous session stays cached (it would also still answer "who is signed in").
    queryClient.clear();
    void router.navigate({ to: '/sign-in', search: { redirect: here === '/' ? undefined : here } });
  }, [signedOut, router, queryClient]);

  if (me.isPending || signedOut) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center mih="100vh" p="md">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </Center>
    );
  }

  const user = me.data;
  // A role that requires a second factor, and none yet: only enrolment (and sign out).
  if (enrolment) return enrolment;
  return (
    <MeContext value={user}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
              <Title order={1} size="h3">
                Gatehouse
              </Title>
            </Group>
            <UserMenu user={user} />
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Main">
          <Stack gap={2}>
            <NavItem to="/users" label="Users" onNavigate={close} />
            <NavItem to="/invites" label="Invites" onNavigate={close} />
            {can(user, 'audit.read') && <NavItem to="/audit" label="Audit log" onNavigate={close} />}
            <NavItem to="/account" label="My account" onNavigate={close} />
            <NavItem to="/security" label="Security" onNavigate={close} />
          </Stack>
        </AppShell.Navbar>
        <AppShell.Main>
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </MeContext>
  );
}

function UserMenu({ user }: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        await navigate({ to: '/sign-in' });
      },
      onError: (error) => notifyFailure(error, 'Could not sign out'),
    }),
  );
  return (
    <Group gap="sm" wrap="nowrap">
      <Stack gap={0} align="flex-end" visibleFrom="xs">
        <Text size="sm" fw={500} lineClamp={1}>
          {displayName(user)}
        </Text>
        <Text size="xs" c="dimmed" lineClamp={1}>
          {user.email}
        </Text>
      </Stack>
      <VisuallyHidden>Signed in as {user.email}</VisuallyHidden>
      <RoleBadge role={user.role} />
      <Button variant="default" size="xs" loading={logout.isPending} onClick={() => logout.mutate()}>
        Sign out
      </Button>
    </Group>
  );
}

function NavItem(props: {
  to: '/users' | '/invites' | '/audit' | '/account' | '/security';
  label: string;
  onNavigate: () => void;
}) {
  return (
    <NavLinkItem
      to={props.to}
      label={props.label}
      onClick={props.onNavigate}
      activeOptions={{ includeSearch: false }}
      activeProps={{ 'data-active': true }}
    />
  );
}
