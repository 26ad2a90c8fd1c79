import { Button, Group, Text } from '@mantine/core';

/** What LoadMore reads of an infinite list query (users, invites, audit events). */
interface PagedQuery {
  data?: { pages: readonly { items: readonly unknown[]; total?: number; totalCapped?: boolean }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/**
 * Cursor paging: what is shown out of how many (the first page's total, where the list has one),
 * and the next page on request.
 */
export function LoadMore({ query, noun }: { query: PagedQuery; noun: string }) {
  const pages = query.data?.pages ?? [];
  const shown = pages.reduce((sum, page) => sum + page.items.length, 0);
  const first = pages[0];
  const total = first?.total === undefined ? '' : ` of ${first.total}${first.totalCapped ? '+' : ''}`;
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" aria-live="polite">
        Showing {shown}
        {total} {noun}
      </Text>
      {query.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void query.fetchNextPage()}
          loading={query.isFetchingNextPage}
        >
          Load more
        </Button>
      )}
    </Group>
  );
}
