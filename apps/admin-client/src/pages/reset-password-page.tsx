import { resetPasswordInput } from '@gatehouse/core/schemas';
import { Alert, Button, PasswordInput, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { AuthCard } from '../components/auth-card.js';
import { AnchorLink, ButtonLink } from '../components/links.js';
import { judgePassword, PasswordStrength } from '../components/password-strength.js';
import { describeError, domainCodeOf } from '../errors.js';
import { useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/reset-password')({ component: ResetPasswordPage });
const route = getRouteApi('/reset-password');

export function ResetPasswordPage() {
  const { token = '' } = route.useSearch();
  const trpc = useTRPC();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());

  if (reset.isSuccess) {
    return (
      <AuthCard title="Password changed">
        <Alert color="teal" role="status">
          Your new password is set, every device that was signed in has been signed out, and your API token
          (if you had one) was revoked.
        </Alert>
        <ButtonLink to="/sign-in">Sign in</ButtonLink>
      </AuthCard>
    );
  }
  const deadLink = domainCodeOf(reset.error) === 'INVALID_TOKEN' || token === '';
  return (
    <AuthCard title="Choose a new password">
      {deadLink ? (
        <Alert color="red" role="alert" title="This link does not work">
          {token === '' ? 'The link has no token.' : describeError(reset.error)} Ask for a new one.
        </Alert>
      ) : (
        <form
          aria-label="Choose a new password"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const reason = judgePassword(password).reason;
            setError(reason);
            if (!reason) reset.mutate(resetPasswordInput.parse({ token, newPassword: password }));
          }}
        >
          <Stack>
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={error}
              aria-describedby="new-password-strength"
            />
            <PasswordStrength password={password} id="new-password-strength" />
            {reset.isError && (
              <Alert color="red" role="alert">
                {describeError(reset.error)}
              </Alert>
            )}
            <Button type="submit" loading={reset.isPending}>
              Set new password
            </Button>
          </Stack>
        </form>
      )}
      <AnchorLink to="/forgot-password" size="sm">
        Request a new link
      </AnchorLink>
    </AuthCard>
  );
}
