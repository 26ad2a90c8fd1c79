import { can, ROLES } from '@gatehouse/core/schemas';
import { Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { NoPasswordBadge, RoleBadge } from '../components/badges.js';
import { CreateUserDialog } from '../components/create-user-dialog.js';
import { AnchorLink } from '../components/links.js';
import { LoadMore } from '../components/load-more.js';
import { EmptyState, ErrorState, TableSkeleton } from '../components/states.js';
import { TableScroll } from '../components/table-scroll.js';
import { MfaBadge } from '../features/mfa/mfa-badge.js';
import { displayName } from '../lib/display-name.js';
import { useMe } from '../lib/me.js';
import { relativeTime } from '../lib/relative-time.js';
import { useUrlSearch } from '../lib/use-url-search.js';
import { useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/_app/users')({ component: UsersPage });
const route = getRouteApi('/_app/users');

const PAGE_SIZE = 25;

export function UsersPage() {
  const me = useMe();
  const trpc = useTRPC();
  const { q, role } = route.useSearch();
  const navigate = route.useNavigate();
  const [search, setSearch] = useUrlSearch('/users', q, (next) =>
    navigate({ search: (prev) => ({ ...prev, q: next }), replace: true }),
  );
  const [creating, createDialog] = useDisclosure(false);
  const users = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(
      { q, role, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const items = users.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(q || role);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Users</Title>
        {can(me, 'users.manage') && <Button onClick={createDialog.open}>Create user</Button>}
      </Group>
      <Group align="flex-end">
        <TextInput
          label="Search"
          placeholder="Email or name"
          type="search"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          style={{ flex: 1, minWidth: 200 }}
        />
        <NativeSelect
          label="Role"
          data={[{ value: '', label: 'All roles' }, ...ROLES]}
          value={role ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            void navigate({ search: (prev) => ({ ...prev, role: ROLES.find((r) => r === value) }) });
          }}
          w={160}
        />
      </Group>
      <section aria-label="Users">
        {users.isPending ? (
          <TableSkeleton />
        ) : users.isError ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={filtered ? 'No users match' : 'No users yet'}
            action={
              filtered ? (
                <Button variant="default" onClick={() => navigate({ search: {} })}>
                  Clear filters
                </Button>
              ) : undefined
            }
          >
            {filtered ? 'Try another search or role.' : 'Create a user or send an invite to get started.'}
          </EmptyState>
        ) : (
          <>
            <TableScroll label="Users table" minWidth={320}>
              <Table highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>User</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th visibleFrom="sm">Last sign-in</Table.Th>
                    <Table.Th visibleFrom="sm">Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((user) => (
                    <Table.Tr key={user.id}>
                      <Table.Td>
                        <AnchorLink to="/users/$userId" params={{ userId: user.id }} fw={500}>
                          {displayName(user)}
                        </AnchorLink>
                        <Group gap={6}>
                          <Text size="sm" c="dimmed">
                            {user.email}
                          </Text>
                          {!user.hasPassword && <NoPasswordBadge />}
                          {user.mfaEnabled && <MfaBadge />}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <RoleBadge role={user.role} />
                      </Table.Td>
                      <Table.Td visibleFrom="sm">
                        {user.lastLoginAt ? relativeTime(user.lastLoginAt) : 'never'}
                      </Table.Td>
                      <Table.Td visibleFrom="sm">{relativeTime(user.createdAt)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
            <LoadMore query={users} noun="users" />
          </>
        )}
      </section>
      <CreateUserDialog opened={creating} onClose={createDialog.close} />
    </Stack>
  );
}
