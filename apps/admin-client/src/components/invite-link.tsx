import type { RouterOutputs } from '@gatehouse/api';
import { Alert, Stack, Text } from '@mantine/core';
import { expiryText } from '../lib/relative-time.js';
import { CopyField } from './copy-field.js';

/** What an admin gets back from creating or resending an invite: the link, and whether it was mailed. */
export function InviteLink(props: { result: RouterOutputs['invites']['create'] }) {
  const { invite, acceptUrl, emailSent, reused } = props.result;
  return (
    <Stack gap="sm" aria-live="polite">
      <Alert color={emailSent ? 'teal' : 'blue'} title={emailSent ? 'Invite emailed' : 'Invite not emailed'}>
        <Text size="sm">
          {emailSent
            ? `We emailed the link to ${invite.email}. You can also pass it on yourself.`
            : `No email was sent. Pass this link to ${invite.email} yourself.`}{' '}
          The link {expiryText(invite.expiresAt)} and works once.
          {reused &&
            ' This email already had an open invite: it was renewed, and its earlier link no longer works.'}
        </Text>
      </Alert>
      <CopyField label={`Invite link for ${invite.email}`} value={acceptUrl} />
    </Stack>
  );
}
