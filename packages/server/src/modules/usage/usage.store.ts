import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface UsageSourceRow {
  id: string;
  org_id: string;
  kind: 'grafana_dashboard' | 'prometheus_rules' | 'grafana' | 'prometheus';
  name: string;
  url: string | null;
  token_secret: string | null;
  status: 'ok' | 'error' | 'pending';
  error: { code: string; message: string; at: string } | null;
  summary: Record<string, number> | null;
  problems: unknown[];
  replaced_variables: unknown[];
  last_read_at: Date | null;
  last_attempt_at: Date | null;
  next_refresh_at: Date | null;
  created_at: Date;
  updated_at: Date;
}
/** Everything but the stored content and analysis (which can be megabytes). */
const COLUMNS =
  'id, org_id, kind, name, url, token_secret, status, error, summary, problems, replaced_variables, last_read_at, ' +
  'last_attempt_at, ' +
  'next_refresh_at, created_at, updated_at';

export const listSources = (sql: Sql, scope: OrgScope) =>
  sql.query<UsageSourceRow>(`SELECT ${COLUMNS} FROM usage_sources WHERE org_id = $1 ORDER BY name, id`, [scope.orgId]);

export const getSource = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<UsageSourceRow>(`SELECT ${COLUMNS} FROM usage_sources WHERE org_id = $1 AND id = $2`, [
      scope.orgId,
      id,
    ])
  )[0] ?? null;

export const getSourceContent = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<{ content: string | null }>('SELECT content FROM usage_sources WHERE org_id = $1 AND id = $2', [
      scope.orgId,
      id,
    ])
  )[0]?.content ?? null;

export interface NewSource {
  kind: UsageSourceRow['kind'];
  name: string;
  url: string | null;
  tokenSecret: string | null;
  content: string | null;
  nextRefreshAt: Date | null;
}

/** Inserts a source; null when the org already has one by that name. */
export async function insertSource(sql: Sql, scope: OrgScope, s: NewSource): Promise<UsageSourceRow | null> {
  return (
    (
      await sql.query<UsageSourceRow>(
        `INSERT INTO usage_sources (org_id, kind, name, url, token_secret, content, next_refresh_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (org_id, name) DO NOTHING RETURNING ${COLUMNS}`,
        [scope.orgId, s.kind, s.name, s.url, s.tokenSecret, s.content, s.nextRefreshAt],
      )
    )[0] ?? null
  );
}

/** A successful read: the new analysis replaces the old one. */
export async function saveRead(
  sql: Sql,
  scope: OrgScope,
  id: string,
  r: {
    summary: unknown;
    problems: unknown[];
    replacedVariables: unknown[];
    analysis: unknown;
    nextRefreshAt: Date | null;
  },
): Promise<UsageSourceRow | null> {
  return (
    (
      await sql.query<UsageSourceRow>(
        `UPDATE usage_sources SET status = 'ok', error = NULL, summary = $3::jsonb, problems = $4::jsonb,
           analysis = $5::jsonb, last_read_at = now(), last_attempt_at = now(), next_refresh_at = $6, updated_at = now(),
           replaced_variables = $7::jsonb
         WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [
          scope.orgId,
          id,
          JSON.stringify(r.summary),
          JSON.stringify(r.problems),
          JSON.stringify(r.analysis),
          r.nextRefreshAt,
          JSON.stringify(r.replacedVariables),
        ],
      )
    )[0] ?? null
  );
}

/** A failed read: the error is recorded, the earlier analysis (and so the org's usage) stays. */
export async function saveFailure(
  sql: Sql,
  scope: OrgScope,
  id: string,
  error: { code: string; message: string },
  nextRefreshAt: Date | null,
): Promise<UsageSourceRow | null> {
  return (
    (
      await sql.query<UsageSourceRow>(
        `UPDATE usage_sources SET status = 'error', error = jsonb_build_object('code', $3::text, 'message', $4::text,
           'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           last_attempt_at = now(), next_refresh_at = $5, updated_at = now()
         WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [scope.orgId, id, error.code, error.message, nextRefreshAt],
      )
    )[0] ?? null
  );
}

export const deleteSource = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<{ id: string; name: string; kind: string }>(
      'DELETE FROM usage_sources WHERE org_id = $1 AND id = $2 RETURNING id, name, kind',
      [scope.orgId, id],
    )
  )[0] ?? null;

/** Marks the org's usage as changed; returns the new version. */
export async function bumpVersion(sql: Sql, scope: OrgScope): Promise<number> {
  const rows = await sql.query<{ version: string }>(
    `INSERT INTO usage_orgs (org_id, version) VALUES ($1, 1)
     ON CONFLICT (org_id) DO UPDATE SET version = usage_orgs.version + 1 RETURNING version`,
    [scope.orgId],
  );
  return Number(rows[0]!.version);
}

export interface StoredAnalysis {
  id: string;
  name: string;
  analysis: unknown;
}

/** The analyses of every source, with the version they belong to (read in one transaction). */
export async function analysesForMerge(
  sql: Sql,
  scope: OrgScope,
): Promise<{ version: number; sources: StoredAnalysis[] }> {
  const v = await sql.query<{ version: string }>('SELECT version FROM usage_orgs WHERE org_id = $1', [scope.orgId]);
  const sources = await sql.query<StoredAnalysis>(
    'SELECT id, name, analysis FROM usage_sources WHERE org_id = $1 AND analysis IS NOT NULL ORDER BY name, id',
    [scope.orgId],
  );
  return { version: Number(v[0]?.version ?? 0), sources };
}

export interface MetricRow {
  name: string;
  pattern: string | null;
  negated: boolean;
  used: 'true' | 'false' | 'unknown';
  labels_used: string[] | 'all';
  all_except: string[];
  used_by: unknown[];
  used_by_total: number;
}

/**
 * Replaces the org's per-metric usage with a merge computed from `version`, unless a merge of the
 * same or a newer version was stored meanwhile. Returns whether it was stored.
 */
export async function replaceMetrics(sql: Sql, scope: OrgScope, version: number, rows: MetricRow[]): Promise<boolean> {
  const claimed = await sql.query(
    `UPDATE usage_orgs SET computed_version = $2, computed_at = now()
     WHERE org_id = $1 AND computed_version < $2 RETURNING org_id`,
    [scope.orgId, version],
  );
  if (claimed.length === 0) return false;
  await sql.query('DELETE FROM usage_metrics WHERE org_id = $1', [scope.orgId]);
  const BATCH = 2000;
  for (let i = 0; i < rows.length; i += BATCH) {
    await sql.query(
      `INSERT INTO usage_metrics (org_id, name, pattern, negated, used, labels_used, all_except, used_by, used_by_total)
       SELECT $1, r.name, r.pattern, r.negated, r.used, r.labels_used, r.all_except, r.used_by, r.used_by_total
       FROM jsonb_to_recordset($2::jsonb) AS r(name text, pattern text, negated boolean, used text, labels_used jsonb,
         all_except jsonb, used_by jsonb, used_by_total integer)`,
      [scope.orgId, JSON.stringify(rows.slice(i, i + BATCH))],
    );
  }
  return true;
}

/** The org's per-metric usage; `usedByLimit` keeps only the first readers of each (list pages). */
export const listMetrics = (sql: Sql, scope: OrgScope, usedByLimit: number | null) =>
  sql.query<MetricRow>(
    `SELECT name, pattern, negated, used, labels_used, all_except,
       CASE WHEN $2::int IS NULL THEN used_by
            ELSE jsonb_path_query_array(used_by, ('$[0 to ' || ($2::int - 1) || ']')::jsonpath) END AS used_by,
       used_by_total
     FROM usage_metrics WHERE org_id = $1 ORDER BY name`,
    [scope.orgId, usedByLimit],
  );

export const computedAt = async (sql: Sql, scope: OrgScope) =>
  (
    await sql.query<{ computed_at: Date | null }>('SELECT computed_at FROM usage_orgs WHERE org_id = $1', [scope.orgId])
  )[0]?.computed_at ?? null;

/**
 * Claims connector sources due for a scheduled read (any org), pushing their next read out so that
 * another replica does not take them too. Trusted server-side work: returns org ids with the ids.
 */
export const claimDueSources = (sql: Sql, nextRefreshAt: Date, limit: number) =>
  sql.query<{ id: string; org_id: string }>(
    `UPDATE usage_sources SET next_refresh_at = $1
     WHERE id IN (SELECT id FROM usage_sources WHERE next_refresh_at <= now() ORDER BY next_refresh_at
                  LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id, org_id`,
    [nextRefreshAt, limit],
  );
