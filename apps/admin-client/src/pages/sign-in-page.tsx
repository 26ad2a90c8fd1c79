import { loginInput } from '@gatehouse/core/schemas';
import { Alert, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { AuthCard } from '../components/auth-card.js';
import { AnchorLink } from '../components/links.js';
import { describeError } from '../errors.js';
import { type MfaChallenge, PasskeySignInButton, SecondStepForm } from '../features/mfa/second-step.js';
import { useAfterSignIn } from '../lib/after-sign-in.js';
import { type FieldErrors, validate } from '../lib/form.js';
import { useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/sign-in')({ component: SignInPage });
const route = getRouteApi('/sign-in');

export function SignInPage() {
  const { redirect } = route.useSearch();
  const trpc = useTRPC();
  const afterSignIn = useAfterSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  // A fresh install has no admin yet: point at the one-time link the server printed.
  const setup = useQuery(trpc.setup.status.queryOptions());
  // A user with a second factor gets a challenge instead of a session: the second step follows.
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const [restarted, setRestarted] = useState('');
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (result) => (result.mfaRequired ? setChallenge(result) : afterSignIn(result.user, redirect)),
    }),
  );

  if (challenge) {
    return (
      <AuthCard title="Two-step verification" subtitle={email}>
        <SecondStepForm
          challenge={challenge}
          onSignedIn={(user) => afterSignIn(user, redirect)}
          onRestart={(reason) => {
            login.reset();
            setPassword('');
            setRestarted(reason);
            setChallenge(null);
          }}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Sign in" subtitle="Manage the people who run your store.">
      {setup.data?.needsSetup && (
        <Alert color="blue" title="Gatehouse has no admin yet">
          Open the one-time setup link that the server printed when it started (<code>/setup?token=…</code>)
          to create the first admin.
        </Alert>
      )}
      <form
        aria-label="Sign in"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const input = validate(loginInput, { email, password });
          setErrors(input.ok ? {} : input.errors);
          if (input.ok) login.mutate(input.data);
        }}
      >
        <Stack>
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={errors.email}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={errors.password}
          />
          {restarted && !login.isError && (
            <Alert color="orange" role="alert">
              {restarted}
            </Alert>
          )}
          {login.isError && (
            <Alert color="red" role="alert">
              {describeError(login.error)}
            </Alert>
          )}
          <Button type="submit" loading={login.isPending}>
            Sign in
          </Button>
          <PasskeySignInButton onSignedIn={(user) => afterSignIn(user, redirect)} />
          <Group justify="space-between">
            <AnchorLink to="/forgot-password" size="sm">
              Forgot your password?
            </AnchorLink>
          </Group>
        </Stack>
      </form>
    </AuthCard>
  );
}
