import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface BackendRow {
  id: string;
  org_id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export const listBackends = (sql: Sql, scope: OrgScope) =>
  sql.query<BackendRow>('SELECT * FROM backends WHERE org_id = $1 ORDER BY name, id', [scope.orgId]);

export const getBackend = async (sql: Sql, scope: OrgScope, id: string) =>
  (await sql.query<BackendRow>('SELECT * FROM backends WHERE org_id = $1 AND id = $2', [scope.orgId, id]))[0] ?? null;

/** The org's backends among `ids` (others' ids are simply absent). */
export const getBackends = (sql: Sql, scope: OrgScope, ids: string[]) =>
  sql.query<BackendRow>('SELECT * FROM backends WHERE org_id = $1 AND id = ANY($2::uuid[])', [scope.orgId, ids]);

export async function insertBackend(
  sql: Sql,
  scope: OrgScope,
  b: { name: string; type: string; config: Record<string, unknown>; createdBy: string | null },
): Promise<BackendRow> {
  return (
    await sql.query<BackendRow>(
      'INSERT INTO backends (org_id, name, type, config, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [scope.orgId, b.name, b.type, JSON.stringify(b.config), b.createdBy],
    )
  )[0]!;
}

export async function updateBackend(
  sql: Sql,
  scope: OrgScope,
  id: string,
  b: { name: string; config: Record<string, unknown> },
): Promise<BackendRow | null> {
  return (
    (
      await sql.query<BackendRow>(
        'UPDATE backends SET name = $3, config = $4, updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING *',
        [scope.orgId, id, b.name, JSON.stringify(b.config)],
      )
    )[0] ?? null
  );
}

/** The row as it was, locked until the transaction ends. */
export const lockBackend = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<BackendRow>('SELECT * FROM backends WHERE org_id = $1 AND id = $2 FOR UPDATE', [scope.orgId, id])
  )[0] ?? null;

export const deleteBackend = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<{ id: string }>('DELETE FROM backends WHERE org_id = $1 AND id = $2 RETURNING id', [
      scope.orgId,
      id,
    ])
  ).length > 0;
