import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export const readSettings = async (sql: Sql, scope: OrgScope) =>
  (
    await sql.query<{ values: Record<string, unknown> }>('SELECT values FROM settings WHERE org_id = $1', [scope.orgId])
  )[0]?.values ?? {};

export const writeSettings = (sql: Sql, scope: OrgScope, values: Record<string, unknown>) =>
  sql.query(
    `INSERT INTO settings (org_id, values) VALUES ($1, $2) ` +
      `ON CONFLICT (org_id) DO UPDATE SET values = EXCLUDED.values, updated_at = now()`,
    [scope.orgId, JSON.stringify(values)],
  );
