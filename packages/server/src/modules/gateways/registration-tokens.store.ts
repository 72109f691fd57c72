import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface RegistrationTokenRow {
  id: string;
  org_id: string;
  token: string;
  prefix: string;
  name: string;
  expires_at: Date | null;
  is_active: boolean;
  max_uses: number | null;
  uses: number;
  created_by: string | null;
  created_at: Date;
}

export async function insertRegistrationToken(
  sql: Sql,
  scope: OrgScope,
  t: {
    hash: string;
    prefix: string;
    name: string;
    expiresAt: Date | null;
    maxUses: number | null;
    createdBy: string | null;
  },
) {
  return (
    await sql.query<RegistrationTokenRow>(
      'INSERT INTO registration_tokens (org_id, token, prefix, name, expires_at, max_uses, created_by) ' +
        'VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *',
      [scope.orgId, t.hash, t.prefix, t.name, t.expiresAt, t.maxUses, t.createdBy],
    )
  )[0]!;
}
export const listRegistrationTokens = (sql: Sql, scope: OrgScope) =>
  sql.query<RegistrationTokenRow>('SELECT * FROM registration_tokens WHERE org_id = $1 ORDER BY created_at DESC', [
    scope.orgId,
  ]);
export const getRegistrationToken = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<RegistrationTokenRow>('SELECT * FROM registration_tokens WHERE org_id = $1 AND id = $2', [
      scope.orgId,
      id,
    ])
  )[0] ?? null;
export const revokeRegistrationToken = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<RegistrationTokenRow>(
      'UPDATE registration_tokens SET is_active = false WHERE org_id = $1 AND id = $2 RETURNING *',
      [scope.orgId, id],
    )
  )[0] ?? null;

/** Authentication lookup by hash: the token names its org. Usable = active, not expired, uses left. */
export const findUsableRegistrationToken = async (sql: Sql, hash: string) =>
  (
    await sql.query<RegistrationTokenRow>(
      `SELECT * FROM registration_tokens WHERE token = $1 AND is_active AND (expires_at IS NULL OR expires_at > now())
       AND (max_uses IS NULL OR uses < max_uses)`,
      [hash],
    )
  )[0] ?? null;

/**
 * A registration token that can no longer enrol (expired or used up) but was not revoked: gateways it
 * enrolled zero-touch present it on every connection and must keep reconnecting.
 */
export const findSpentRegistrationToken = async (sql: Sql, hash: string) =>
  (
    await sql.query<RegistrationTokenRow>('SELECT * FROM registration_tokens WHERE token = $1 AND is_active', [hash])
  )[0] ?? null;

/** Counts one use, atomically refusing when the token ran out meanwhile. */
export const consumeRegistrationToken = async (sql: Sql, id: string) =>
  (
    await sql.query(
      'UPDATE registration_tokens SET uses = uses + 1 WHERE id = $1 AND is_active ' +
        'AND (max_uses IS NULL OR uses < max_uses) AND (expires_at IS NULL OR expires_at > now()) RETURNING id',
      [id],
    )
  ).length === 1;
