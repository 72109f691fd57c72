import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface TemplateRow {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  type: string;
  latest_version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateVersionRow {
  id: string;
  org_id: string;
  template_id: string;
  version: number;
  config_yaml: string;
  hash: string;
  message: string | null;
  author: string | null;
  created_by: string | null;
  created_at: Date;
}

export type TemplateVersionSummaryRow = Omit<TemplateVersionRow, 'config_yaml'>;
const SUMMARY_COLUMNS = 'id, org_id, template_id, version, hash, message, author, created_by, created_at';

export async function insertTemplate(
  sql: Sql,
  scope: OrgScope,
  t: { name: string; description: string | null; type: string; createdBy: string | null },
): Promise<TemplateRow> {
  return (
    await sql.query<TemplateRow>(
      'INSERT INTO templates (org_id, name, description, type, created_by) VALUES ($1,$2,$3,$4,$5) RETURNING *',
      [scope.orgId, t.name, t.description, t.type, t.createdBy],
    )
  )[0]!;
}

export const getTemplate = async (sql: Sql, scope: OrgScope, id: string) =>
  (await sql.query<TemplateRow>('SELECT * FROM templates WHERE org_id = $1 AND id = $2', [scope.orgId, id]))[0] ?? null;

/**
 * Takes the next version number under a row lock. With `baseVersion` it only succeeds while that is
 * still the latest (optimistic lock); null means the template is gone or moved on.
 */
export async function bumpLatestVersion(
  sql: Sql,
  scope: OrgScope,
  id: string,
  baseVersion: number | null,
): Promise<TemplateRow | null> {
  return (
    (
      await sql.query<TemplateRow>(
        `UPDATE templates SET latest_version = latest_version + 1, updated_at = now()
     WHERE org_id = $1 AND id = $2 AND ($3::int IS NULL OR latest_version = $3::int) RETURNING *`,
        [scope.orgId, id, baseVersion],
      )
    )[0] ?? null
  );
}

export async function insertVersion(
  sql: Sql,
  scope: OrgScope,
  v: {
    templateId: string;
    version: number;
    configYaml: string;
    hash: string;
    message: string | null;
    author: string | null;
    createdBy: string | null;
  },
): Promise<TemplateVersionRow> {
  return (
    await sql.query<TemplateVersionRow>(
      `INSERT INTO template_versions (org_id, template_id, version, config_yaml, hash, message, author, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
      [scope.orgId, v.templateId, v.version, v.configYaml, v.hash, v.message, v.author, v.createdBy],
    )
  )[0]!;
}

export const getVersion = async (sql: Sql, scope: OrgScope, templateId: string, version: number) =>
  (
    await sql.query<TemplateVersionRow>(
      'SELECT * FROM template_versions WHERE org_id = $1 AND template_id = $2 AND version = $3',
      [scope.orgId, templateId, version],
    )
  )[0] ?? null;

export async function listTemplates(
  sql: Sql,
  scope: OrgScope,
  limit: number,
  after: { name: string; id: string } | null,
): Promise<TemplateRow[]> {
  return sql.query<TemplateRow>(
    `SELECT * FROM templates WHERE org_id = $1 AND ($2::text IS NULL OR (name, id) > ($2::text, $3::uuid))
     ORDER BY name, id LIMIT $4`,
    [scope.orgId, after?.name ?? null, after?.id ?? null, limit],
  );
}

/** Newest first; `before` pages back from a version number. */
export async function listVersions(
  sql: Sql,
  scope: OrgScope,
  templateId: string,
  limit: number,
  before: number | null,
): Promise<TemplateVersionSummaryRow[]> {
  return sql.query<TemplateVersionSummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM template_versions
     WHERE org_id = $1 AND template_id = $2 AND ($3::int IS NULL OR version < $3::int)
     ORDER BY version DESC LIMIT $4`,
    [scope.orgId, templateId, before, limit],
  );
}

export const deleteTemplate = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<{ id: string }>('DELETE FROM templates WHERE org_id = $1 AND id = $2 RETURNING id', [
      scope.orgId,
      id,
    ])
  ).length === 1;

const ACTIVE_DEPLOYMENT_STATUSES = ['pending', 'in_progress', 'paused'];

/**
 * Active deployments (pending, in progress, paused) that use the template. The deployments table
 * arrives with a later migration; before it exists nothing can be in use.
 */
export async function activeDeploymentIds(sql: Sql, scope: OrgScope, templateId: string): Promise<string[]> {
  const [exists] = await sql.query<{ t: string | null }>(`SELECT to_regclass('deployments')::text AS t`);
  if (!exists?.t) return [];
  return (
    await sql.query<{ id: string }>(
      'SELECT id FROM deployments WHERE org_id = $1 AND template_id = $2 AND status = ANY($3::text[]) ' +
        'ORDER BY id LIMIT 20',
      [scope.orgId, templateId, ACTIVE_DEPLOYMENT_STATUSES],
    )
  ).map((r) => r.id);
}
