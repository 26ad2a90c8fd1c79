import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The frame of the signed-out pages (sign in, reset, setup, accept invite). */
export function AuthCard(props: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={440}>
        <Stack gap="md">
          <Stack gap={4}>
            <Text size="sm" c="dimmed" fw={600}>
              Gatehouse
            </Text>
            <Title order={1} size="h2">
              {props.title}
            </Title>
            {props.subtitle && <Text c="dimmed">{props.subtitle}</Text>}
          </Stack>
          {props.children}
        </Stack>
      </Paper>
    </Center>
  );
}
