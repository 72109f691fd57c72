// Who is calling and on behalf of which organization. An OrgScope can only be obtained through
// resolveScope (membership checked) or systemScope (trusted server code), and every org-scoped store
// function takes one: that is the single place tenant isolation is enforced.
import type { Role } from '@flowgate/config-model';
import { AppError } from './errors.ts';

export const roleRank: Record<Role, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

export interface Actor {
  type: 'user' | 'api_key' | 'gateway' | 'system';
  id: string | null;
  label: string | null;
}

export interface Principal {
  kind: 'user' | 'api_key';
  userId: string | null;
  apiKeyId: string | null;
  label: string;
  isInstanceAdmin: boolean;
  memberships: Map<string, Role>;
}

declare const scopeBrand: unique symbol;
export interface OrgScope {
  readonly orgId: string;
  readonly role: Role;
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly [scopeBrand]: true;
}

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'user'
    ? { type: 'user', id: principal.userId, label: principal.label }
    : { type: 'api_key', id: principal.apiKeyId, label: principal.label };
}

export function resolveScope(
  principal: Principal,
  requestedOrgId: string | undefined,
  minRole: Role,
  requestId: string | null,
): OrgScope {
  let orgId: string;
  if (requestedOrgId) {
    if (!principal.memberships.has(requestedOrgId)) throw new AppError('NOT_FOUND', 'Organization not found');
    orgId = requestedOrgId;
  } else if (principal.memberships.size === 1) {
    orgId = [...principal.memberships.keys()][0]!;
  } else if (principal.memberships.size === 0) {
    throw new AppError('NOT_FOUND', 'You are not a member of any organization');
  } else {
    throw new AppError('ORG_REQUIRED');
  }
  const role = principal.memberships.get(orgId)!;
  if (roleRank[role] < roleRank[minRole])
    throw new AppError('FORBIDDEN', `This action needs the ${minRole} role or higher; you are ${role}`);
  return { orgId, role, actor: actorOf(principal), requestId } as OrgScope;
}

/** For trusted server-side work (OpAMP adapter, deployment engine) acting inside one org. */
export function systemScope(
  orgId: string,
  actor: Actor = { type: 'system', id: null, label: 'flowgate' },
  requestId: string | null = null,
): OrgScope {
  return { orgId, role: 'owner', actor, requestId } as OrgScope;
}
