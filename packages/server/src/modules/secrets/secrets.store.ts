import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface SecretRow {
  id: string;
  org_id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}
const COLUMNS = 'id, org_id, name, created_at, updated_at';

/** Names and dates only: the ciphertext stays in the database unless a caller asks for values. */
export const listSecrets = (sql: Sql, scope: OrgScope) =>
  sql.query<SecretRow>(`SELECT ${COLUMNS} FROM secrets WHERE org_id = $1 ORDER BY name`, [scope.orgId]);

export const getSecret = async (sql: Sql, scope: OrgScope, name: string) =>
  (
    await sql.query<SecretRow>(`SELECT ${COLUMNS} FROM secrets WHERE org_id = $1 AND name = $2`, [scope.orgId, name])
  )[0] ?? null;

/** Create or replace; `created` tells which. */
export async function upsertSecret(
  sql: Sql,
  scope: OrgScope,
  name: string,
  valueEncrypted: string,
): Promise<SecretRow & { created: boolean }> {
  return (
    await sql.query<SecretRow & { created: boolean }>(
      `INSERT INTO secrets (org_id, name, value_encrypted) VALUES ($1, $2, $3)
     ON CONFLICT (org_id, name) DO UPDATE SET value_encrypted = EXCLUDED.value_encrypted, updated_at = now()
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [scope.orgId, name, valueEncrypted],
    )
  )[0]!;
}

/**
 * The secret's row, locked until the transaction ends: concurrent deletes and replaces of it wait. A
 * deployment saved at the same moment is not held back (it reads secrets without locking them).
 */
export const lockSecret = async (sql: Sql, scope: OrgScope, name: string) =>
  (
    await sql.query<{ id: string }>('SELECT id FROM secrets WHERE org_id = $1 AND name = $2 FOR UPDATE', [
      scope.orgId,
      name,
    ])
  )[0] ?? null;

export interface GatewayConfigFilesRow {
  id: string;
  name: string;
  desired_files: Record<string, string> | null;
  applied_files: Record<string, string> | null;
}
export interface TemplateVersionTextRow {
  template_id: string;
  name: string;
  version: number;
  config_yaml: string;
}

/**
 * The org's gateways whose desired or applied configuration contains `text` somewhere. A cheap
 * pre-filter: the caller parses the files to tell a reference from an escaped `$${...}` look-alike.
 */
export const gatewayConfigsContaining = (sql: Sql, scope: OrgScope, text: string) =>
  sql.query<GatewayConfigFilesRow>(
    `SELECT id, name, desired_config->'files' AS desired_files, applied_config->'files' AS applied_files FROM gateways
     WHERE org_id = $1 AND (strpos(desired_config::text, $2) > 0 OR strpos(applied_config::text, $2) > 0)
     ORDER BY name, id`,
    [scope.orgId, text],
  );

const LIVE_DEPLOYMENT_STATUSES = ['pending', 'in_progress', 'paused'];

/** Template versions containing `text` that are the latest of their template or rolled out by a live deployment. */
export const liveTemplateVersionsContaining = (sql: Sql, scope: OrgScope, text: string) =>
  sql.query<TemplateVersionTextRow>(
    `SELECT v.template_id, t.name, v.version, v.config_yaml FROM template_versions v
     JOIN templates t ON t.id = v.template_id AND t.org_id = v.org_id
     WHERE v.org_id = $1 AND strpos(v.config_yaml, $2) > 0
       AND (v.version = t.latest_version OR EXISTS (
         SELECT 1 FROM deployments d
          WHERE d.org_id = v.org_id AND d.template_id = v.template_id AND d.version = v.version
            AND d.status = ANY($3::text[])))
     ORDER BY t.name, t.id, v.version`,
    [scope.orgId, text, LIVE_DEPLOYMENT_STATUSES],
  );

export const deleteSecret = async (sql: Sql, scope: OrgScope, name: string) =>
  (
    await sql.query<{ id: string }>('DELETE FROM secrets WHERE org_id = $1 AND name = $2 RETURNING id', [
      scope.orgId,
      name,
    ])
  )[0]?.id ?? null;

/** Encrypted values of the named secrets (all of the org's when names is null). */
export const encryptedValues = (sql: Sql, scope: OrgScope, names: string[] | null) =>
  sql.query<{ name: string; value_encrypted: string }>(
    'SELECT name, value_encrypted FROM secrets WHERE org_id = $1 AND ($2::text[] IS NULL OR name = ANY($2::text[]))',
    [scope.orgId, names],
  );
