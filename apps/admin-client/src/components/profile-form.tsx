import { updateUserInput } from '@gatehouse/core/schemas';
import { Button, Card, Group, Stack, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { serverFieldErrors } from '../errors.js';
import { type FieldErrors, orNull, validate } from '../lib/form.js';
import { notifyFailure, notifySuccess } from '../lib/notify.js';
import { type User, useTRPC } from '../trpc.js';

/** Name of a user: admins edit anyone's, everyone edits their own. */
export function ProfileForm(props: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [firstName, setFirstName] = useState(props.user.firstName ?? '');
  const [lastName, setLastName] = useState(props.user.lastName ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.users.pathFilter()),
          queryClient.invalidateQueries(trpc.auth.me.pathFilter()),
        ]);
        notifySuccess('Profile saved');
      },
      onError: (error) => {
        setErrors(serverFieldErrors(error));
        notifyFailure(error, 'Profile not saved');
      },
    }),
  );
  const unchanged = orNull(firstName) === props.user.firstName && orNull(lastName) === props.user.lastName;

  return (
    <Card withBorder component="section" aria-label="Profile">
      <form
        aria-label="Profile"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const input = validate(updateUserInput, {
            id: props.user.id,
            firstName: orNull(firstName),
            lastName: orNull(lastName),
          });
          setErrors(input.ok ? {} : input.errors);
          if (input.ok) save.mutate(input.data);
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            Profile
          </Title>
          <Group grow align="flex-start">
            <TextInput
              label="First name"
              autoComplete="given-name"
              value={firstName}
              onChange={(event) => setFirstName(event.currentTarget.value)}
              error={errors.firstName}
            />
            <TextInput
              label="Last name"
              autoComplete="family-name"
              value={lastName}
              onChange={(event) => setLastName(event.currentTarget.value)}
              error={errors.lastName}
            />
          </Group>
          <Group>
            <Button type="submit" loading={save.isPending} disabled={unchanged}>
              Save profile
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
