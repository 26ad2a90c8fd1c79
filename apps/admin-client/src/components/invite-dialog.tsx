import { createInviteInput, ROLES, type Role } from '@gatehouse/core/schemas';
import { Alert, Button, Group, Modal, NativeSelect, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError, domainCodeOf, serverFieldErrors } from '../errors.js';
import { type FieldErrors, validate } from '../lib/form.js';
import { notifySuccess } from '../lib/notify.js';
import { useTRPC } from '../trpc.js';
import { InviteLink } from './invite-link.js';
import { AnchorLink } from './links.js';

export function InviteDialog(props: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Invite a user">
      {props.opened && <InviteForm onDone={props.onClose} />}
    </Modal>
  );
}

/** Email, role and whether to mail the link; then the link itself, to copy and pass on. */
export function InviteForm(props: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [sendEmail, setSendEmail] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.invites.create.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.invites.pathFilter());
        notifySuccess(`Invited ${result.invite.email}`);
      },
      onError: (error) => setErrors(serverFieldErrors(error)),
    }),
  );

  if (create.data) {
    return (
      <Stack>
        <InviteLink result={create.data} />
        <Group justify="flex-end">
          <Button onClick={props.onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form
      aria-label="Invite a user"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const input = validate(createInviteInput, { email, role, sendEmail });
        setErrors(input.ok ? {} : input.errors);
        if (input.ok) create.mutate(input.data);
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
          label="Email the invite link"
          description="Either way, you get the link to copy."
          checked={sendEmail}
          onChange={(event) => setSendEmail(event.currentTarget.checked)}
        />
        {create.isError &&
          (domainCodeOf(create.error) === 'EMAIL_TAKEN' ? (
            <Alert color="yellow" role="alert" title="Already a user">
              <Text size="sm">
                {describeError(create.error)}{' '}
                <AnchorLink to="/users" search={{ q: email.trim().toLowerCase(), role: undefined }}>
                  Show this user
                </AnchorLink>
              </Text>
            </Alert>
          ) : (
            <Alert color="red" role="alert">
              {describeError(create.error)}
            </Alert>
          ))}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Send invite
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
