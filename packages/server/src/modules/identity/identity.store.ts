import type { Role } from '@flowgate/config-model';
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  is_instance_admin: boolean;
  created_at: Date;
}
export interface OrgRow {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
}
export interface ApiKeyRow {
  id: string;
  org_id: string;
  user_id: string | null;
  name: string;
  prefix: string;
  role: Role;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export const findUserByEmail = async (sql: Sql, email: string) =>
  (await sql.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]))[0] ?? null;
export const findUserById = async (sql: Sql, id: string) =>
  (await sql.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]))[0] ?? null;
export const countUsers = async (sql: Sql) =>
  (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0]!.n;

export async function insertUser(
  sql: Sql,
  u: { email: string; name: string | null; passwordHash: string; isInstanceAdmin: boolean },
): Promise<UserRow> {
  return (
    await sql.query<UserRow>(
      'INSERT INTO users (email, name, password_hash, is_instance_admin) VALUES ($1,$2,$3,$4) RETURNING *',
      [u.email, u.name, u.passwordHash, u.isInstanceAdmin],
    )
  )[0]!;
}

export const setPassword = (sql: Sql, userId: string, hash: string) =>
  sql.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [userId, hash]);

export async function membershipsOf(
  sql: Sql,
  userId: string,
): Promise<{ org_id: string; org_name: string; role: Role }[]> {
  return sql.query(
    'SELECT m.org_id, o.name AS org_name, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id ' +
      'WHERE m.user_id = $1 ORDER BY o.name',
    [userId],
  );
}

/** Users visible to a caller: those sharing at least one org with them (instance admins see all). */
export async function listUsersVisibleTo(sql: Sql, userId: string | null, all: boolean): Promise<UserRow[]> {
  if (all) return sql.query<UserRow>('SELECT * FROM users ORDER BY email');
  return sql.query<UserRow>(
    `SELECT DISTINCT u.* FROM users u JOIN memberships m ON m.user_id = u.id
     WHERE m.org_id IN (SELECT org_id FROM memberships WHERE user_id = $1) ORDER BY u.email`,
    [userId],
  );
}

export async function insertOrg(sql: Sql, name: string, slug: string): Promise<OrgRow> {
  return (
    await sql.query<OrgRow>('INSERT INTO organizations (name, slug) VALUES ($1,$2) RETURNING *', [name, slug])
  )[0]!;
}
export const slugTaken = async (sql: Sql, slug: string) =>
  (await sql.query('SELECT 1 FROM organizations WHERE slug = $1', [slug])).length > 0;
export const orgsOfUser = (sql: Sql, userId: string) =>
  sql.query<OrgRow & { role: Role }>(
    'SELECT o.*, m.role FROM organizations o JOIN memberships m ON m.org_id = o.id WHERE m.user_id = $1 ' +
      'ORDER BY o.name',
    [userId],
  );
export const orgById = async (sql: Sql, id: string) =>
  (await sql.query<OrgRow>('SELECT * FROM organizations WHERE id = $1', [id]))[0] ?? null;

export const upsertMembership = (sql: Sql, orgId: string, userId: string, role: Role) =>
  sql.query(
    'INSERT INTO memberships (org_id, user_id, role) VALUES ($1,$2,$3) ' +
      'ON CONFLICT (org_id, user_id) DO UPDATE SET role = EXCLUDED.role',
    [orgId, userId, role],
  );

export const listMembers = (sql: Sql, scope: OrgScope) =>
  sql.query<{ user_id: string; email: string; name: string | null; role: Role; created_at: Date }>(
    'SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m ' +
      'JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email',
    [scope.orgId],
  );
export const memberRole = async (sql: Sql, scope: OrgScope, userId: string) =>
  (
    await sql.query<{ role: Role }>('SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2', [
      scope.orgId,
      userId,
    ])
  )[0]?.role ?? null;
export const countOwners = async (sql: Sql, scope: OrgScope) =>
  (
    await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM memberships WHERE org_id = $1 AND role = 'owner'", [
      scope.orgId,
    ])
  )[0]!.n;
export const deleteMembership = (sql: Sql, scope: OrgScope, userId: string) =>
  sql.query('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [scope.orgId, userId]);

export async function insertApiKey(
  sql: Sql,
  scope: OrgScope,
  k: { userId: string | null; name: string; prefix: string; keyHash: string; role: Role; expiresAt: Date | null },
): Promise<ApiKeyRow> {
  return (
    await sql.query<ApiKeyRow>(
      'INSERT INTO api_keys (org_id, user_id, name, prefix, key_hash, role, expires_at) ' +
        'VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *',
      [scope.orgId, k.userId, k.name, k.prefix, k.keyHash, k.role, k.expiresAt],
    )
  )[0]!;
}
export const listApiKeys = (sql: Sql, scope: OrgScope) =>
  sql.query<ApiKeyRow>('SELECT * FROM api_keys WHERE org_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC', [
    scope.orgId,
  ]);
export const revokeApiKey = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<ApiKeyRow>(
      'UPDATE api_keys SET revoked_at = now() WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING *',
      [scope.orgId, id],
    )
  )[0] ?? null;
/** Authentication lookup by hash: not org-scoped, the key itself names its org. */
export const findActiveApiKeyByHash = async (sql: Sql, hash: string) =>
  (
    await sql.query<ApiKeyRow>(
      'SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL ' +
        'AND (expires_at IS NULL OR expires_at > now())',
      [hash],
    )
  )[0] ?? null;
export const touchApiKey = (sql: Sql, id: string) =>
  sql.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
