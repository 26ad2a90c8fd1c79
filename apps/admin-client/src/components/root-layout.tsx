import { Center, Stack, Text, Title } from '@mantine/core';
import { Outlet } from '@tanstack/react-router';
import { AnchorLink } from './links.js';

export function RootLayout() {
  return <Outlet />;
}

export function NotFound() {
  return (
    <Center mih="60vh" component="main">
      <Stack align="center" gap="xs">
        <Title order={1}>Page not found</Title>
        <Text c="dimmed">There is nothing at this address.</Text>
        <AnchorLink to="/">Go to the start page</AnchorLink>
      </Stack>
    </Center>
  );
}
