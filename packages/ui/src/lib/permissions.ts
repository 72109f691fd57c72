import type { Role } from './api/types.ts';

// One table for who may do what, so role-aware screens agree with each other. The server enforces
// the same rules (403 FORBIDDEN); the UI only hides controls a role cannot use.
export type Permission =
  | 'gateways:write' // rename, tag, restart, delete, token revoke/rotate
  | 'templates:write'
  | 'deployments:write'
  | 'tokens:write' // registration tokens
  | 'settings:write'
  | 'secrets:write'
  | 'members:write'
  | 'apikeys:write'
  | 'audit:read';

const editorPermissions: Permission[] = ['gateways:write', 'templates:write', 'deployments:write', 'tokens:write'];
const adminPermissions: Permission[] = [...editorPermissions, 'settings:write', 'secrets:write', 'members:write', 'apikeys:write', 'audit:read'];

const byRole: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(adminPermissions),
  admin: new Set(adminPermissions),
  editor: new Set(editorPermissions),
  viewer: new Set(),
};

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return byRole[role].has(permission);
}
