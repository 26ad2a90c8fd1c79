/** An invite's status is derived from its columns, never stored (see inviteStatus in dto.ts). */
export const INVITE_STATUSES = ['pending', 'expired', 'revoked', 'accepted'] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];
