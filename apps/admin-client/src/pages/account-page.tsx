import { changePasswordInput } from '@gatehouse/core/schemas';
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  PasswordInput,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createLazyRoute, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiTokenCard } from '../components/api-token-card.js';
import { RoleBadge } from '../components/badges.js';
import { confirmAction } from '../components/confirm.js';
import { judgePassword, PasswordStrength } from '../components/password-strength.js';
import { ProfileForm } from '../components/profile-form.js';
import { ErrorState, TableSkeleton } from '../components/states.js';
import { TableScroll } from '../components/table-scroll.js';
import { describeError, serverFieldErrors } from '../errors.js';
import { type FieldErrors, validate } from '../lib/form.js';
import { useMe } from '../lib/me.js';
import { notifyFailure, notifySuccess } from '../lib/notify.js';
import { dateTime, relativeTime } from '../lib/relative-time.js';
import { type Session, useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/_app/account')({ component: AccountPage });

export function AccountPage() {
  const me = useMe();
  return (
    <Stack>
      <Group gap="sm">
        <Title order={2}>My account</Title>
        <RoleBadge role={me.role} />
      </Group>
      <Text c="dimmed">{me.email}</Text>
      <ProfileForm user={me} />
      <ChangePasswordCard email={me.email} />
      <ApiTokenCard user={me} self />
      <SessionsCard />
    </Stack>
  );
}

export function ChangePasswordCard(props: { email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: async () => {
        setCurrentPassword('');
        setNewPassword('');
        await queryClient.invalidateQueries(trpc.auth.sessions.pathFilter());
        notifySuccess('Password changed. Every other session was signed out and your API token revoked.');
      },
      onError: (error) => setErrors(serverFieldErrors(error)),
    }),
  );
  return (
    <Card withBorder component="section" aria-label="Change password">
      <form
        aria-label="Change password"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const input = validate(changePasswordInput, { currentPassword, newPassword });
          const weak = judgePassword(newPassword, props.email).reason;
          setErrors({ ...(input.ok ? {} : input.errors), ...(weak ? { newPassword: weak } : {}) });
          if (input.ok && !weak) change.mutate(input.data);
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            Change password
          </Title>
          <Text size="sm" c="dimmed">
            Every other browser and device signed in as you is signed out, and your API token is revoked; this
            one stays signed in.
          </Text>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.currentTarget.value)}
            error={errors.currentPassword}
          />
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(event) => setNewPassword(event.currentTarget.value)}
            error={errors.newPassword}
            aria-describedby="account-password-strength"
          />
          <PasswordStrength password={newPassword} email={props.email} id="account-password-strength" />
          {change.isError && (
            <Alert color="red" role="alert">
              {describeError(change.error)}
            </Alert>
          )}
          {change.isSuccess && (
            <Alert color="teal" role="status">
              Password changed. Your other sessions have ended and your API token was revoked.
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** Where the caller is signed in: end one session, or all of them (this one included). */
function SessionsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const signOutEverywhere = useMutation(
    trpc.auth.logoutAll.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        await navigate({ to: '/sign-in' });
      },
      onError: (error) => notifyFailure(error, 'Could not sign out everywhere'),
    }),
  );
  return (
    <Card withBorder component="section" aria-label="Sessions">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            Where you are signed in
          </Title>
          <Button
            variant="light"
            color="red"
            loading={signOutEverywhere.isPending}
            onClick={() =>
              confirmAction({
                title: 'Sign out everywhere?',
                body: 'Every session ends, this one included. You will need to sign in again.',
                confirm: 'Sign out everywhere',
                danger: true,
                onConfirm: () => signOutEverywhere.mutate(),
              })
            }
          >
            Sign out everywhere
          </Button>
        </Group>
        {sessions.isPending ? (
          <TableSkeleton rows={2} />
        ) : sessions.isError ? (
          <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
        ) : (
          <TableScroll label="Sessions table" minWidth={560}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Browser</Table.Th>
                  <Table.Th>IP</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Signed in</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.data.map((session) => (
                  <SessionRow key={session.id} session={session} />
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
      </Stack>
    </Card>
  );
}

function SessionRow(props: { session: Session }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { session } = props;
  const end = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.auth.sessions.pathFilter());
        notifySuccess('Session ended');
      },
      onError: (error) => notifyFailure(error, 'Session not ended'),
    }),
  );
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" lineClamp={1} title={session.userAgent ?? undefined}>
            {browserName(session.userAgent)}
          </Text>
          {session.current && (
            <Badge size="sm" variant="light" color="teal">
              this browser
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>{session.ip ?? '—'}</Table.Td>
      <Table.Td title={dateTime(session.lastSeenAt)}>{relativeTime(session.lastSeenAt)}</Table.Td>
      <Table.Td title={dateTime(session.createdAt)}>{relativeTime(session.createdAt)}</Table.Td>
      <Table.Td>
        {!session.current && (
          <Button
            size="xs"
            variant="default"
            loading={end.isPending}
            aria-label={`End session from ${browserName(session.userAgent)}, ${session.ip ?? 'unknown IP'}`}
            onClick={() => end.mutate({ id: session.id })}
          >
            End session
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** "Chrome on Linux" from a user agent, good enough to recognise one's own devices. */
export function browserName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /curl|node|undici/i.test(userAgent)
            ? 'Script'
            : 'Browser';
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  return os ? `${browser} on ${os}` : browser;
}
