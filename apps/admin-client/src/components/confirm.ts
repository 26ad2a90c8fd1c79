import { modals } from '@mantine/modals';
import { createElement, type ReactNode } from 'react';

/** Asks before a change that cannot simply be undone; `danger` paints the confirm button red. */
export function confirmAction(options: {
  title: string;
  body: ReactNode;
  confirm: string;
  danger?: boolean;
  onConfirm: () => void;
}) {
  modals.openConfirmModal({
    title: options.title,
    children: createElement('div', null, options.body),
    labels: { confirm: options.confirm, cancel: 'Cancel' },
    confirmProps: options.danger ? { color: 'red' } : {},
    onConfirm: options.onConfirm,
  });
}
