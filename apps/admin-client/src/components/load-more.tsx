import { Button, Group, Text } from '@mantine/core';

/** Cursor paging: what is shown out of how many, and the next page on request. */
export function LoadMore(props: {
  shown: number;
  total?: number;
  totalCapped?: boolean;
  noun: string;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
}) {
  const total = props.total === undefined ? '' : ` of ${props.total}${props.totalCapped ? '+' : ''}`;
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" aria-live="polite">
        Showing {props.shown}
        {total} {props.noun}
      </Text>
      {props.hasNextPage && (
        <Button variant="default" onClick={props.fetchNextPage} loading={props.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Group>
  );
}
