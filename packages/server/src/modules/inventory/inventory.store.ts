// SQL of the inventory: the latest measured point per (gateway, pipeline, position) and hourly history.
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface StoredLabel {
  name: string;
  distinct: number;
  exact: boolean;
  examples: string[];
}
export interface StoredMetric {
  name: string;
  type: string;
  unit: string;
  monotonic: boolean | null;
  temporality: string | null;
  series: number;
  datapoints: number;
  bytes: number;
  labels: StoredLabel[];
  resource_labels: StoredLabel[];
}
export interface StoredLogGroup {
  service: string;
  severity: string;
  records: number;
  bytes: number;
}
export interface StoredPoint {
  pipeline: string;
  position: 'in' | 'out';
  signal: string;
  window_start: Date;
  window_end: Date;
  items: number;
  bytes: number;
  metrics: StoredMetric[];
  metrics_dropped: number;
  logs: StoredLogGroup[];
}
export interface LatestRow extends StoredPoint {
  gateway_id: string;
  received_at: Date;
}

export type WriteCredential =
  { kind: 'gateway_token'; jti: string | null } | { kind: 'registration_token'; id: string };

/**
 * True when the gateway exists in the org and the credential its connection was admitted with is still
 * valid (its token not revoked or rotated; the registration token not revoked). The row is locked against
 * deletion until the transaction ends, so nothing is written for a gateway deleted meanwhile.
 */
export async function lockWritableGateway(
  sql: Sql,
  scope: OrgScope,
  gatewayId: string,
  credential: WriteCredential,
): Promise<boolean> {
  const jti = credential.kind === 'gateway_token' ? credential.jti : null;
  const registrationTokenId = credential.kind === 'registration_token' ? credential.id : null;
  if (!jti && !registrationTokenId) return false;
  const rows = await sql.query(
    `SELECT g.id FROM gateways g
      WHERE g.org_id = $1 AND g.id = $2
        AND (($3::text IS NOT NULL AND g.opamp_token_jti = $3)
          OR ($4::uuid IS NOT NULL AND EXISTS (
                SELECT 1 FROM registration_tokens t WHERE t.id = $4 AND t.org_id = g.org_id AND t.is_active)))
      FOR KEY SHARE OF g`,
    [scope.orgId, gatewayId, jti, registrationTokenId],
  );
  return rows.length === 1;
}

/** Stores a point as the latest of its (gateway, pipeline, position) unless a later window is stored. */
export async function upsertLatest(sql: Sql, scope: OrgScope, gatewayId: string, p: StoredPoint): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO inventory_latest AS l (org_id, gateway_id, pipeline, position, signal, window_start, window_end,
                                        items, bytes, metrics, metrics_dropped, logs)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12::jsonb)
     ON CONFLICT (gateway_id, pipeline, position) DO UPDATE SET
       signal = EXCLUDED.signal, window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
       items = EXCLUDED.items, bytes = EXCLUDED.bytes, metrics = EXCLUDED.metrics,
       metrics_dropped = EXCLUDED.metrics_dropped, logs = EXCLUDED.logs, received_at = now()
     WHERE l.window_end < EXCLUDED.window_end
     RETURNING 1`,
    [
      scope.orgId,
      gatewayId,
      p.pipeline,
      p.position,
      p.signal,
      p.window_start,
      p.window_end,
      p.items,
      p.bytes,
      JSON.stringify(p.metrics),
      p.metrics_dropped,
      JSON.stringify(p.logs),
    ],
  );
  return rows.length === 1;
}

/** Adds a window's items and bytes to its hour. */
export async function addHourly(sql: Sql, scope: OrgScope, gatewayId: string, hour: Date, p: StoredPoint) {
  const seconds = Math.round((p.window_end.getTime() - p.window_start.getTime()) / 1000);
  await sql.query(
    `INSERT INTO inventory_hourly AS h (org_id, gateway_id, hour, pipeline, position, signal, items, bytes, seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (gateway_id, hour, pipeline, position) DO UPDATE SET
       signal = EXCLUDED.signal, items = h.items + EXCLUDED.items, bytes = h.bytes + EXCLUDED.bytes,
       seconds = h.seconds + EXCLUDED.seconds`,
    [scope.orgId, gatewayId, hour, p.pipeline, p.position, p.signal, p.items, p.bytes, seconds],
  );
}

/** Most metric names kept per hourly row (the largest by bytes). */
export const METRIC_HOURLY_MAX = 10_000;

/**
 * Merges a window's metrics into its hour, in one statement (concurrent windows of one instance cannot
 * lose each other's counts): series the maximum, datapoints and bytes summed, type and unit the latest.
 */
export async function mergeMetricHourly(
  sql: Sql,
  scope: OrgScope,
  gatewayId: string,
  hour: Date,
  p: Pick<StoredPoint, 'pipeline' | 'position' | 'metrics'>,
) {
  if (p.metrics.length === 0) return;
  const byName = Object.fromEntries(
    p.metrics.map((m) => [
      m.name,
      { type: m.type, unit: m.unit, series: m.series, datapoints: m.datapoints, bytes: m.bytes },
    ]),
  );
  await sql.query(
    `INSERT INTO inventory_metric_hourly AS h (org_id, gateway_id, hour, pipeline, position, metrics)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (gateway_id, hour, pipeline, position) DO UPDATE SET metrics = (
       SELECT COALESCE(jsonb_object_agg(m.key, m.v), '{}'::jsonb) FROM (
         SELECT key, v, row_number() OVER (ORDER BY (v->>'bytes')::numeric DESC, key) AS rank FROM (
           SELECT COALESCE(o.key, n.key) AS key,
                  CASE WHEN o.value IS NULL THEN n.value
                       WHEN n.value IS NULL THEN o.value
                       ELSE jsonb_build_object(
                         'type', n.value->'type', 'unit', n.value->'unit',
                         'series', GREATEST((o.value->>'series')::numeric, (n.value->>'series')::numeric),
                         'datapoints', (o.value->>'datapoints')::numeric + (n.value->>'datapoints')::numeric,
                         'bytes', (o.value->>'bytes')::numeric + (n.value->>'bytes')::numeric)
                  END AS v
             FROM jsonb_each(h.metrics) o FULL JOIN jsonb_each(EXCLUDED.metrics) n ON n.key = o.key
         ) merged
       ) m WHERE m.rank <= ${METRIC_HOURLY_MAX})`,
    [scope.orgId, gatewayId, hour, p.pipeline, p.position, JSON.stringify(byName)],
  );
}

const LATEST_COLUMNS = `gateway_id, pipeline, position, signal, window_start, window_end, items, bytes, metrics,
  metrics_dropped, logs, received_at`;

/** The gateway's latest points, by pipeline and position. */
export const latestOf = (sql: Sql, scope: OrgScope, gatewayId: string) =>
  sql.query<LatestRow>(
    `SELECT ${LATEST_COLUMNS} FROM inventory_latest WHERE org_id = $1 AND gateway_id = $2 ORDER BY pipeline, position`,
    [scope.orgId, gatewayId],
  );

/** The org's latest points whose window ended after `since` (gateways still reporting), without metrics. */
export const orgLatestTotals = (sql: Sql, scope: OrgScope, since: Date) =>
  sql.query<Omit<LatestRow, 'metrics' | 'logs'>>(
    `SELECT gateway_id, pipeline, position, signal, window_start, window_end, items, bytes, metrics_dropped,
            received_at
       FROM inventory_latest WHERE org_id = $1 AND window_end > $2`,
    [scope.orgId, since],
  );

export interface OrgMetricRow {
  name: string;
  gateway_id: string;
  gateway_name: string;
  position: 'in' | 'out';
  window_seconds: number;
  metric: StoredMetric;
}

/**
 * Per metric name, the metric entries of every recent latest point of the org (both positions), for the
 * names of one page: names in order after `after`, matching `q`. `total` counts the matching names.
 */
/** Distinct metric names the org's gateways reported at their `in` position since `since`. */
export async function orgMetricNames(sql: Sql, scope: OrgScope, since: Date): Promise<string[]> {
  const rows = await sql.query<{ name: string }>(
    `SELECT DISTINCT e.value->>'name' AS name
       FROM inventory_latest l CROSS JOIN LATERAL jsonb_array_elements(l.metrics) e
      WHERE l.org_id = $1 AND l.window_end > $2 AND l.signal = 'metrics' AND l.position = 'in'
      ORDER BY 1`,
    [scope.orgId, since],
  );
  return rows.map((r) => r.name);
}

export async function orgMetricsPage(
  sql: Sql,
  scope: OrgScope,
  opts: { since: Date; q: string | null; after: string | null; limit: number },
): Promise<{ rows: OrgMetricRow[]; total: number; hasMore: boolean }> {
  const params = [scope.orgId, opts.since, opts.q ? opts.q.toLowerCase() : null, opts.after, opts.limit + 1];
  const entries = `SELECT l.gateway_id, l.position, l.window_start, l.window_end, e.value AS metric, e.value->>'name' AS name
       FROM inventory_latest l CROSS JOIN LATERAL jsonb_array_elements(l.metrics) e
      WHERE l.org_id = $1 AND l.window_end > $2 AND l.signal = 'metrics'
        AND ($3::text IS NULL OR strpos(lower(e.value->>'name'), $3) > 0)`;
  const names = await sql.query<{ name: string; total: number }>(
    `WITH entries AS (${entries}), names AS (SELECT DISTINCT name FROM entries)
     SELECT name, (SELECT count(*) FROM names)::int AS total FROM names
      WHERE $4::text IS NULL OR name > $4 ORDER BY name LIMIT $5`,
    params,
  );
  const total = names[0]?.total ?? 0;
  const page = names.slice(0, opts.limit).map((n) => n.name);
  if (page.length === 0) {
    const counted = opts.after
      ? ((
          await sql.query<{ total: number }>(
            `WITH entries AS (${entries}) SELECT count(DISTINCT name)::int AS total FROM entries`,
            params.slice(0, 3),
          )
        )[0]?.total ?? 0)
      : 0;
    return { rows: [], total: counted, hasMore: false };
  }
  const rows = await sql.query<OrgMetricRow>(
    `SELECT e.value->>'name' AS name, l.gateway_id, g.name AS gateway_name, l.position,
            EXTRACT(EPOCH FROM (l.window_end - l.window_start))::float8 AS window_seconds, e.value AS metric
       FROM inventory_latest l
       JOIN gateways g ON g.id = l.gateway_id AND g.org_id = l.org_id
       CROSS JOIN LATERAL jsonb_array_elements(l.metrics) e
      WHERE l.org_id = $1 AND l.window_end > $2 AND l.signal = 'metrics' AND e.value->>'name' = ANY($3::text[])
      ORDER BY name, g.name, l.gateway_id`,
    [scope.orgId, opts.since, page],
  );
  return { rows, total, hasMore: names.length > opts.limit };
}

export interface HourlyRow {
  hour: Date;
  pipeline: string;
  position: 'in' | 'out';
  signal: string;
  items: number;
  bytes: number;
  seconds: number;
  /** Per minute over the row's measured seconds (rates of several rows add up, counts over seconds do not). */
  items_per_min: number;
  bytes_per_min: number;
}

const RATES = `items * 60.0 / GREATEST(seconds, 1) AS items_per_min, bytes * 60.0 / GREATEST(seconds, 1) AS bytes_per_min`;

export const gatewayHourly = (sql: Sql, scope: OrgScope, gatewayId: string, since: Date) =>
  sql.query<HourlyRow>(
    `SELECT hour, pipeline, position, signal, items, bytes, seconds, ${RATES} FROM inventory_hourly
      WHERE org_id = $1 AND gateway_id = $2 AND hour >= $3 ORDER BY pipeline, hour, position`,
    [scope.orgId, gatewayId, since],
  );

/** Per signal and hour, summed over the org's gateways and pipelines (rates: each row's, added up). */
export const orgHourly = (sql: Sql, scope: OrgScope, since: Date) =>
  sql.query<Omit<HourlyRow, 'pipeline'>>(
    `SELECT hour, position, signal, sum(items)::bigint AS items, sum(bytes)::bigint AS bytes,
            sum(seconds)::bigint AS seconds,
            sum(items * 60.0 / GREATEST(seconds, 1))::float8 AS items_per_min,
            sum(bytes * 60.0 / GREATEST(seconds, 1))::float8 AS bytes_per_min
       FROM inventory_hourly WHERE org_id = $1 AND hour >= $2
      GROUP BY hour, position, signal ORDER BY signal, hour, position`,
    [scope.orgId, since],
  );

/** What the gateway says about measuring: custom capabilities and available components. */
export const measureStateOf = async (sql: Sql, scope: OrgScope, gatewayId: string) =>
  (
    await sql.query<{ custom_capabilities: string[] | null; components: Record<string, unknown> | null }>(
      `SELECT custom_capabilities, available_components->'processors' AS components
         FROM gateways WHERE org_id = $1 AND id = $2`,
      [scope.orgId, gatewayId],
    )
  )[0] ?? null;

/**
 * History older than `before` goes, in every org (a maintenance job, not a tenant's request): hourly rows,
 * and latest points of pipelines that have not reported since (removed from the configuration, or the
 * gateway stopped measuring). Returns the rows removed.
 */
export async function pruneBefore(sql: Sql, before: Date): Promise<number> {
  const a = await sql.query('DELETE FROM inventory_hourly WHERE hour < $1 RETURNING 1', [before]);
  const b = await sql.query('DELETE FROM inventory_metric_hourly WHERE hour < $1 RETURNING 1', [before]);
  const c = await sql.query('DELETE FROM inventory_latest WHERE window_end < $1 RETURNING 1', [before]);
  return a.length + b.length + c.length;
}
