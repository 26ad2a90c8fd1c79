import { Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { domainCodeOf } from '../errors.js';
import { useTRPC } from '../trpc.js';
import { AnchorLink } from './links.js';

/** A link to a user, labelled with their email once it is known (a deleted user keeps their id). */
export function UserRef(props: { id: string }) {
  const trpc = useTRPC();
  const user = useQuery(trpc.users.get.queryOptions({ id: props.id }, { staleTime: 60_000 }));
  if (domainCodeOf(user.error) === 'NOT_FOUND') {
    return (
      <Text size="sm" c="dimmed" title={props.id}>
        deleted user
      </Text>
    );
  }
  return (
    <AnchorLink to="/users/$userId" params={{ userId: props.id }} size="sm">
      {user.data?.email ?? props.id}
    </AnchorLink>
  );
}
