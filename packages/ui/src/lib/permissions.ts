import type { Role } from './api/types.ts';

// One table for who may do what, so role-aware screens agree with each other. It mirrors the
// minimum role each server route asks for (scopeOf(req, role)); the server still enforces it
// (403 FORBIDDEN) — the UI only hides controls a role cannot use.
export type Permission =
  | 'gateways:write' // rename, tags, restart — editor
  | 'gateways:admin' // delete, revoke/rotate the OpAMP token — admin
  | 'templates:write' // create, save versions, dry-run — editor
  | 'templates:delete' // admin
  | 'deployments:write' // create, pause/resume/cancel/rollback — editor
  | 'tokens:write' // registration tokens: create, revoke — admin
  | 'settings:write'
  | 'secrets:write'
  | 'members:write'
  | 'apikeys:write'
  | 'audit:read'
  | 'usage:write' // usage sources: add, refresh, remove — editor
  | 'webhooks:write'; // webhooks and alert rules: create, change, delete, test, redeliver — admin

const editorPermissions: Permission[] = ['gateways:write', 'templates:write', 'deployments:write', 'usage:write'];
const adminPermissions: Permission[] = [
  ...editorPermissions,
  'gateways:admin',
  'templates:delete',
  'tokens:write',
  'settings:write',
  'secrets:write',
  'members:write',
  'apikeys:write',
  'audit:read',
  'webhooks:write',
];

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
