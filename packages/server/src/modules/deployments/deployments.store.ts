import type { DataPlaneGate, PauseDetails } from '@flowgate/config-model';
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';
import type { DesiredConfig } from '../gateways/gateways.store.ts';

export interface DeploymentRow {
  id: string;
  org_id: string;
  name: string | null;
  template_id: string;
  version: number;
  config_hash: string | null;
  status: 'pending' | 'in_progress' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'rolled_back';
  reason: string | null;
  target: { gateway_ids?: string[]; tags?: Record<string, string> };
  strategy: {
    type: 'all_at_once' | 'canary';
    batches?: number[];
    soak_seconds?: number;
    pause_on_failure?: boolean;
    data_plane_gate?: DataPlaneGate;
  };
  batches: number;
  current_batch: number;
  batch_applied_at: Date | null;
  resumed_at: Date | null;
  excluded: { gateway_id: string; gateway_name: string; reason: string }[];
  created_by: string | null;
  created_by_label: string | null;
  created_at: Date;
  updated_at: Date;
  /** Why the engine paused it, with the figures (a data-plane pause lists what tripped). */
  pause_details: PauseDetails | null;
}
export interface TargetRow {
  deployment_id: string;
  org_id: string;
  gateway_id: string;
  batch: number;
  status: 'pending' | 'applying' | 'applied' | 'failed' | 'superseded' | 'cancelled' | 'rolled_back';
  error: string | null;
  config_hash: string | null;
  previous_config: DesiredConfig | null;
  previous_hash: string | null;
  updated_at: Date;
  created_at: Date;
}

export const templateVersion = async (sql: Sql, scope: OrgScope, templateId: string, version: number) =>
  (
    await sql.query<{ config_yaml: string; name: string }>(
      `SELECT v.config_yaml, t.name FROM template_versions v JOIN templates t ON t.id = v.template_id
      WHERE v.org_id = $1 AND v.template_id = $2 AND v.version = $3`,
      [scope.orgId, templateId, version],
    )
  )[0] ?? null;
export const templateExists = async (sql: Sql, scope: OrgScope, templateId: string) =>
  (await sql.query('SELECT 1 FROM templates WHERE org_id = $1 AND id = $2', [scope.orgId, templateId])).length === 1;

export async function insertDeployment(
  sql: Sql,
  scope: OrgScope,
  d: Omit<
    DeploymentRow,
    'id' | 'org_id' | 'created_at' | 'updated_at' | 'batch_applied_at' | 'resumed_at' | 'pause_details'
  >,
): Promise<DeploymentRow> {
  return (
    await sql.query<DeploymentRow>(
      `INSERT INTO deployments (org_id, name, template_id, version, config_hash, status, reason, target, strategy,
                               batches, current_batch, excluded, created_by, created_by_label)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING *`,
      [
        scope.orgId,
        d.name,
        d.template_id,
        d.version,
        d.config_hash,
        d.status,
        d.reason,
        JSON.stringify(d.target),
        JSON.stringify(d.strategy),
        d.batches,
        d.current_batch,
        JSON.stringify(d.excluded),
        d.created_by,
        d.created_by_label,
      ],
    )
  )[0]!;
}

export async function insertTargets(
  sql: Sql,
  scope: OrgScope,
  deploymentId: string,
  targets: {
    gatewayId: string;
    batch: number;
    configHash: string;
    previous: DesiredConfig | null;
    previousHash: string | null;
  }[],
) {
  if (targets.length === 0) return;
  await sql.query(
    `INSERT INTO deployment_targets
       (deployment_id, org_id, gateway_id, batch, status, config_hash, previous_config, previous_hash)
     SELECT $1, $2, t.gateway_id, t.batch, 'pending', $3, t.previous_config, t.previous_hash
       FROM jsonb_to_recordset($4::jsonb) AS t(gateway_id uuid, batch int, previous_config jsonb, previous_hash text)
     ON CONFLICT (deployment_id, gateway_id) DO NOTHING`,
    [
      deploymentId,
      scope.orgId,
      targets[0]!.configHash,
      JSON.stringify(
        targets.map((t) => ({
          gateway_id: t.gatewayId,
          batch: t.batch,
          previous_config: t.previous,
          previous_hash: t.previousHash,
        })),
      ),
    ],
  );
}

export const getDeployment = async (sql: Sql, scope: OrgScope, id: string) =>
  (await sql.query<DeploymentRow>('SELECT * FROM deployments WHERE org_id = $1 AND id = $2', [scope.orgId, id]))[0] ??
  null;
export const lockDeployment = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<DeploymentRow>('SELECT * FROM deployments WHERE org_id = $1 AND id = $2 FOR UPDATE', [
      scope.orgId,
      id,
    ])
  )[0] ?? null;

export async function listDeployments(sql: Sql, scope: OrgScope, limit: number, status?: string) {
  return sql.query<DeploymentRow & { template_name: string | null }>(
    `SELECT d.*, t.name AS template_name FROM deployments d LEFT JOIN templates t ON t.id = d.template_id
      WHERE d.org_id = $1 AND ($3::text IS NULL OR d.status = $3) ORDER BY d.created_at DESC LIMIT $2`,
    [scope.orgId, limit, status ?? null],
  );
}

export const targetCounts = (sql: Sql, scope: OrgScope, ids: string[]) =>
  sql.query<{ deployment_id: string; status: string; n: number }>(
    'SELECT deployment_id, status, count(*)::int AS n FROM deployment_targets ' +
      'WHERE org_id = $1 AND deployment_id = ANY($2::uuid[]) GROUP BY 1, 2',
    [scope.orgId, ids],
  );

export const targetsOf = (sql: Sql, scope: OrgScope, deploymentId: string) =>
  sql.query<TargetRow & { gateway_name: string }>(
    `SELECT dt.*, g.name AS gateway_name FROM deployment_targets dt JOIN gateways g ON g.id = dt.gateway_id
      WHERE dt.org_id = $1 AND dt.deployment_id = $2 ORDER BY dt.batch, g.name, g.id`,
    [scope.orgId, deploymentId],
  );

export async function setTargets(
  sql: Sql,
  scope: OrgScope,
  deploymentId: string,
  gatewayIds: string[],
  status: TargetRow['status'],
  error: string | null = null,
) {
  if (gatewayIds.length === 0) return;
  await sql.query(
    'UPDATE deployment_targets SET status = $4, error = $5, updated_at = now() ' +
      'WHERE org_id = $1 AND deployment_id = $2 AND gateway_id = ANY($3::uuid[])',
    [scope.orgId, deploymentId, gatewayIds, status, error],
  );
}

export async function updateDeployment(
  sql: Sql,
  scope: OrgScope,
  id: string,
  patch: Partial<
    Pick<DeploymentRow, 'status' | 'reason' | 'current_batch' | 'batch_applied_at' | 'resumed_at' | 'pause_details'>
  >,
) {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  const sets = keys.map((k, i) => `${k} = $${i + 3}`);
  return (
    (
      await sql.query<DeploymentRow>(
        `UPDATE deployments SET ${[...sets, 'updated_at = now()'].join(', ')} ` +
          `WHERE org_id = $1 AND id = $2 RETURNING *`,
        [
          scope.orgId,
          id,
          ...keys.map((k) => (k === 'pause_details' && patch[k] ? JSON.stringify(patch[k]) : patch[k])),
        ],
      )
    )[0] ?? null
  );
}

/** Target counts by status of one batch (the engine reads counts, not every target row). */
export async function batchCounts(
  sql: Sql,
  scope: OrgScope,
  deploymentId: string,
  batch: number,
): Promise<Record<string, number>> {
  const rows = await sql.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM deployment_targets ' +
      'WHERE org_id = $1 AND deployment_id = $2 AND batch = $3 GROUP BY status',
    [scope.orgId, deploymentId, batch],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Gateway ids of one batch in one status. */
export const batchTargetIds = async (
  sql: Sql,
  scope: OrgScope,
  deploymentId: string,
  batch: number,
  status: TargetRow['status'],
) =>
  (
    await sql.query<{ gateway_id: string }>(
      'SELECT gateway_id FROM deployment_targets WHERE org_id = $1 AND deployment_id = $2 AND batch = $3 ' +
        'AND status = $4',
      [scope.orgId, deploymentId, batch, status],
    )
  ).map((r) => r.gateway_id);

/** The first failure up to this batch (since the deployment was resumed), if any. */
export const firstFailure = async (
  sql: Sql,
  scope: OrgScope,
  deploymentId: string,
  upToBatch: number,
  since: Date | null,
) =>
  (
    await sql.query<{ gateway_name: string; error: string | null }>(
      `SELECT g.name AS gateway_name, dt.error FROM deployment_targets dt JOIN gateways g ON g.id = dt.gateway_id
      WHERE dt.org_id = $1 AND dt.deployment_id = $2 AND dt.status = 'failed' AND dt.batch <= $3
        AND ($4::timestamptz IS NULL OR dt.updated_at > $4)
      ORDER BY dt.batch, g.name, g.id LIMIT 1`,
      [scope.orgId, deploymentId, upToBatch, since],
    )
  )[0] ?? null;

/**
 * Safety net for reports that were never recorded (e.g. the process stopped between an agent's report
 * and the batch write): targets still "applying" whose gateway row already says how it ended.
 * Only targets untouched for half a minute, so it never races the report queue.
 */
export const reconcileApplying = (sql: Sql, scope: OrgScope, deploymentId: string) =>
  sql.query<{ gateway_id: string }>(
    `UPDATE deployment_targets dt
        SET status = CASE WHEN g.remote_config_hash = dt.config_hash AND g.remote_config_status = 'APPLIED'
                          THEN 'applied' ELSE 'failed' END,
            error = CASE WHEN g.remote_config_hash = dt.config_hash AND g.remote_config_status = 'APPLIED' THEN NULL
                         WHEN g.remote_config_hash = dt.config_hash
                           THEN coalesce(g.remote_config_error, 'the collector rejected the configuration')
                         ELSE 'the collector rejected the configuration' END,
            updated_at = now()
       FROM gateways g
      WHERE g.id = dt.gateway_id AND dt.org_id = $1 AND dt.deployment_id = $2 AND dt.status = 'applying'
        AND dt.updated_at < now() - interval '30 seconds'
        AND ((g.remote_config_hash = dt.config_hash AND g.remote_config_status IN ('APPLIED', 'FAILED'))
             OR g.failed_config_hash = dt.config_hash)
      RETURNING dt.gateway_id`,
    [scope.orgId, deploymentId],
  );

/** Deployments the engine must look at: in progress (any org; trusted engine code). */
export const inProgress = (sql: Sql) =>
  sql.query<{ id: string; org_id: string }>(
    "SELECT id, org_id FROM deployments WHERE status = 'in_progress' ORDER BY created_at",
  );

export const history = (sql: Sql, scope: OrgScope, gatewayId: string, limit = 100) =>
  sql.query<{
    deployment_id: string;
    template_id: string;
    template_name: string | null;
    version: number;
    status: string;
    error: string | null;
    by: string | null;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT dt.deployment_id, d.template_id, t.name AS template_name, d.version, dt.status, dt.error,
            d.created_by_label AS by, dt.created_at, dt.updated_at
       FROM deployment_targets dt JOIN deployments d ON d.id = dt.deployment_id
       LEFT JOIN templates t ON t.id = d.template_id
      WHERE dt.org_id = $1 AND dt.gateway_id = $2 ORDER BY dt.created_at DESC LIMIT $3`,
    [scope.orgId, gatewayId, limit],
  );

/** Tag-selector deployments that a gateway with these tags should follow (newest first). */
export const selectorDeploymentsFor = (sql: Sql, scope: OrgScope, tags: Record<string, string>) =>
  sql.query<DeploymentRow>(
    `SELECT * FROM deployments WHERE org_id = $1 AND status IN ('in_progress', 'completed') AND target ? 'tags'
        AND $2::jsonb @> (target->'tags') ORDER BY created_at DESC LIMIT 1`,
    [scope.orgId, JSON.stringify(tags)],
  );
