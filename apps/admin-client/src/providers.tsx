import type { GatehouseClient } from '@gatehouse/api';
import { createTheme, MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { TRPCProvider } from './trpc.js';

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  // Visible focus for keyboard users, never for mouse clicks.
  focusRing: 'auto',
});

/** Theme (light and dark follow the system), server state, tRPC, dialogs and toasts. */
export function Providers(props: {
  queryClient: QueryClient;
  trpcClient: GatehouseClient;
  children: ReactNode;
}) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={props.queryClient}>
        <TRPCProvider trpcClient={props.trpcClient} queryClient={props.queryClient}>
          <ModalsProvider>
            <Notifications position="top-right" />
            {props.children}
          </ModalsProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
