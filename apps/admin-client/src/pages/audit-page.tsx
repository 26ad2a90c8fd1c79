import { AUDIT_ACTIONS } from '@gatehouse/core/schemas';
import { Badge, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { LoadMore } from '../components/load-more.js';
import { EmptyState, ErrorState, TableSkeleton } from '../components/states.js';
import { TableScroll } from '../components/table-scroll.js';
import { UserRef } from '../components/user-ref.js';
import { dateTime, relativeTime } from '../lib/relative-time.js';
import { useUrlSearch } from '../lib/use-url-search.js';
import { type AuditEvent, useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/_app/audit')({ component: AuditPage });
const route = getRouteApi('/_app/audit');

const PAGE_SIZE = 50;

export function AuditPage() {
  const trpc = useTRPC();
  const { action, actorId } = route.useSearch();
  const navigate = route.useNavigate();
  const [actor, setActor] = useUrlSearch('/audit', actorId, (next) =>
    navigate({ search: (prev) => ({ ...prev, actorId: next }), replace: true }),
  );
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { action, actorId, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(action || actorId);

  return (
    <Stack>
      <Title order={2}>Audit log</Title>
      <Group align="flex-end">
        <NativeSelect
          label="Action"
          data={[{ value: '', label: 'Any action' }, ...AUDIT_ACTIONS]}
          value={action ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            void navigate({
              search: (prev) => ({ ...prev, action: AUDIT_ACTIONS.find((a) => a === value) }),
            });
          }}
          w={240}
        />
        <TextInput
          label="Actor ID"
          placeholder="usr_…"
          value={actor}
          onChange={(event) => setActor(event.currentTarget.value)}
          w={280}
        />
      </Group>
      <section aria-label="Audit events">
        {events.isPending ? (
          <TableSkeleton />
        ) : events.isError ? (
          <ErrorState error={events.error} onRetry={() => void events.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={filtered ? 'No events match' : 'No events yet'}
            action={
              filtered ? (
                <Button variant="default" onClick={() => navigate({ search: {} })}>
                  Clear filters
                </Button>
              ) : undefined
            }
          >
            {filtered
              ? 'Try another action or actor.'
              : 'Sign-ins and every change to users and invites show here.'}
          </EmptyState>
        ) : (
          <>
            <TableScroll label="Audit events table" minWidth={760}>
              <Table verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Actor</Table.Th>
                    <Table.Th>Target</Table.Th>
                    <Table.Th>IP</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((event) => (
                    <Table.Tr key={event.id}>
                      <Table.Td>
                        <Text size="sm" title={dateTime(event.createdAt)}>
                          {relativeTime(event.createdAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={event.action.includes('fail') ? 'red' : 'gray'}>
                          {event.action}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {event.actorId ? (
                          <Group gap={4} wrap="nowrap">
                            <UserRef id={event.actorId} />
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              aria-label={`Filter by actor ${event.actorId}`}
                              onClick={() => setActor(event.actorId ?? '')}
                            >
                              Filter
                            </Button>
                          </Group>
                        ) : (
                          <Text size="sm" c="dimmed">
                            system
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Target event={event} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {event.ip ?? '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableScroll>
            <LoadMore query={events} noun="events" />
          </>
        )}
      </section>
    </Stack>
  );
}

function Target(props: { event: AuditEvent }) {
  const { targetType, targetId } = props.event;
  if (!targetId) return <Text size="sm">—</Text>;
  if (targetType === 'user') return <UserRef id={targetId} />;
  return (
    <Text size="sm" c="dimmed" title={targetId}>
      {targetType ?? 'target'} {targetId}
    </Text>
  );
}
