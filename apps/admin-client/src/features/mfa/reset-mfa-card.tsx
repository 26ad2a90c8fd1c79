import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { confirmAction } from '../../components/confirm.js';
import { describeError } from '../../errors.js';
import { notifyFailure, notifySuccess } from '../../lib/notify.js';
import { type User, useTRPC } from '../../trpc.js';

/** An admin removes another user's second factors (they lost their device); step-up applies. */
export function ResetMfaCard(props: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(
    trpc.users.resetMfa.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.users.pathFilter());
        notifySuccess(`Second factors of ${props.user.email} removed`);
      },
      onError: (error) => notifyFailure(error, '2FA not reset'),
    }),
  );
  return (
    <Card withBorder component="section" aria-label="Second factors">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Second factors
        </Title>
        <Text size="sm">
          {props.user.mfaEnabled
            ? 'This user signs in with a second factor. If they lost it, reset it: their authenticator app, passkeys and recovery codes are removed and they are signed out everywhere.'
            : 'This user has no second factor.'}
        </Text>
        {reset.isError && (
          <Alert color="red" role="alert" title="2FA not reset">
            {describeError(reset.error)}
          </Alert>
        )}
        {props.user.mfaEnabled && (
          <Group>
            <Button
              color="red"
              variant="light"
              loading={reset.isPending}
              onClick={() =>
                confirmAction({
                  title: 'Reset 2FA?',
                  body: `${props.user.email} loses every second factor and is signed out everywhere. They sign in with their password alone and set up a factor again.`,
                  confirm: 'Reset 2FA',
                  danger: true,
                  onConfirm: () => reset.mutate({ id: props.user.id }),
                })
              }
            >
              Reset 2FA
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
