import type { Role } from '@gatehouse/core/schemas';
import { Alert, Button, Group, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { AuthCard } from '../components/auth-card.js';
import { RoleBadge } from '../components/badges.js';
import { ButtonLink } from '../components/links.js';
import { judgePassword, PasswordStrength } from '../components/password-strength.js';
import { ErrorState } from '../components/states.js';
import { describeError, domainCodeOf } from '../errors.js';
import { useAfterSignIn } from '../lib/after-sign-in.js';
import { orNull } from '../lib/form.js';
import { dateTime, relativeTime } from '../lib/relative-time.js';
import { useTRPC } from '../trpc.js';

export const Route = createLazyRoute('/accept-invite')({ component: AcceptInvitePage });
const route = getRouteApi('/accept-invite');

const SIGN_IN = { to: '/sign-in' } as const;

/** Previewing reads only (mail scanners may open the link); only the form accepts the invite. */
export function AcceptInvitePage() {
  const { token = '' } = route.useSearch();
  const trpc = useTRPC();
  const preview = useQuery(trpc.invites.preview.queryOptions({ token }, { enabled: token !== '' }));

  if (token === '' || domainCodeOf(preview.error) === 'INVALID_TOKEN') {
    return (
      <AuthCard title="This invite link does not work">
        <Alert color="red" role="alert">
          This invite link is invalid or has been replaced by a newer one. If an admin resent your invite, use
          the link in the newest email, or ask them for a new one.
        </Alert>
        <ButtonLink {...SIGN_IN} variant="default">
          Go to sign in
        </ButtonLink>
      </AuthCard>
    );
  }
  if (preview.isPending) {
    return (
      <AuthCard title="Accept your invitation">
        <Group>
          <Loader size="sm" aria-label="Loading" />
          <Text>Checking your invite…</Text>
        </Group>
      </AuthCard>
    );
  }
  if (preview.isError) {
    return (
      <AuthCard title="Accept your invitation">
        <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
      </AuthCard>
    );
  }

  const invite = preview.data;
  switch (invite.status) {
    case 'accepted':
      return (
        <AuthCard title="Invite already accepted">
          <Text>This invite for {invite.email} has already been accepted. Sign in with that account.</Text>
          <ButtonLink {...SIGN_IN}>Go to sign in</ButtonLink>
        </AuthCard>
      );
    case 'revoked':
      return (
        <AuthCard title="Invite revoked">
          <Text>
            An admin revoked this invite for {invite.email}. Ask them for a new one if you still need access.
          </Text>
        </AuthCard>
      );
    case 'expired':
      return (
        <AuthCard title="Invite expired">
          <Text>
            This invite for {invite.email} expired {relativeTime(invite.expiresAt)}. Ask an admin to resend
            it.
          </Text>
        </AuthCard>
      );
    case 'pending':
      return (
        <AcceptForm token={token} email={invite.email} role={invite.role} expiresAt={invite.expiresAt} />
      );
  }
}

function AcceptForm(props: { token: string; email: string; role: Role; expiresAt: string }) {
  const trpc = useTRPC();
  const afterSignIn = useAfterSignIn();
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const accept = useMutation(
    trpc.invites.accept.mutationOptions({ onSuccess: (result) => afterSignIn(result.user) }),
  );

  return (
    <AuthCard
      title="Accept your invitation"
      subtitle={
        <>
          You are invited to join as <RoleBadge role={props.role} />. The invite expires{' '}
          <time dateTime={props.expiresAt} title={dateTime(props.expiresAt)}>
            {relativeTime(props.expiresAt)}
          </time>
          .
        </>
      }
    >
      <form
        aria-label="Accept invite"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const reason = judgePassword(password, props.email).reason;
          setPasswordError(reason);
          if (reason) return;
          accept.mutate({
            token: props.token,
            password,
            firstName: orNull(firstName),
            lastName: orNull(lastName),
          });
        }}
      >
        <Stack>
          <TextInput
            label="Email"
            value={props.email}
            readOnly
            description="Invites are bound to this address."
          />
          <Group grow>
            <TextInput
              label="First name"
              autoComplete="given-name"
              value={firstName}
              onChange={(event) => setFirstName(event.currentTarget.value)}
            />
            <TextInput
              label="Last name"
              autoComplete="family-name"
              value={lastName}
              onChange={(event) => setLastName(event.currentTarget.value)}
            />
          </Group>
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={passwordError}
            aria-describedby="invite-password-strength"
          />
          <PasswordStrength password={password} email={props.email} id="invite-password-strength" />
          {accept.isError && (
            <Alert color="red" role="alert">
              {describeError(accept.error)}
            </Alert>
          )}
          <Button type="submit" loading={accept.isPending}>
            Accept and sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
