import type { Role } from './roles.js';

/**
 * The role policy, in one place. `admin` manages users and invites; `member` and `developer` read
 * the user and invite lists and manage their own profile, password and API token, but never a
 * role (their own included). Admins may change any role, their own too, except that the last
 * active admin can be neither demoted nor deleted (LAST_ADMIN, enforced by UserService). The API's
 * procedure kinds and checks call `can`; nothing else decides.
 */
export type Permission =
  | 'users.read'
  | 'users.manage'
  | 'users.updateSelf'
  | 'invites.read'
  | 'invites.manage'
  | 'apiToken.manageOwn'
  | 'apiToken.manageOthers'
  | 'audit.read';

export interface Actor {
  id: string;
  role: Role;
}

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set<Permission>([
    'users.read',
    'users.manage',
    'users.updateSelf',
    'invites.read',
    'invites.manage',
    'apiToken.manageOwn',
    'apiToken.manageOthers',
    'audit.read',
  ]),
  member: new Set<Permission>(['users.read', 'users.updateSelf', 'invites.read', 'apiToken.manageOwn']),
  developer: new Set<Permission>(['users.read', 'users.updateSelf', 'invites.read', 'apiToken.manageOwn']),
};

export const can = (actor: Actor, permission: Permission): boolean => GRANTS[actor.role].has(permission);
