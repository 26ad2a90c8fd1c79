import { requestPasswordResetInput } from '@gatehouse/core/schemas';
import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { AuthCard } from '../components/auth-card.js';
import { AnchorLink } from '../components/links.js';
import { describeError } from '../errors.js';
import { type FieldErrors, validate } from '../lib/form.js';
import { useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/forgot-password')({ component: ForgotPasswordPage });

export function ForgotPasswordPage() {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());

  return (
    <AuthCard title="Forgot your password?" subtitle="We will email you a link to choose a new one.">
      {request.isSuccess ? (
        <Alert color="teal" role="status" title="Check your email">
          If an account exists for {email}, a reset link is on its way. It works for one hour.
        </Alert>
      ) : (
        <form
          aria-label="Request a password reset"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const input = validate(requestPasswordResetInput, { email });
            setErrors(input.ok ? {} : input.errors);
            if (input.ok) request.mutate(input.data);
          }}
        >
          <Stack>
            <TextInput
              label="Email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={errors.email}
            />
            {request.isError && (
              <Alert color="red" role="alert">
                {describeError(request.error)}
              </Alert>
            )}
            <Button type="submit" loading={request.isPending}>
              Send reset link
            </Button>
          </Stack>
        </form>
      )}
      <AnchorLink to="/sign-in" size="sm">
        Back to sign in
      </AnchorLink>
    </AuthCard>
  );
}
