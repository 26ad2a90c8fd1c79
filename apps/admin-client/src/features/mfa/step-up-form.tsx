import { mfaCodeSchema } from '@gatehouse/core/schemas';
import { Alert, Button, Divider, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../../errors.js';
import { useTRPC } from '../../trpc.js';
import { passkeyFailure } from './second-step.js';
import { getPasskey } from './webauthn.js';

/** A code or a passkey for `auth.stepUp`; `onDone(true)` once it succeeded. */
export default function StepUpForm(props: { onDone: (ok: boolean) => void }) {
  const trpc = useTRPC();
  // The passkey button only for someone who has one (shown until the answer comes).
  const status = useQuery(trpc.mfa.status.queryOptions());
  const hasPasskey = status.data ? status.data.passkeys.length > 0 : true;
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const stepUp = useMutation(
    trpc.auth.stepUp.mutationOptions({
      onSuccess: () => props.onDone(true),
      onError: () => setCode(''),
    }),
  );
  const options = useMutation(trpc.auth.passkeyOptions.mutationOptions());
  const withPasskey = useMutation({
    mutationFn: async () => {
      const passkey = await getPasskey(await options.mutateAsync({}));
      return stepUp.mutateAsync({ passkey });
    },
  });
  const pending = stepUp.isPending || withPasskey.isPending;
  const failure = withPasskey.isError
    ? passkeyFailure(withPasskey.error)
    : stepUp.isError
      ? describeError(stepUp.error)
      : null;
  return (
    <form
      aria-label="Confirm it is you"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = mfaCodeSchema.safeParse(code);
        setFieldError(parsed.success ? undefined : parsed.error.issues[0]?.message);
        if (parsed.success) {
          withPasskey.reset();
          stepUp.mutate({ code: parsed.data });
        }
      }}
    >
      <Stack>
        <Text size="sm">
          This action needs a fresh check of your second factor. Enter a code from your authenticator app (or
          a recovery code), or use a passkey.
        </Text>
        <TextInput
          label="Code"
          autoComplete="one-time-code"
          data-autofocus
          spellCheck={false}
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          error={fieldError}
        />
        {failure && (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        )}
        <Button type="submit" loading={stepUp.isPending && !withPasskey.isPending} disabled={pending}>
          Confirm
        </Button>
        {hasPasskey && (
          <>
            <Divider label="or" labelPosition="center" />
            <Button
              variant="default"
              loading={withPasskey.isPending}
              disabled={pending}
              onClick={() => {
                stepUp.reset();
                withPasskey.mutate();
              }}
            >
              Use a passkey
            </Button>
          </>
        )}
        <Group justify="flex-end">
          <Button variant="subtle" disabled={pending} onClick={() => props.onDone(false)}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
