import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorState, TableSkeleton } from '../../components/states.js';
import { useTRPC } from '../../trpc.js';
import { RecoveryCodesPanel } from './recovery-codes.js';
import { SecurityCards } from './security-cards.js';

export const Route = createLazyRoute('/_app/security')({ component: SecurityPage });

/** The caller's second factors: authenticator app, passkeys, recovery codes. */
export function SecurityPage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.mfa.status.queryOptions());
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <Stack>
      <Title order={2}>Security</Title>
      <Text c="dimmed">
        A second factor protects your account if your password leaks.
        {status.data?.required && ' Your role requires one.'}
      </Text>
      {codes && <RecoveryCodesPanel codes={codes} onDone={() => setCodes(null)} />}
      {status.isPending ? (
        <TableSkeleton rows={3} />
      ) : status.isError ? (
        <ErrorState error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <SecurityCards status={status.data} onRecoveryCodes={setCodes} />
      )}
    </Stack>
  );
}
