import type { GatehouseClient } from '@gatehouse/api';
import { type CSSVariablesResolver, createTheme, MantineProvider, Modal, Notification } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { StepUpDialog } from './features/mfa/step-up-dialog.js';
import { TRPCProvider } from './trpc.js';

const theme = createTheme({
  primaryColor: 'indigo',
  // Filled buttons dark enough for white text to pass WCAG AA (checked by axe in the e2e tests).
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  // Visible focus for keyboard users, never for mouse clicks.
  focusRing: 'auto',
  // No sliding dialogs or toasts for people who asked their system for less motion.
  respectReducedMotion: true,
  // Icon-only close buttons get a name screen readers can say.
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

const COLORS = ['blue', 'cyan', 'grape', 'gray', 'green', 'indigo', 'orange', 'red', 'teal', 'yellow'];

/**
 * Mantine's light-scheme text shades (dimmed text, links, light and outline badges, coloured text)
 * fall under WCAG AA's 4.5:1 on white and on their own tints, and dark dimmed text on dark grey;
 * darker (lighter) shades here.
 */
const darker = (color: string) => `color-mix(in srgb, var(--mantine-color-${color}-9), black 25%)`;

const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-8)',
    ...Object.fromEntries(
      COLORS.flatMap((color) => [
        [`--mantine-color-${color}-light-color`, darker(color)],
        [`--mantine-color-${color}-outline`, darker(color)],
        [`--mantine-color-${color}-text`, darker(color)],
      ]),
    ),
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-anchor': 'var(--mantine-color-indigo-2)',
  },
});

/** Theme (light and dark follow the system), server state, tRPC, dialogs and toasts. */
export function Providers(props: {
  queryClient: QueryClient;
  trpcClient: GatehouseClient;
  children: ReactNode;
}) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={contrast}>
      <QueryClientProvider client={props.queryClient}>
        <TRPCProvider trpcClient={props.trpcClient} queryClient={props.queryClient}>
          <ModalsProvider>
            <Notifications position="top-right" />
            <StepUpDialog />
            {props.children}
          </ModalsProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
