import { Alert, Button, Center, Container, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect } from 'react';
import { ErrorState } from '../../components/states.js';
import { notifyFailure } from '../../lib/notify.js';
import { type User, useTRPC } from '../../trpc.js';
import { RecoveryCodesPanel } from './recovery-codes.js';
import { SecurityCards } from './security-cards.js';

/** Only enrolment, and sign out: nothing else answers until a factor exists. */
export default function ForcedEnrolment(props: {
  user: User;
  codes: string[] | null;
  onRecoveryCodes: (codes: string[]) => void;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  // Asked afresh: a stale answer must not let the app through, nor keep it shut.
  const status = useQuery({ ...trpc.mfa.status.queryOptions(), refetchOnMount: 'always' });
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        await navigate({ to: '/sign-in' });
      },
      onError: (error) => notifyFailure(error, 'Could not sign out'),
    }),
  );
  const enrolled = Boolean(status.data && (status.data.totp || status.data.passkeys.length > 0));
  const needed = status.data ? status.data.required && !enrolled : true;
  const { onDone, codes } = props;
  useEffect(() => {
    // Nothing to enrol (already done, or not required): back to the app, unless codes are on screen.
    if (status.isFetchedAfterMount && !status.isFetching && !needed && !codes) onDone();
  }, [status.isFetchedAfterMount, status.isFetching, needed, codes, onDone]);
  return (
    <Container component="main" size="sm" py="xl">
      <Stack>
        <Group justify="space-between">
          <Text size="sm" c="dimmed" fw={600}>
            Gatehouse
          </Text>
          <Button variant="default" size="xs" loading={logout.isPending} onClick={() => logout.mutate()}>
            Sign out
          </Button>
        </Group>
        <Title order={1} size="h2">
          Set up a second factor
        </Title>
        <Text>
          Your role ({props.user.role}) requires a second factor for {props.user.email}. Add an authenticator
          app or a passkey to continue.
        </Text>
        {props.codes && <RecoveryCodesPanel codes={props.codes} onDone={props.onDone} />}
        {status.isPending ? (
          <Center py="xl">
            <Loader aria-label="Loading" />
          </Center>
        ) : status.isError ? (
          <ErrorState error={status.error} onRetry={() => void status.refetch()} />
        ) : enrolled ? (
          !props.codes && (
            <Alert color="teal" title="Second factor set up">
              <Button mt="sm" onClick={props.onDone}>
                Continue
              </Button>
            </Alert>
          )
        ) : (
          <SecurityCards status={status.data} enrolOnly onRecoveryCodes={props.onRecoveryCodes} />
        )}
      </Stack>
    </Container>
  );
}
