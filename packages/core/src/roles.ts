export const ROLES = ['admin', 'member', 'developer'] as const;
export type Role = (typeof ROLES)[number];
