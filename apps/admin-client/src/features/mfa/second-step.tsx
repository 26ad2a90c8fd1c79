import type { RouterOutputs } from '@gatehouse/api';
import { mfaCodeSchema } from '@gatehouse/core/schemas';
import { Alert, Button, Divider, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError, domainCodeOf } from '../../errors.js';
import { type User, useTRPC } from '../../trpc.js';
import { describePasskeyError, getPasskey } from './webauthn.js';

type LoginResult = RouterOutputs['auth']['login'];
/** What `auth.login` answers for a user with a second factor. */
export type MfaChallenge = Extract<LoginResult, { mfaRequired: true }>;

/** A failure of a passkey ceremony (browser) or of the call after it (server), in words. */
export const passkeyFailure = (error: unknown) => describePasskeyError(error) ?? describeError(error);

/**
 * The second step of a password sign-in: a code (authenticator app or recovery code) or a passkey.
 * A dead challenge (expired, used up, too many wrong codes) sends the person back to the password.
 */
export function SecondStepForm(props: {
  challenge: MfaChallenge;
  onSignedIn: (user: User) => void;
  onRestart: (reason: string) => void;
}) {
  const trpc = useTRPC();
  const { challenge, methods } = props.challenge;
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const restartOnDeadChallenge = (error: unknown) => {
    if (domainCodeOf(error) === 'INVALID_TOKEN') props.onRestart(describeError(error));
  };
  const verify = useMutation(
    trpc.auth.verifyMfa.mutationOptions({
      onSuccess: (result) => props.onSignedIn(result.user),
      onError: (error) => {
        if (domainCodeOf(error) === 'INVALID_MFA_CODE') setCode('');
        restartOnDeadChallenge(error);
      },
    }),
  );
  const options = useMutation(trpc.auth.passkeyOptions.mutationOptions());
  const withPasskey = useMutation({
    mutationFn: async () => {
      const optionsJSON = await options.mutateAsync({ challenge });
      const passkey = await getPasskey(optionsJSON);
      return verify.mutateAsync({ challenge, passkey });
    },
    onError: restartOnDeadChallenge,
  });
  const pending = verify.isPending || withPasskey.isPending;
  const codeMethods = methods.includes('totp') || methods.includes('recovery');
  const failure = withPasskey.isError
    ? passkeyFailure(withPasskey.error)
    : verify.isError
      ? describeError(verify.error)
      : null;

  return (
    <Stack>
      {codeMethods && (
        <form
          aria-label="Second step"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const parsed = mfaCodeSchema.safeParse(code);
            setFieldError(parsed.success ? undefined : parsed.error.issues[0]?.message);
            if (parsed.success) {
              withPasskey.reset();
              verify.mutate({ challenge, code: parsed.data });
            }
          }}
        >
          <Stack>
            <Text size="sm">
              {methods.includes('totp')
                ? 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.'
                : 'Enter one of your recovery codes.'}
            </Text>
            <TextInput
              label={methods.includes('totp') ? 'Code' : 'Recovery code'}
              autoComplete="one-time-code"
              autoFocus
              spellCheck={false}
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              error={fieldError}
            />
            <Button type="submit" loading={verify.isPending && !withPasskey.isPending} disabled={pending}>
              Verify
            </Button>
          </Stack>
        </form>
      )}
      {failure && (
        <Alert color="red" role="alert">
          {failure}
        </Alert>
      )}
      {methods.includes('passkey') && (
        <>
          {codeMethods && <Divider label="or" labelPosition="center" />}
          <Button
            variant="default"
            loading={withPasskey.isPending}
            disabled={pending}
            onClick={() => {
              verify.reset();
              withPasskey.mutate();
            }}
          >
            Use a passkey
          </Button>
        </>
      )}
      <Group>
        <Button variant="subtle" size="xs" disabled={pending} onClick={() => props.onRestart('')}>
          Back to the password
        </Button>
      </Group>
    </Stack>
  );
}

/** "Sign in with a passkey": no email, no password (the passkey names the account). */
export function PasskeySignInButton(props: { onSignedIn: (user: User) => void }) {
  const trpc = useTRPC();
  const options = useMutation(trpc.auth.passkeyOptions.mutationOptions());
  const login = useMutation(trpc.auth.loginWithPasskey.mutationOptions());
  const signIn = useMutation({
    mutationFn: async () => {
      const optionsJSON = await options.mutateAsync({});
      const passkey = await getPasskey(optionsJSON);
      return login.mutateAsync({ passkey });
    },
    onSuccess: (result) => props.onSignedIn(result.user),
  });
  return (
    <Stack gap="xs">
      <Button variant="default" loading={signIn.isPending} onClick={() => signIn.mutate()}>
        Sign in with a passkey
      </Button>
      {signIn.isError && (
        <Alert color="red" role="alert">
          {passkeyFailure(signIn.error)}
        </Alert>
      )}
    </Stack>
  );
}
