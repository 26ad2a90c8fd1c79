import type { InviteStatus, Role } from '@gatehouse/core/schemas';
import { Badge } from '@mantine/core';

const ROLE_COLOR: Record<Role, string> = { admin: 'grape', member: 'blue', developer: 'cyan' };

export function RoleBadge(props: { role: Role }) {
  return (
    <Badge color={ROLE_COLOR[props.role]} variant="light">
      {props.role}
    </Badge>
  );
}

const STATUS_COLOR: Record<InviteStatus, string> = {
  pending: 'blue',
  accepted: 'teal',
  expired: 'orange',
  revoked: 'gray',
};

export function InviteStatusBadge(props: { status: InviteStatus }) {
  return (
    <Badge color={STATUS_COLOR[props.status]} variant="light">
      {props.status}
    </Badge>
  );
}

/** Users created without a password (and not yet set up) cannot sign in with one. */
export function NoPasswordBadge() {
  return (
    <Badge color="gray" variant="outline" title="This user cannot sign in with a password yet">
      no password
    </Badge>
  );
}
