import { Alert, Button, Center, Group, Skeleton, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { describeError } from '../errors.js';

/** A failed read, in words, with a way to try again. */
export function ErrorState(props: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <Alert color="red" title={props.title ?? 'Could not load this'} role="alert">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{describeError(props.error)}</Text>
        {props.onRetry && (
          <Button size="xs" variant="light" color="red" onClick={props.onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** Nothing to show yet, and what to do next. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <Center py="xl">
      <Stack align="center" gap={6} maw={420}>
        <Text fw={600}>{props.title}</Text>
        {props.children && (
          <Text c="dimmed" size="sm" ta="center">
            {props.children}
          </Text>
        )}
        {props.action && <Group>{props.action}</Group>}
      </Stack>
    </Center>
  );
}

export function TableSkeleton(props: { rows?: number }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label="Loading">
      {Array.from({ length: props.rows ?? 5 }, (_, i) => (
        <Skeleton key={i} height={34} />
      ))}
    </Stack>
  );
}
