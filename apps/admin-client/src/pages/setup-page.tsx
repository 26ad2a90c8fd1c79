import { emailSchema } from '@gatehouse/core/schemas';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { z } from 'zod';
import { AuthCard } from '../components/auth-card.js';
import { judgePassword, PasswordStrength } from '../components/password-strength.js';
import { describeError } from '../errors.js';
import { useAfterSignIn } from '../lib/after-sign-in.js';
import { type FieldErrors, validate } from '../lib/form.js';
import { useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/setup')({ component: SetupPage });
const route = getRouteApi('/setup');

const setupForm = z.object({ email: emailSchema, password: z.string() });

/** First run: the one-time link the server printed creates the first admin and signs them in. */
export function SetupPage() {
  const { token = '' } = route.useSearch();
  const trpc = useTRPC();
  const afterSignIn = useAfterSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.setup.createFirstAdmin.mutationOptions({ onSuccess: (result) => afterSignIn(result.user) }),
  );

  return (
    <AuthCard title="Set up Gatehouse" subtitle="Create the first admin. This link works once.">
      <form
        aria-label="Create the first admin"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const input = validate(setupForm, { email, password });
          const weak = judgePassword(password, email).reason;
          setErrors({ ...(input.ok ? {} : input.errors), ...(weak ? { password: weak } : {}) });
          if (input.ok && !weak) create.mutate({ token, ...input.data });
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
            autoComplete="new-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={errors.password}
            aria-describedby="setup-password-strength"
          />
          <PasswordStrength password={password} email={email} id="setup-password-strength" />
          {create.isError && (
            <Alert color="red" role="alert">
              {describeError(create.error)}
            </Alert>
          )}
          <Button type="submit" loading={create.isPending}>
            Create admin
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
