import type { AlertRuleParams } from '@flowgate/config-model';
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';
import type { GatewayRow, MetricsSnapshot } from '../gateways/gateways.store.ts';

export interface AlertRuleRow {
  id: string;
  org_id: string;
  name: string;
  kind: 'gateway_unhealthy' | 'rollout_failed' | 'send_failures' | 'savings_regressed';
  params: AlertRuleParams;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}
const R = 'id, org_id, name, kind, params, enabled, created_at, updated_at';

export const listRules = (sql: Sql, scope: OrgScope) =>
  sql.query<AlertRuleRow>(`SELECT ${R} FROM alert_rules WHERE org_id = $1 ORDER BY name, id`, [scope.orgId]);

export const getRule = async (sql: Sql, scope: OrgScope, id: string) =>
  (await sql.query<AlertRuleRow>(`SELECT ${R} FROM alert_rules WHERE org_id = $1 AND id = $2`, [scope.orgId, id]))[0] ??
  null;

export const insertRule = async (
  sql: Sql,
  scope: OrgScope,
  r: Pick<AlertRuleRow, 'name' | 'kind' | 'params' | 'enabled'>,
) =>
  (
    await sql.query<AlertRuleRow>(
      `INSERT INTO alert_rules (org_id, name, kind, params, enabled) VALUES ($1, $2, $3, $4, $5) RETURNING ${R}`,
      [scope.orgId, r.name, r.kind, JSON.stringify(r.params), r.enabled],
    )
  )[0]!;

export const updateRule = async (
  sql: Sql,
  scope: OrgScope,
  id: string,
  p: { name?: string; params?: AlertRuleParams; enabled?: boolean },
) =>
  (
    await sql.query<AlertRuleRow>(
      `UPDATE alert_rules SET name = coalesce($3, name), params = coalesce($4::jsonb, params),
              enabled = coalesce($5, enabled), updated_at = now()
        WHERE org_id = $1 AND id = $2 RETURNING ${R}`,
      [scope.orgId, id, p.name ?? null, p.params ? JSON.stringify(p.params) : null, p.enabled ?? null],
    )
  )[0] ?? null;

export const deleteRule = async (sql: Sql, scope: OrgScope, id: string) =>
  (await sql.query('DELETE FROM alert_rules WHERE org_id = $1 AND id = $2 RETURNING id', [scope.orgId, id])).length > 0;

export const firingCounts = (sql: Sql, scope: OrgScope) =>
  sql.query<{ rule_id: string; n: number }>(
    'SELECT rule_id, count(*)::int AS n FROM alert_states WHERE org_id = $1 AND fired_at IS NOT NULL GROUP BY rule_id',
    [scope.orgId],
  );

/** Enabled rules of some kinds, every org (the engine; trusted). */
export const enabledRules = (sql: Sql, kinds: string[], orgIds: string[] | null = null) =>
  sql.query<AlertRuleRow>(
    `SELECT ${R} FROM alert_rules WHERE enabled AND kind = ANY($1::text[])
        AND ($2::uuid[] IS NULL OR org_id = ANY($2::uuid[])) ORDER BY org_id, id`,
    [kinds, orgIds],
  );

// ── states ─────────────────────────────────────────────────────────────────────────────────────────────

export interface AlertStateRow {
  rule_id: string;
  subject_id: string;
  since: Date;
  fired_at: Date | null;
  figures: Record<string, unknown> | null;
}

export const statesOf = (sql: Sql, scope: OrgScope, ruleId: string) =>
  sql.query<AlertStateRow>(
    'SELECT rule_id, subject_id, since, fired_at, figures FROM alert_states WHERE org_id = $1 AND rule_id = $2',
    [scope.orgId, ruleId],
  );

export const upsertState = (
  sql: Sql,
  scope: OrgScope,
  s: { ruleId: string; subjectId: string; since: Date; firedAt: Date | null; figures: Record<string, unknown> | null },
) =>
  sql.query(
    `INSERT INTO alert_states (rule_id, org_id, subject_id, since, fired_at, figures) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (rule_id, subject_id) DO UPDATE SET since = EXCLUDED.since, fired_at = EXCLUDED.fired_at,
       figures = EXCLUDED.figures`,
    [s.ruleId, scope.orgId, s.subjectId, s.since, s.firedAt, s.figures ? JSON.stringify(s.figures) : null],
  );

export const clearStates = (sql: Sql, scope: OrgScope, ruleId: string) =>
  sql.query('DELETE FROM alert_states WHERE org_id = $1 AND rule_id = $2', [scope.orgId, ruleId]);

export const deleteState = (sql: Sql, scope: OrgScope, ruleId: string, subjectId: string) =>
  sql.query('DELETE FROM alert_states WHERE org_id = $1 AND rule_id = $2 AND subject_id = $3', [
    scope.orgId,
    ruleId,
    subjectId,
  ]);

// ── what the rules read ────────────────────────────────────────────────────────────────────────────────

export type GatewayHealthRow = Pick<GatewayRow, 'id' | 'name' | 'connected' | 'transport' | 'last_seen' | 'status'> & {
  agent_healthy: boolean | null;
};
/** Gateways that were ever seen (a registered gateway that never connected is not "disconnected"). */
export const seenGateways = (sql: Sql, scope: OrgScope) =>
  sql.query<GatewayHealthRow>(
    `SELECT id, name, connected, transport, last_seen, status, (health->>'healthy')::boolean AS agent_healthy
       FROM gateways WHERE org_id = $1 AND last_seen IS NOT NULL`,
    [scope.orgId],
  );

/** Own-telemetry snapshots of the org's gateways since `since`, oldest first. */
export const snapshotsSince = (sql: Sql, scope: OrgScope, since: Date, gatewayIds: string[] | null = null) =>
  sql.query<{ gateway_id: string; name: string; values: MetricsSnapshot }>(
    `SELECT m.gateway_id, g.name, m.values FROM gateway_metrics m JOIN gateways g ON g.id = m.gateway_id
      WHERE m.org_id = $1 AND m.bucket >= $2 AND ($3::uuid[] IS NULL OR m.gateway_id = ANY($3::uuid[]))
      ORDER BY m.bucket`,
    [scope.orgId, since, gatewayIds],
  );

/** Rollouts completed in the last `hours` with their gateways. */
export const recentlyCompleted = (sql: Sql, scope: OrgScope, hours: number) =>
  sql.query<{
    id: string;
    name: string | null;
    template_name: string | null;
    version: number;
    started_at: Date;
    completed_at: Date;
    gateway_ids: string[];
  }>(
    `SELECT d.id, d.name, t.name AS template_name, d.version, d.created_at AS started_at, d.updated_at AS completed_at,
            array_agg(dt.gateway_id) FILTER (WHERE dt.status = 'applied') AS gateway_ids
       FROM deployments d JOIN deployment_targets dt ON dt.deployment_id = d.id
       LEFT JOIN templates t ON t.id = d.template_id
      WHERE d.org_id = $1 AND d.status = 'completed' AND d.updated_at > now() - make_interval(hours => $2)
      GROUP BY d.id, t.name`,
    [scope.orgId, hours],
  );
