import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface GatewayRow {
  id: string;
  org_id: string;
  instance_id: string;
  instance_uid: string | null;
  name: string;
  name_is_custom: boolean;
  status: 'registered' | 'active' | 'inactive' | 'error';
  mode: 'supervisor' | 'extension' | 'unknown';
  last_seen: Date | null;
  current_config_version: number | null;
  opamp_token_jti: string | null;
  token_expires_at: Date | null;
  registration_token_id: string | null;
  hostname: string | null;
  ip_address: string | null;
  extra_metadata: Record<string, unknown>;
  tags: Record<string, string>;
  description: { identifying: Record<string, string>; non_identifying: Record<string, string> } | null;
  capabilities: number;
  health: unknown;
  effective_config: string | null;
  available_components: unknown;
  available_components_hash: string | null;
  remote_config_status: string | null;
  remote_config_hash: string | null;
  remote_config_error: string | null;
  remote_config_updated_at: Date | null;
  desired_config_hash: string | null;
  failed_config_hash: string | null;
  desired_config: DesiredConfig | null;
  own_metrics_offer_hash: string | null;
  connected: boolean;
  transport: 'websocket' | 'http' | null;
  connected_since: Date | null;
  remote_address: string | null;
  connection_id: string | null;
  /** The control-plane process holding this gateway's WebSocket (see opamp_replicas). */
  replica_id?: string | null;
  pending_restart: boolean;
  created_at: Date;
  updated_at: Date;
  applied_config: DesiredConfig | null;
  applied_config_hash: string | null;
  config_recovery: string | null;
  config_recovery_at: Date | null;
  /** OpAMP custom capabilities the agent announced (e.g. io.flowgate.measure); null: none yet. */
  custom_capabilities?: string[] | null;
}

export interface DesiredConfig {
  files: Record<string, string>;
  deployment_id: string | null;
  template_id: string | null;
  version: number | null;
}

/** Columns for lists: no large blobs. */
export const LIST_COLUMNS = `id, org_id, instance_id, instance_uid, name, status, mode, last_seen, hostname, tags,
  capabilities, connected, transport, remote_config_status, created_at,
  description->'identifying'->>'service.version' AS version, (health->>'healthy')::boolean AS agent_healthy`;

export type GatewayListRow = Pick<
  GatewayRow,
  | 'id'
  | 'org_id'
  | 'instance_id'
  | 'instance_uid'
  | 'name'
  | 'status'
  | 'mode'
  | 'last_seen'
  | 'hostname'
  | 'tags'
  | 'capabilities'
  | 'connected'
  | 'transport'
  | 'remote_config_status'
  | 'created_at'
> & { version: string | null; agent_healthy: boolean | null };

export async function insertGateway(
  sql: Sql,
  scope: OrgScope,
  g: {
    instanceId: string;
    instanceUid: string | null;
    name: string;
    nameIsCustom: boolean;
    hostname: string | null;
    ipAddress: string | null;
    metadata: Record<string, unknown>;
    registrationTokenId: string | null;
    status?: GatewayRow['status'];
  },
): Promise<GatewayRow> {
  return (
    await sql.query<GatewayRow>(
      `INSERT INTO gateways (org_id, instance_id, instance_uid, name, name_is_custom, hostname, ip_address,
                            extra_metadata, registration_token_id, status)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *`,
      [
        scope.orgId,
        g.instanceId,
        g.instanceUid,
        g.name,
        g.nameIsCustom,
        g.hostname,
        g.ipAddress,
        JSON.stringify(g.metadata),
        g.registrationTokenId,
        g.status ?? 'registered',
      ],
    )
  )[0]!;
}

export const getGateway = async (sql: Sql, scope: OrgScope, id: string) =>
  (await sql.query<GatewayRow>('SELECT * FROM gateways WHERE org_id = $1 AND id = $2', [scope.orgId, id]))[0] ?? null;
export const getGatewayByInstanceId = async (sql: Sql, scope: OrgScope, instanceId: string) =>
  (
    await sql.query<GatewayRow>('SELECT * FROM gateways WHERE org_id = $1 AND instance_id = $2', [
      scope.orgId,
      instanceId,
    ])
  )[0] ?? null;
export const getGatewayByInstanceUid = async (sql: Sql, scope: OrgScope, uid: string) =>
  (
    await sql.query<GatewayRow>('SELECT * FROM gateways WHERE org_id = $1 AND instance_uid = $2', [scope.orgId, uid])
  )[0] ?? null;

function updateSql(scope: OrgScope, id: string, patch: Partial<Record<keyof GatewayRow, unknown>>, returning: string) {
  const keys = Object.keys(patch);
  const sets = keys.map((k, i) => `${k} = $${i + 3}`);
  const values = keys.map((k) => {
    const v = (patch as Record<string, unknown>)[k];
    return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
  });
  return [
    `UPDATE gateways SET ${sets.join(', ')}, updated_at = now() WHERE org_id = $1 AND id = $2 RETURNING ${returning}`,
    [scope.orgId, id, ...values],
  ] as const;
}

export async function updateGateway(
  sql: Sql,
  scope: OrgScope,
  id: string,
  patch: Partial<Record<keyof GatewayRow, unknown>>,
): Promise<GatewayRow | null> {
  if (Object.keys(patch).length === 0) return getGateway(sql, scope, id);
  return (await sql.query<GatewayRow>(...updateSql(scope, id, patch, '*')))[0] ?? null;
}

/** updateGateway without reading the row back (the OpAMP hot path). False when there is no such gateway. */
export async function patchGateway(
  sql: Sql,
  scope: OrgScope,
  id: string,
  patch: Partial<Record<keyof GatewayRow, unknown>>,
): Promise<boolean> {
  if (Object.keys(patch).length === 0) return (await getGateway(sql, scope, id)) !== null;
  return (await sql.query<{ id: string }>(...updateSql(scope, id, patch, 'id'))).length === 1;
}

export const deleteGateway = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<{ id: string }>('DELETE FROM gateways WHERE org_id = $1 AND id = $2 RETURNING id', [
      scope.orgId,
      id,
    ])
  ).length === 1;

export interface GatewayFilter {
  status?: string;
  health?: string;
  name?: string;
  tag?: { key: string; value: string };
  ids?: string[];
  tags?: Record<string, string>;
}

function filterSql(scope: OrgScope, f: GatewayFilter, params: unknown[]): string[] {
  params.push(scope.orgId);
  const where = [`org_id = $${params.length}`];
  if (f.status) {
    params.push(f.status);
    where.push(`status = $${params.length}`);
  }
  if (f.name) {
    params.push(`%${f.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`name ILIKE $${params.length}`);
  }
  if (f.tag) {
    params.push(JSON.stringify({ [f.tag.key]: f.tag.value }));
    where.push(`tags @> $${params.length}::jsonb`);
  }
  if (f.tags && Object.keys(f.tags).length) {
    params.push(JSON.stringify(f.tags));
    where.push(`tags @> $${params.length}::jsonb`);
  }
  if (f.ids) {
    params.push(f.ids);
    where.push(`id = ANY($${params.length}::uuid[])`);
  }
  return where;
}

const SORTS = {
  name: { col: 'name', dir: 'ASC' },
  '-name': { col: 'name', dir: 'DESC' },
  last_seen: { col: 'last_seen', dir: 'ASC' },
  '-last_seen': { col: 'last_seen', dir: 'DESC' },
  created_at: { col: 'created_at', dir: 'ASC' },
  '-created_at': { col: 'created_at', dir: 'DESC' },
} as const;
export type GatewaySort = keyof typeof SORTS;

/** Keyset-paged list. The cursor encodes the sort value and id of the last row. */
export async function listGateways(
  sql: Sql,
  scope: OrgScope,
  f: GatewayFilter,
  sort: GatewaySort,
  limit: number,
  cursor: string | null,
) {
  const params: unknown[] = [];
  const where = filterSql(scope, f, params);
  const { col, dir } = SORTS[sort];
  const cmp = dir === 'ASC' ? '>' : '<';
  // Sort NULL last_seen as the epoch so the keyset comparison stays total.
  const key = col === 'last_seen' ? `coalesce(last_seen, 'epoch'::timestamptz)` : col;
  if (cursor) {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    params.push(value, id);
    const cast = col === 'name' ? '::text' : '::timestamptz';
    where.push(`(${key}, id) ${cmp} ($${params.length - 1}${cast}, $${params.length}::uuid)`);
  }
  params.push(limit + 1);
  const sortValueSql = col === 'name' ? 'name' : `to_char(${key} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const rows = await sql.query<GatewayListRow & { sort_value: string }>(
    `SELECT ${LIST_COLUMNS}, ${sortValueSql} AS sort_value FROM gateways ` +
      `WHERE ${where.join(' AND ')} ORDER BY ${key} ${dir}, id ${dir} LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? cursorFor(last) : null;
  return { rows: page, next };
}

export const cursorFor = (row: { sort_value: string; id: string }) =>
  Buffer.from(JSON.stringify([row.sort_value, row.id])).toString('base64url');

export async function countGateways(sql: Sql, scope: OrgScope, f: GatewayFilter): Promise<number> {
  const params: unknown[] = [];
  const where = filterSql(scope, f, params);
  return (
    await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM gateways WHERE ${where.join(' AND ')}`, params)
  )[0]!.n;
}

export const gatewaysMatching = (sql: Sql, scope: OrgScope, f: GatewayFilter) => {
  const params: unknown[] = [];
  const where = filterSql(scope, f, params);
  return sql.query<
    Pick<
      GatewayRow,
      | 'id'
      | 'name'
      | 'capabilities'
      | 'mode'
      | 'connected'
      | 'remote_config_hash'
      | 'remote_config_status'
      | 'desired_config_hash'
      | 'desired_config'
      | 'current_config_version'
    >
  >(
    `SELECT id, name, capabilities, mode, connected, remote_config_hash, remote_config_status, ` +
      `desired_config_hash, desired_config, current_config_version ` +
      `FROM gateways WHERE ${where.join(' AND ')} ORDER BY name, id`,
    params,
  );
};

/**
 * Gateways counted by what health is computed from. Last-seen ages are grouped into the buckets the
 * health rules tell apart (≤ healthyWithin, ≤ warningWithin, older; each represented by its upper
 * edge), not by the second: the answer is a handful of rows at any fleet size, not one per gateway.
 */
export async function fleetSummary(sql: Sql, scope: OrgScope, healthyWithin: number, warningWithin: number) {
  return sql.query<{
    status: string;
    connected: boolean;
    last_seen_age: number | null;
    agent_healthy: boolean | null;
    version: string | null;
    n: number;
  }>(
    `SELECT status, connected,
            CASE WHEN last_seen IS NULL THEN NULL
                 WHEN last_seen >= now() - make_interval(secs => $2) THEN 0
                 WHEN last_seen >= now() - make_interval(secs => $3) THEN $2::int + 1
                 ELSE $3::int + 1 END AS last_seen_age,
            (health->>'healthy')::boolean AS agent_healthy,
            description->'identifying'->>'service.version' AS version, count(*)::int AS n
       FROM gateways WHERE org_id = $1 GROUP BY 1,2,3,4,5`,
    [scope.orgId, healthyWithin, warningWithin],
  );
}

export const agentTags = (sql: Sql, scope: OrgScope) =>
  sql.query<{ key: string; values: string[]; gateways: number }>(
    `SELECT t.key, array_agg(DISTINCT t.value ORDER BY t.value) AS values, count(DISTINCT g.id)::int AS gateways
       FROM gateways g, jsonb_each_text(g.tags) t WHERE g.org_id = $1 GROUP BY t.key ORDER BY t.key`,
    [scope.orgId],
  );

/** Many config events in one statement (events of several orgs; trusted server code batching the adapter's reports). */
export async function insertConfigEvents(
  sql: Sql,
  events: { orgId: string; gatewayId: string; hash: string | null; status: string; error: string | null; at: Date }[],
): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `INSERT INTO gateway_config_events (org_id, gateway_id, config_hash, status, error_message, created_at)
     SELECT e.org_id, e.gateway_id, e.config_hash, e.status, e.error_message, e.created_at
       FROM jsonb_to_recordset($1::jsonb)
            AS e(n int, org_id uuid, gateway_id uuid, config_hash text, status text, error_message text,
                 created_at timestamptz)
      WHERE EXISTS (SELECT 1 FROM gateways g WHERE g.id = e.gateway_id AND g.org_id = e.org_id)
      ORDER BY e.n`,
    [
      JSON.stringify(
        events.map((e, n) => ({
          n,
          org_id: e.orgId,
          gateway_id: e.gatewayId,
          config_hash: e.hash,
          status: e.status,
          error_message: e.error,
          created_at: e.at.toISOString(),
        })),
      ),
    ],
  );
}

export const configEvents = (sql: Sql, scope: OrgScope, gatewayId: string, limit = 50) =>
  sql.query<{ config_hash: string | null; status: string; error_message: string | null; created_at: Date }>(
    'SELECT config_hash, status, error_message, created_at FROM gateway_config_events ' +
      'WHERE org_id = $1 AND gateway_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3',
    [scope.orgId, gatewayId, limit],
  );

/**
 * Batched heartbeat write: one statement for many gateways (ids from several orgs; trusted server code).
 * Rows another transaction holds (a rollout writing the same gateways) are skipped, not waited for —
 * a heartbeat never blocks or deadlocks a rollout; the ids it wrote are returned, the caller keeps the rest.
 */
export async function touchLastSeen(sql: Sql, ids: string[], times: Date[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(
    `UPDATE gateways g SET last_seen = GREATEST(g.last_seen, v.ts),
            status = CASE WHEN g.status IN ('registered', 'inactive') THEN 'active' ELSE g.status END
       FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::timestamptz[]) AS ts) v
      WHERE g.id = v.id
        AND g.id IN (SELECT id FROM gateways WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED)
      RETURNING g.id`,
    [ids, times],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * What many gateways of one org should run (a rollout batch, a rollback): one statement, rows locked
 * in id order so that two such writes never deadlock each other. A config sent explicitly may be one
 * that once failed: its failed marker is cleared.
 */
export async function setDesiredForMany(
  sql: Sql,
  scope: OrgScope,
  ids: string[],
  desired: DesiredConfig,
  hash: string,
): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(
    `UPDATE gateways SET desired_config = $3, desired_config_hash = $4, current_config_version = $5,
            config_recovery = NULL,
            failed_config_hash = CASE WHEN failed_config_hash = $4 THEN NULL ELSE failed_config_hash END,
            updated_at = now()
      WHERE id IN (SELECT id FROM gateways WHERE org_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE)`,
    [scope.orgId, ids, JSON.stringify(desired), hash, desired.version],
  );
}

/** A WebSocket connection ended: the gateway is disconnected unless a newer connection (any replica) took over. */
export const disconnectConnection = (sql: Sql, gatewayId: string, connectionId: string) =>
  sql.query(
    'UPDATE gateways SET connected = false, connection_id = NULL, ' +
      "status = CASE WHEN status = 'active' THEN 'inactive' ELSE status END, updated_at = now() " +
      'WHERE id = $1 AND connection_id = $2',
    [gatewayId, connectionId],
  );

/** A replica says it is alive (every few seconds). */
export const heartbeatReplica = (sql: Sql, replicaId: string) =>
  sql.query('INSERT INTO opamp_replicas (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET seen_at = now()', [replicaId]);
export const forgetReplica = (sql: Sql, replicaId: string) =>
  sql.query('DELETE FROM opamp_replicas WHERE id = $1', [replicaId]);

/**
 * WebSocket gateways held by a replica that stopped saying it is alive (or that no longer exists) are not
 * connected. Returns the gateways marked (trusted server code; every org). Rows without a replica id
 * (written before replicas were tracked) are left to their replica's own close.
 */
export const disconnectFromDeadReplicas = (sql: Sql, timeoutSeconds: number, selfId: string) =>
  sql.query<{ id: string; org_id: string }>(
    `UPDATE gateways SET connected = false, connection_id = NULL,
            status = CASE WHEN status = 'active' THEN 'inactive' ELSE status END, updated_at = now()
      WHERE connected AND transport = 'websocket' AND replica_id IS NOT NULL AND replica_id <> $2
        AND replica_id NOT IN (SELECT id FROM opamp_replicas WHERE seen_at > now() - make_interval(secs => $1))
      RETURNING id, org_id`,
    [timeoutSeconds, selfId],
  );
/** This replica's live WebSocket gateways that a sweep marked disconnected: connected again (trusted server code). */
export const reclaimConnections = (sql: Sql, replicaId: string, gatewayIds: string[], connectionIds: string[]) =>
  gatewayIds.length === 0
    ? Promise.resolve([])
    : sql.query<{ id: string; org_id: string }>(
        `UPDATE gateways g SET connected = true, connection_id = v.cid,
              status = CASE WHEN g.status = 'inactive' THEN 'active' ELSE g.status END, updated_at = now()
       FROM (SELECT unnest($2::uuid[]) AS id, unnest($3::text[]) AS cid) v
      WHERE g.id = v.id AND NOT g.connected AND g.connection_id IS NULL AND g.replica_id = $1
      RETURNING g.id, g.org_id`,
        [replicaId, gatewayIds, connectionIds],
      );
export const pruneReplicas = (sql: Sql, timeoutSeconds: number) =>
  sql.query("DELETE FROM opamp_replicas WHERE seen_at < now() - make_interval(secs => $1) - interval '1 hour'", [
    timeoutSeconds,
  ]);

/** At start-up, connections held by a previous run of this replica set are gone. */
export const markAllDisconnected = (sql: Sql, connectionIds: string[] | null) =>
  connectionIds === null
    ? sql.query(
        'UPDATE gateways SET connected = false, connection_id = NULL, ' +
          "status = CASE WHEN status = 'active' THEN 'inactive' ELSE status END " +
          "WHERE connected AND transport = 'websocket'",
      )
    : sql.query(
        'UPDATE gateways SET connected = false, connection_id = NULL, ' +
          "status = CASE WHEN status = 'active' THEN 'inactive' ELSE status END " +
          'WHERE connection_id = ANY($1::text[])',
        [connectionIds],
      );

export async function upsertMetricsBucket(sql: Sql, scope: OrgScope, gatewayId: string, bucket: Date, values: unknown) {
  await sql.query(
    `INSERT INTO gateway_metrics (org_id, gateway_id, bucket, values) VALUES ($1,$2,$3,$4)
     ON CONFLICT (gateway_id, bucket) DO UPDATE SET values = EXCLUDED.values`,
    [scope.orgId, gatewayId, bucket, JSON.stringify(values)],
  );
}
export const metricsSeries = (sql: Sql, scope: OrgScope, gatewayId: string, since: Date) =>
  sql.query<{ bucket: Date; values: MetricsSnapshot }>(
    'SELECT bucket, values FROM gateway_metrics WHERE org_id = $1 AND gateway_id = $2 AND bucket >= $3 ORDER BY bucket',
    [scope.orgId, gatewayId, since],
  );

export interface MetricsSnapshot {
  received: Record<string, number>;
  sent: Record<string, number>;
  refused: Record<string, number>;
  send_failed: Record<string, number>;
  processors: Record<string, { incoming: number; outgoing: number }>;
  at: string;
  /** otelcol_process_uptime (seconds): it goes down when the collector restarted. */
  uptime?: number;
}
