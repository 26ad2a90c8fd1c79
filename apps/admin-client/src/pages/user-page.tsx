import { can, ROLES, type Role } from '@gatehouse/core/schemas';
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  NativeSelect,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiTokenCard } from '../components/api-token-card.js';
import { NoPasswordBadge, RoleBadge } from '../components/badges.js';
import { confirmAction } from '../components/confirm.js';
import { AnchorLink } from '../components/links.js';
import { ProfileForm } from '../components/profile-form.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { describeError, domainCodeOf } from '../errors.js';
import { MfaBadge } from '../features/mfa/mfa-badge.js';
import { ResetMfaCard } from '../features/mfa/reset-mfa-card.js';
import { displayName } from '../lib/display-name.js';
import { useMe } from '../lib/me.js';
import { notifyFailure, notifySuccess } from '../lib/notify.js';
import { dateTime, relativeTime } from '../lib/relative-time.js';
import { type User, useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/_app/users/$userId')({ component: UserPage });
const route = getRouteApi('/_app/users/$userId');

export function UserPage() {
  const { userId } = route.useParams();
  const me = useMe();
  const trpc = useTRPC();
  const user = useQuery(trpc.users.get.queryOptions({ id: userId }));

  const back = (
    <AnchorLink to="/users" size="sm">
      ← All users
    </AnchorLink>
  );
  if (user.isPending) {
    return (
      <Stack>
        {back}
        <Skeleton height={32} width="40%" />
        <Skeleton height={160} />
      </Stack>
    );
  }
  if (user.isError) {
    return (
      <Stack>
        {back}
        {domainCodeOf(user.error) === 'NOT_FOUND' ? (
          <EmptyState title="No such user">This user does not exist or was deleted.</EmptyState>
        ) : (
          <ErrorState error={user.error} onRetry={() => void user.refetch()} />
        )}
      </Stack>
    );
  }

  const u = user.data;
  const self = u.id === me.id;
  const admin = can(me, 'users.manage');
  return (
    <Stack>
      {back}
      <Group gap="sm">
        <Title order={2}>{displayName(u)}</Title>
        <RoleBadge role={u.role} />
        {!u.hasPassword && <NoPasswordBadge />}
        {u.mfaEnabled && <MfaBadge />}
        {self && <Text c="dimmed">(you)</Text>}
      </Group>
      <Card withBorder component="section" aria-label="Details">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Detail label="Email" value={u.email} />
          <Detail label="ID" value={u.id} />
          <Detail label="Created" value={dateTime(u.createdAt)} />
          <Detail label="Updated" value={dateTime(u.updatedAt)} />
          <Detail
            label="Last sign-in"
            value={u.lastLoginAt ? `${relativeTime(u.lastLoginAt)} (${dateTime(u.lastLoginAt)})` : 'never'}
          />
          <Detail label="API token" value={u.apiTokenPrefix ? `${u.apiTokenPrefix}…` : 'none'} />
        </SimpleGrid>
        <Text size="sm" c="dimmed" mt="sm">
          Metadata
        </Text>
        <Code block>{u.metadata ? JSON.stringify(u.metadata, null, 2) : 'none'}</Code>
      </Card>
      {(admin || self) && <ProfileForm user={u} />}
      {admin && <RoleCard user={u} />}
      {(admin || self) && <ApiTokenCard user={u} self={self} />}
      {admin && !self && <ResetMfaCard user={u} />}
      {admin && <DeleteCard user={u} />}
    </Stack>
  );
}

function Detail(props: { label: string; value: string }) {
  return (
    <div>
      <Text size="sm" c="dimmed">
        {props.label}
      </Text>
      <Text style={{ overflowWrap: 'anywhere' }}>{props.value}</Text>
    </div>
  );
}

function RoleCard(props: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(props.user.role);
  const change = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: async (user) => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.users.pathFilter()),
          queryClient.invalidateQueries(trpc.auth.me.pathFilter()),
        ]);
        notifySuccess(`${user.email} is now ${user.role}`);
      },
      onError: (error) => notifyFailure(error, 'Role not changed'),
    }),
  );
  return (
    <Card withBorder component="section" aria-label="Role">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Role
        </Title>
        <Group align="flex-end">
          <NativeSelect
            label="Role"
            data={[...ROLES]}
            value={role}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setRole(ROLES.find((r) => r === value) ?? props.user.role);
            }}
            w={180}
          />
          <Button
            loading={change.isPending}
            disabled={role === props.user.role}
            onClick={() =>
              confirmAction({
                title: 'Change role?',
                body: `${props.user.email} becomes ${role}. It applies from their next request.`,
                confirm: 'Change role',
                onConfirm: () => change.mutate({ id: props.user.id, role }),
              })
            }
          >
            Change role
          </Button>
        </Group>
        {change.isError && (
          <Alert color="red" role="alert" title="Role not changed">
            {describeError(change.error)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

function DeleteCard(props: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation(
    trpc.users.delete.mutationOptions({
      onSuccess: async () => {
        queryClient.removeQueries(trpc.users.get.queryFilter({ id: props.user.id }));
        await queryClient.invalidateQueries(trpc.users.list.pathFilter());
        notifySuccess(`Deleted ${props.user.email}`);
        await navigate({ to: '/users', search: {} });
      },
      onError: (error) => notifyFailure(error, 'User not deleted'),
    }),
  );
  return (
    <Card withBorder component="section" aria-label="Delete user">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Delete user
        </Title>
        <Text size="sm">
          Signs them out everywhere and ends their API token. Their email can be invited again afterwards.
        </Text>
        {remove.isError && (
          <Alert color="red" role="alert" title="User not deleted">
            {describeError(remove.error)}
          </Alert>
        )}
        <Group>
          <Button
            color="red"
            variant="light"
            loading={remove.isPending}
            onClick={() =>
              confirmAction({
                title: 'Delete this user?',
                body: `${props.user.email} loses access at once.`,
                confirm: 'Delete user',
                danger: true,
                onConfirm: () => remove.mutate({ id: props.user.id }),
              })
            }
          >
            Delete user
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
