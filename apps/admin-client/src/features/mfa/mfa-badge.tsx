import { Badge } from '@mantine/core';

/** The user has a second factor (authenticator app or passkey). */
export function MfaBadge() {
  return (
    <Badge color="teal" variant="light" title="Signs in with a second factor">
      2FA
    </Badge>
  );
}
