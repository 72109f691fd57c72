import type { FastifyRequest } from 'fastify';
import type { Role } from '@flowgate/config-model';
import { AppError } from '../errors.ts';
import { resolveScope, type OrgScope, type Principal } from '../scope.ts';

export function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    return m ? m[1]! : null;
  }
  return null;
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED');
  return req.principal;
}

/** The org the request acts on (query org_id, or the caller's only org), with the minimum role checked. */
export function scopeOf(req: FastifyRequest, minRole: Role = 'viewer', orgId?: string): OrgScope {
  const principal = requirePrincipal(req);
  const requested = orgId ?? (req.query as { org_id?: string } | undefined)?.org_id;
  return resolveScope(principal, requested, minRole, String(req.id));
}
