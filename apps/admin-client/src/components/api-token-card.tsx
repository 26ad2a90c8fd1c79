import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../errors.js';
import { notifyFailure, notifySuccess } from '../lib/notify.js';
import { type User, useTRPC } from '../trpc.js';
import { confirmAction } from './confirm.js';
import { CopyField } from './copy-field.js';

/**
 * A user's personal API token: generate (the secret is shown once, here), or revoke. `self` is
 * the caller's own; admins manage other users' tokens with the same card.
 */
export function ApiTokenCard(props: { user: User; self: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = props.self ? {} : { userId: props.user.id };
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.users.pathFilter()),
      queryClient.invalidateQueries(trpc.auth.me.pathFilter()),
    ]);
  const generate = useMutation(
    trpc.apiToken.generate.mutationOptions({
      onSuccess: async () => {
        await refresh();
        notifySuccess('New API token generated');
      },
    }),
  );
  const revoke = useMutation(
    trpc.apiToken.revoke.mutationOptions({
      onSuccess: async () => {
        generate.reset();
        await refresh();
        notifySuccess('API token revoked');
      },
      onError: (error) => notifyFailure(error, 'Could not revoke the token'),
    }),
  );
  const prefix = props.user.apiTokenPrefix;
  const whose = props.self ? 'your' : 'this user’s';

  return (
    <Card withBorder component="section" aria-label="API token">
      <Stack gap="sm">
        <Title order={3} size="h4">
          API token
        </Title>
        <Text size="sm" c="dimmed">
          Scripts and integrations send it as <code>Authorization: Bearer …</code> and act as{' '}
          {props.self ? 'you' : 'this user'}.
        </Text>
        {generate.data ? (
          <Alert color="teal" title="Copy the token now">
            <Stack gap="xs">
              <Text size="sm">
                It is shown only once. Gatehouse keeps only a hash and cannot show it again.
              </Text>
              <CopyField label="New API token" value={generate.data.token} />
            </Stack>
          </Alert>
        ) : (
          <Text size="sm">
            {prefix ? (
              <>
                Current token starts with <code>{prefix}</code>.
              </>
            ) : (
              `No API token. Generate one to use the API ${props.self ? 'yourself' : 'as this user'}.`
            )}
          </Text>
        )}
        {generate.isError && (
          <Alert color="red" role="alert">
            {describeError(generate.error)}
          </Alert>
        )}
        <Group>
          <Button
            loading={generate.isPending}
            disabled={revoke.isPending}
            onClick={() =>
              prefix
                ? confirmAction({
                    title: 'Replace the API token?',
                    body: 'The current token stops working at once.',
                    confirm: 'Generate new token',
                    onConfirm: () => generate.mutate(input),
                  })
                : generate.mutate(input)
            }
          >
            {prefix ? 'Generate new token' : 'Generate token'}
          </Button>
          {prefix && (
            <Button
              variant="default"
              color="red"
              loading={revoke.isPending}
              disabled={generate.isPending}
              onClick={() =>
                confirmAction({
                  title: 'Revoke the API token?',
                  body: `Anything that uses ${whose} token stops working at once.`,
                  confirm: 'Revoke token',
                  danger: true,
                  onConfirm: () => revoke.mutate(input),
                })
              }
            >
              Revoke token
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
