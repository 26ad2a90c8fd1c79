import { Box } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways on narrow screens. The scrolling box takes keyboard focus, so it
 * can be scrolled without a mouse even when its rows hold nothing focusable.
 */
export function TableScroll(props: { label: string; minWidth: number; children: ReactNode }) {
  return (
    <Box role="group" aria-label={props.label} tabIndex={0} style={{ overflowX: 'auto' }}>
      <Box miw={props.minWidth}>{props.children}</Box>
    </Box>
  );
}
