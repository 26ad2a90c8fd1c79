import { createUserInput, ROLES, type Role } from '@gatehouse/core/schemas';
import {
  Alert,
  Button,
  Group,
  Modal,
  NativeSelect,
  PasswordInput,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError, serverFieldErrors } from '../errors.js';
import { type FieldErrors, orNull, validate } from '../lib/form.js';
import { notifySuccess } from '../lib/notify.js';
import { useTRPC } from '../trpc.js';
import { judgePassword, PasswordStrength } from './password-strength.js';

/** Admins create a user directly, with a password or without one (they then sign in after a reset). */
export function CreateUserDialog(props: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Create user">
      {/* Mounted only while open, so every opening starts with an empty form. */}
      {props.opened && <CreateUserForm onDone={props.onClose} />}
    </Modal>
  );
}

export function CreateUserForm(props: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [withPassword, setWithPassword] = useState(true);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async (user) => {
        await queryClient.invalidateQueries(trpc.users.pathFilter());
        notifySuccess(`Created ${user.email}`);
        props.onDone();
      },
      onError: (error) => setErrors(serverFieldErrors(error)),
    }),
  );

  return (
    <form
      aria-label="Create user"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const input = validate(createUserInput, {
          email,
          firstName: orNull(firstName),
          lastName: orNull(lastName),
          role,
          ...(withPassword ? { password } : {}),
        });
        const weak = withPassword ? judgePassword(password, email).reason : null;
        setErrors({ ...(input.ok ? {} : input.errors), ...(weak ? { password: weak } : {}) });
        if (input.ok && !weak) create.mutate(input.data);
      }}
    >
      <Stack>
        <TextInput
          label="Email"
          type="email"
          required
          data-autofocus
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={errors.email}
        />
        <Group grow>
          <TextInput
            label="First name"
            value={firstName}
            onChange={(event) => setFirstName(event.currentTarget.value)}
            error={errors.firstName}
          />
          <TextInput
            label="Last name"
            value={lastName}
            onChange={(event) => setLastName(event.currentTarget.value)}
            error={errors.lastName}
          />
        </Group>
        <NativeSelect
          label="Role"
          data={[...ROLES]}
          value={role}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setRole(ROLES.find((r) => r === value) ?? 'member');
          }}
        />
        <Switch
          label="Set a password now"
          description="Without one, the user sets their own through “Forgot your password?”."
          checked={withPassword}
          onChange={(event) => setWithPassword(event.currentTarget.checked)}
        />
        {withPassword && (
          <>
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={errors.password}
              aria-describedby="create-user-password-strength"
            />
            <PasswordStrength password={password} email={email} id="create-user-password-strength" />
          </>
        )}
        {create.isError && (
          <Alert color="red" role="alert">
            {describeError(create.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
