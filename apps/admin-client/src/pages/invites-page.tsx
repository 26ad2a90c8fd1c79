import type { RouterOutputs } from '@gatehouse/api';
import { can, INVITE_STATUSES } from '@gatehouse/core/schemas';
import { Button, Group, Modal, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { InviteStatusBadge, RoleBadge } from '../components/badges.js';
import { confirmAction } from '../components/confirm.js';
import { InviteDialog } from '../components/invite-dialog.js';
import { InviteLink } from '../components/invite-link.js';
import { LoadMore } from '../components/load-more.js';
import { EmptyState, ErrorState, TableSkeleton } from '../components/states.js';
import { TableScroll } from '../components/table-scroll.js';
import { UserRef } from '../components/user-ref.js';
import { useMe } from '../lib/me.js';
import { notifyFailure, notifySuccess } from '../lib/notify.js';
import { dateTime, expiryText } from '../lib/relative-time.js';
import { useUrlSearch } from '../lib/use-url-search.js';
import { type Invite, useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/_app/invites')({ component: InvitesPage });
const route = getRouteApi('/_app/invites');

const PAGE_SIZE = 25;

export function InvitesPage() {
  const me = useMe();
  const trpc = useTRPC();
  const { q, status } = route.useSearch();
  const navigate = route.useNavigate();
  const [search, setSearch] = useUrlSearch('/invites', q, (next) =>
    navigate({ search: (prev) => ({ ...prev, q: next }), replace: true }),
  );
  const [inviting, inviteDialog] = useDisclosure(false);
  const [resent, setResent] = useState<RouterOutputs['invites']['resend'] | null>(null);
  const invites = useInfiniteQuery(
    trpc.invites.list.infiniteQueryOptions(
      { q, status, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const items = invites.data?.pages.flatMap((page) => page.items) ?? [];
  const manage = can(me, 'invites.manage');
  const filtered = Boolean(q || status);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Invites</Title>
        {manage && <Button onClick={inviteDialog.open}>Invite a user</Button>}
      </Group>
      <Group align="flex-end">
        <TextInput
          label="Search"
          placeholder="Email"
          type="search"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          style={{ flex: 1, minWidth: 200 }}
        />
        <NativeSelect
          label="Status"
          data={[{ value: '', label: 'Any status' }, ...INVITE_STATUSES]}
          value={status ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            void navigate({
              search: (prev) => ({ ...prev, status: INVITE_STATUSES.find((s) => s === value) }),
            });
          }}
          w={160}
        />
      </Group>
      <section aria-label="Invites">
        {invites.isPending ? (
          <TableSkeleton />
        ) : invites.isError ? (
          <ErrorState error={invites.error} onRetry={() => void invites.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={filtered ? 'No invites match' : 'No invites yet'}
            action={
              filtered ? (
                <Button variant="default" onClick={() => navigate({ search: {} })}>
                  Clear filters
                </Button>
              ) : manage ? (
                <Button onClick={inviteDialog.open}>Invite a user</Button>
              ) : undefined
            }
          >
            {filtered
              ? 'Try another search or status.'
              : 'Invite people by email; they choose their own password.'}
          </EmptyState>
        ) : (
          <>
            <TableScroll label="Invites table" minWidth={720}>
              <Table highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Expiry</Table.Th>
                    <Table.Th>Invited by</Table.Th>
                    {manage && <Table.Th>Actions</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((invite) => (
                    <Table.Tr key={invite.id}>
                      <Table.Td>{invite.email}</Table.Td>
                      <Table.Td>
                        <RoleBadge role={invite.role} />
                      </Table.Td>
                      <Table.Td>
                        <InviteStatusBadge status={invite.status} />
                      </Table.Td>
                      <Table.Td>
                        {invite.status === 'accepted' && invite.acceptedAt ? (
                          <Text size="sm">accepted {dateTime(invite.acceptedAt)}</Text>
                        ) : (
                          <Text size="sm" title={dateTime(invite.expiresAt)}>
                            {expiryText(invite.expiresAt)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {invite.invitedBy === me.id ? (
                          <Text size="sm">you</Text>
                        ) : invite.invitedBy ? (
                          <UserRef id={invite.invitedBy} />
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      {manage && (
                        <Table.Td>
                          <InviteActions invite={invite} onResent={setResent} />
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
            <LoadMore query={invites} noun="invites" />
          </>
        )}
      </section>
      <InviteDialog opened={inviting} onClose={inviteDialog.close} />
      <Modal opened={resent !== null} onClose={() => setResent(null)} title="Invite resent">
        {resent && <InviteLink result={resent} />}
      </Modal>
    </Stack>
  );
}

/** Resend (new link, old one dead) and revoke, for invites that are still open. */
function InviteActions(props: {
  invite: Invite;
  onResent: (result: RouterOutputs['invites']['resend']) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { invite } = props;
  const resend = useMutation(
    trpc.invites.resend.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.invites.pathFilter());
        props.onResent(result);
      },
      onError: (error) => notifyFailure(error, 'Invite not resent'),
    }),
  );
  const revoke = useMutation(
    trpc.invites.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.invites.pathFilter());
        notifySuccess(`Revoked the invite for ${invite.email}`);
      },
      onError: (error) => notifyFailure(error, 'Invite not revoked'),
    }),
  );
  if (invite.status !== 'pending' && invite.status !== 'expired') return null;
  const busy = resend.isPending || revoke.isPending;
  return (
    <Group gap="xs" wrap="nowrap">
      <Button
        size="xs"
        variant="default"
        loading={resend.isPending}
        disabled={busy}
        aria-label={`Resend invite for ${invite.email}`}
        onClick={() =>
          confirmAction({
            title: 'Resend this invite?',
            body: `${invite.email} gets a new link; the old link stops working at once.`,
            confirm: 'Resend invite',
            onConfirm: () => resend.mutate({ id: invite.id }),
          })
        }
      >
        Resend
      </Button>
      {invite.status === 'pending' && (
        <Button
          size="xs"
          variant="light"
          color="red"
          loading={revoke.isPending}
          disabled={busy}
          aria-label={`Revoke invite for ${invite.email}`}
          onClick={() =>
            confirmAction({
              title: 'Revoke this invite?',
              body: `The link sent to ${invite.email} stops working at once.`,
              confirm: 'Revoke invite',
              danger: true,
              onConfirm: () => revoke.mutate({ id: invite.id }),
            })
          }
        >
          Revoke
        </Button>
      )}
    </Group>
  );
}
