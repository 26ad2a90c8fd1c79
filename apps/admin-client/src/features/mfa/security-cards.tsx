import type { RouterOutputs } from '@gatehouse/api';
import { mfaCodeSchema } from '@gatehouse/core/schemas';
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { confirmAction } from '../../components/confirm.js';
import { CopyField } from '../../components/copy-field.js';
import { TableScroll } from '../../components/table-scroll.js';
import { describeError } from '../../errors.js';
import { notifyFailure, notifySuccess } from '../../lib/notify.js';
import { dateTime, relativeTime } from '../../lib/relative-time.js';
import { useTRPC } from '../../trpc.js';
import { passkeyFailure } from './second-step.js';
import { createPasskey } from './webauthn.js';

export type MfaStatus = RouterOutputs['mfa']['status'];
type Passkey = MfaStatus['passkeys'][number];

// The QR code library is loaded only when someone sets up an authenticator app.
const QRCodeSVG = lazy(() => import('qrcode.react').then((m) => ({ default: m.QRCodeSVG })));

/** After any change of factors: the status, and `mfaEnabled` of the signed-in user and user lists. */
function useRefreshFactors() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.mfa.status.pathFilter()),
      queryClient.invalidateQueries(trpc.auth.me.pathFilter()),
      queryClient.invalidateQueries(trpc.users.pathFilter()),
    ]);
}

/**
 * The caller's second factors. `enrolOnly` (forced enrolment) offers adding a factor only: the
 * server refuses everything else until one exists.
 */
export function SecurityCards(props: {
  status: MfaStatus;
  enrolOnly?: boolean;
  onRecoveryCodes: (codes: string[]) => void;
}) {
  const { status } = props;
  const hasFactor = status.totp || status.passkeys.length > 0;
  return (
    <Stack>
      <TotpCard enabled={status.totp} enrolOnly={props.enrolOnly} onRecoveryCodes={props.onRecoveryCodes} />
      <PasskeysCard
        passkeys={status.passkeys}
        enrolOnly={props.enrolOnly}
        onRecoveryCodes={props.onRecoveryCodes}
      />
      {hasFactor && !props.enrolOnly && (
        <RecoveryCodesCard left={status.recoveryCodesLeft} onRecoveryCodes={props.onRecoveryCodes} />
      )}
    </Stack>
  );
}

function TotpCard(props: {
  enabled: boolean;
  enrolOnly?: boolean;
  onRecoveryCodes: (codes: string[]) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshFactors();
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const start = useMutation(trpc.mfa.totp.start.mutationOptions());
  const confirm = useMutation(
    trpc.mfa.totp.confirm.mutationOptions({
      onSuccess: async (result) => {
        setCode('');
        start.reset();
        if (result.recoveryCodes.length > 0) props.onRecoveryCodes(result.recoveryCodes);
        await refresh();
        notifySuccess('Authenticator app set up');
      },
    }),
  );
  const disable = useMutation(
    trpc.mfa.totp.disable.mutationOptions({
      onSuccess: async () => {
        await refresh();
        notifySuccess('Authenticator app removed');
      },
      onError: (error) => notifyFailure(error, 'Authenticator app not removed'),
    }),
  );

  return (
    <Card withBorder component="section" aria-label="Authenticator app">
      <Stack gap="sm">
        <Group gap="sm">
          <Title order={3} size="h4">
            Authenticator app
          </Title>
          {props.enabled && (
            <Badge color="teal" variant="light">
              on
            </Badge>
          )}
        </Group>
        {props.enabled ? (
          <>
            <Text size="sm">Sign-ins ask for a 6-digit code from your authenticator app.</Text>
            {!props.enrolOnly && (
              <Group>
                <Button
                  color="red"
                  variant="light"
                  loading={disable.isPending}
                  onClick={() =>
                    confirmAction({
                      title: 'Remove the authenticator app?',
                      body: 'Its codes stop working. Without another factor, your recovery codes go too.',
                      confirm: 'Remove',
                      danger: true,
                      onConfirm: () => disable.mutate(),
                    })
                  }
                >
                  Remove authenticator app
                </Button>
              </Group>
            )}
          </>
        ) : start.data ? (
          <form
            aria-label="Set up an authenticator app"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              const parsed = mfaCodeSchema.safeParse(code);
              setFieldError(parsed.success ? undefined : parsed.error.issues[0]?.message);
              if (parsed.success) confirm.mutate({ code: parsed.data });
            }}
          >
            <Stack gap="sm">
              <Text size="sm">
                Scan this QR code with your authenticator app (or type the key below), then enter the code it
                shows.
              </Text>
              <Suspense fallback={<Skeleton width={184} height={184} />}>
                <QRCodeSVG
                  value={start.data.otpauthUrl}
                  size={184}
                  marginSize={2}
                  role="img"
                  aria-label="QR code for your authenticator app"
                />
              </Suspense>
              <CopyField
                label="Setup key"
                value={start.data.secret}
                description="Base32, time-based, 6 digits"
              />
              <TextInput
                label="Code from the app"
                autoComplete="one-time-code"
                inputMode="numeric"
                spellCheck={false}
                value={code}
                onChange={(event) => setCode(event.currentTarget.value)}
                error={fieldError}
              />
              {confirm.isError && (
                <Alert color="red" role="alert">
                  {describeError(confirm.error)}
                </Alert>
              )}
              <Group>
                <Button type="submit" loading={confirm.isPending}>
                  Turn on
                </Button>
                <Button variant="subtle" disabled={confirm.isPending} onClick={() => start.reset()}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <>
            <Text size="sm">
              Use an app such as 1Password, Google Authenticator or Aegis for a code at every sign-in.
            </Text>
            {start.isError && (
              <Alert color="red" role="alert">
                {describeError(start.error)}
              </Alert>
            )}
            <Group>
              <Button loading={start.isPending} onClick={() => start.mutate()}>
                Set up authenticator app
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}

function PasskeysCard(props: {
  passkeys: Passkey[];
  enrolOnly?: boolean;
  onRecoveryCodes: (codes: string[]) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshFactors();
  const [name, setName] = useState('');
  const options = useMutation(trpc.mfa.passkeys.registrationOptions.mutationOptions());
  const register = useMutation(trpc.mfa.passkeys.register.mutationOptions());
  const add = useMutation({
    mutationFn: async (passkeyName: string) => {
      const passkey = await createPasskey(await options.mutateAsync());
      return register.mutateAsync({ name: passkeyName, passkey });
    },
    onSuccess: async (created) => {
      setName('');
      if (created.recoveryCodes.length > 0) props.onRecoveryCodes(created.recoveryCodes);
      await refresh();
      notifySuccess(`Passkey "${created.name}" added`);
    },
  });

  return (
    <Card withBorder component="section" aria-label="Passkeys">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Passkeys
        </Title>
        <Text size="sm">
          A passkey on this device or a security key: sign in without a password, or use it as the second
          step.
        </Text>
        {props.passkeys.length > 0 && (
          <TableScroll label="Passkeys table" minWidth={520}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Added</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  {!props.enrolOnly && (
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {props.passkeys.map((passkey) => (
                  <PasskeyRow key={passkey.id} passkey={passkey} enrolOnly={props.enrolOnly} />
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
        )}
        <form
          aria-label="Add a passkey"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate(name.trim() || 'Passkey');
          }}
        >
          <Group align="flex-end">
            <TextInput
              label="Passkey name"
              placeholder="e.g. Work laptop"
              value={name}
              maxLength={100}
              onChange={(event) => setName(event.currentTarget.value)}
            />
            <Button type="submit" loading={add.isPending}>
              Add passkey
            </Button>
          </Group>
        </form>
        {add.isError && (
          <Alert color="red" role="alert" title="Passkey not added">
            {passkeyFailure(add.error)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

function PasskeyRow(props: { passkey: Passkey; enrolOnly?: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefreshFactors();
  const { passkey } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(passkey.name);
  const rename = useMutation(
    trpc.mfa.passkeys.rename.mutationOptions({
      onSuccess: async () => {
        setRenaming(false);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.mfa.passkeys.remove.mutationOptions({
      onSuccess: async () => {
        await refresh();
        notifySuccess(`Passkey "${passkey.name}" removed`);
      },
      onError: (error) => notifyFailure(error, 'Passkey not removed'),
    }),
  );
  return (
    <Table.Tr>
      <Table.Td>{passkey.name}</Table.Td>
      <Table.Td title={dateTime(passkey.createdAt)}>{relativeTime(passkey.createdAt)}</Table.Td>
      <Table.Td title={passkey.lastUsedAt ? dateTime(passkey.lastUsedAt) : undefined}>
        {passkey.lastUsedAt ? relativeTime(passkey.lastUsedAt) : 'never'}
      </Table.Td>
      {!props.enrolOnly && (
        <Table.Td>
          <Group gap="xs" wrap="nowrap" justify="flex-end">
            <Button
              size="xs"
              variant="default"
              aria-label={`Rename passkey ${passkey.name}`}
              onClick={() => {
                setName(passkey.name);
                rename.reset();
                setRenaming(true);
              }}
            >
              Rename
            </Button>
            <Button
              size="xs"
              color="red"
              variant="light"
              loading={remove.isPending}
              aria-label={`Remove passkey ${passkey.name}`}
              onClick={() =>
                confirmAction({
                  title: 'Remove this passkey?',
                  body: `"${passkey.name}" stops working for this account.`,
                  confirm: 'Remove',
                  danger: true,
                  onConfirm: () => remove.mutate({ id: passkey.id }),
                })
              }
            >
              Remove
            </Button>
          </Group>
          <Modal opened={renaming} onClose={() => setRenaming(false)} title="Rename passkey" centered>
            <form
              aria-label="Rename passkey"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                rename.mutate({ id: passkey.id, name });
              }}
            >
              <Stack>
                <TextInput
                  label="Name"
                  data-autofocus
                  value={name}
                  maxLength={100}
                  onChange={(event) => setName(event.currentTarget.value)}
                />
                {rename.isError && (
                  <Alert color="red" role="alert">
                    {describeError(rename.error)}
                  </Alert>
                )}
                <Group justify="flex-end">
                  <Button variant="subtle" disabled={rename.isPending} onClick={() => setRenaming(false)}>
                    Cancel
                  </Button>
                  <Button type="submit" loading={rename.isPending}>
                    Save
                  </Button>
                </Group>
              </Stack>
            </form>
          </Modal>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function RecoveryCodesCard(props: { left: number; onRecoveryCodes: (codes: string[]) => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshFactors();
  const regenerate = useMutation(
    trpc.mfa.recoveryCodes.regenerate.mutationOptions({
      onSuccess: async (result) => {
        props.onRecoveryCodes(result.recoveryCodes);
        await refresh();
      },
      onError: (error) => notifyFailure(error, 'Recovery codes not replaced'),
    }),
  );
  return (
    <Card withBorder component="section" aria-label="Recovery codes">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Recovery codes
        </Title>
        <Text size="sm">
          {props.left === 1 ? '1 recovery code left.' : `${props.left} recovery codes left.`} Each one signs
          you in once when your authenticator app or passkey is out of reach.
        </Text>
        {props.left <= 3 && (
          <Text size="sm" c="orange">
            Running low: make a new set.
          </Text>
        )}
        <Group>
          <Button
            variant="default"
            loading={regenerate.isPending}
            onClick={() =>
              confirmAction({
                title: 'Make new recovery codes?',
                body: 'Your current recovery codes stop working at once.',
                confirm: 'Make new codes',
                onConfirm: () => regenerate.mutate(),
              })
            }
          >
            Make new recovery codes
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
