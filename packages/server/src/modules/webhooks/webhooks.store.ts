import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface WebhookRow {
  id: string;
  org_id: string;
  name: string;
  url_encrypted: string;
  url_display: string;
  events: string[];
  format: 'json' | 'slack' | 'jira' | 'github';
  options: { jira?: Record<string, unknown>; github?: Record<string, unknown> };
  secret_encrypted: string;
  enabled: boolean;
  disabled_reason: string | null;
  console_url: string | null;
  created_by_label: string | null;
  created_at: Date;
  updated_at: Date;
}
const W = `id, org_id, name, url_encrypted, url_display, events, format, options, secret_encrypted, enabled, disabled_reason, console_url,
  created_by_label, created_at, updated_at`;

export interface LastDelivery {
  webhook_id: string;
  status: string;
  response_code: number | null;
  updated_at: Date;
}

export const listWebhooks = (sql: Sql, scope: OrgScope) =>
  sql.query<WebhookRow>(`SELECT ${W} FROM webhooks WHERE org_id = $1 ORDER BY name, id`, [scope.orgId]);

export const getWebhook = async (sql: Sql, scope: OrgScope, id: string) =>
  (await sql.query<WebhookRow>(`SELECT ${W} FROM webhooks WHERE org_id = $1 AND id = $2`, [scope.orgId, id]))[0] ??
  null;

export const lockWebhook = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<WebhookRow>(`SELECT ${W} FROM webhooks WHERE org_id = $1 AND id = $2 FOR UPDATE`, [scope.orgId, id])
  )[0] ?? null;

export async function insertWebhook(
  sql: Sql,
  scope: OrgScope,
  w: Pick<
    WebhookRow,
    'name' | 'url_encrypted' | 'url_display' | 'events' | 'format' | 'options' | 'secret_encrypted' | 'enabled'
  > & {
    consoleUrl: string | null;
  },
): Promise<WebhookRow> {
  return (
    await sql.query<WebhookRow>(
      `INSERT INTO webhooks (org_id, name, url_encrypted, url_display, events, format, options, secret_encrypted,
                             enabled, console_url, created_by_label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${W}`,
      [
        scope.orgId,
        w.name,
        w.url_encrypted,
        w.url_display,
        w.events,
        w.format,
        JSON.stringify(w.options),
        w.secret_encrypted,
        w.enabled,
        w.consoleUrl,
        scope.actor.label,
      ],
    )
  )[0]!;
}

export async function updateWebhook(
  sql: Sql,
  scope: OrgScope,
  id: string,
  p: Partial<
    Pick<
      WebhookRow,
      | 'name'
      | 'url_encrypted'
      | 'url_display'
      | 'events'
      | 'options'
      | 'secret_encrypted'
      | 'enabled'
      | 'disabled_reason'
    >
  >,
): Promise<WebhookRow | null> {
  const sets: string[] = [];
  const params: unknown[] = [scope.orgId, id];
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    params.push(k === 'options' ? JSON.stringify(v) : v);
    sets.push(`${k} = $${params.length}`);
  }
  sets.push('updated_at = now()');
  return (
    (
      await sql.query<WebhookRow>(
        `UPDATE webhooks SET ${sets.join(', ')} WHERE org_id = $1 AND id = $2 RETURNING ${W}`,
        params,
      )
    )[0] ?? null
  );
}

export const deleteWebhook = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<{ id: string }>('DELETE FROM webhooks WHERE org_id = $1 AND id = $2 RETURNING id', [
      scope.orgId,
      id,
    ])
  ).length > 0;

export const lastDeliveries = (sql: Sql, scope: OrgScope) =>
  sql.query<LastDelivery>(
    `SELECT DISTINCT ON (webhook_id) webhook_id, status, response_code, updated_at FROM webhook_deliveries
      WHERE org_id = $1 ORDER BY webhook_id, created_at DESC`,
    [scope.orgId],
  );

// ── deliveries ─────────────────────────────────────────────────────────────────────────────────────────

export interface DeliveryRow {
  id: string;
  org_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivering' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  retry_until: Date;
  last_error: string | null;
  response_code: number | null;
  result: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}
const D = `id, org_id, webhook_id, event_id::text AS event_id, event_type, status, attempts, next_attempt_at, lease_until,
  retry_until, last_error, response_code, result, created_at, updated_at, delivered_at`;

/** Enabled webhooks of these orgs (the relay matches events against their patterns). */
export const enabledWebhooksOf = (sql: Sql, orgIds: string[]) =>
  sql.query<Pick<WebhookRow, 'id' | 'org_id' | 'events'>>(
    'SELECT id, org_id, events FROM webhooks WHERE enabled AND org_id = ANY($1::uuid[])',
    [orgIds],
  );

/** Queues deliveries (webhook, event); a pair already queued is left alone. Trusted: ids come from the relay. */
export async function enqueueDeliveries(
  sql: Sql,
  rows: { orgId: string; webhookId: string; eventId: string; eventType: string }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const out = await sql.query(
    `INSERT INTO webhook_deliveries (org_id, webhook_id, event_id, event_type, status)
     SELECT r.org_id, r.webhook_id, r.event_id, r.event_type, 'pending'
       FROM jsonb_to_recordset($1::jsonb) AS r(org_id uuid, webhook_id uuid, event_id bigint, event_type text)
     ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id`,
    [
      JSON.stringify(
        rows.map((r) => ({ org_id: r.orgId, webhook_id: r.webhookId, event_id: r.eventId, event_type: r.eventType })),
      ),
    ],
  );
  return out.length;
}

/**
 * Takes up to `limit` deliveries that are due — pending and past their next attempt, or being sent by a
 * replica whose lease ran out (it died mid-call) — and leases them for `leaseSeconds`. Trusted (all orgs).
 */
export const claimDue = (sql: Sql, limit: number, leaseSeconds: number) =>
  sql.query<DeliveryRow>(
    `UPDATE webhook_deliveries SET status = 'delivering', attempts = attempts + 1,
            lease_until = now() + make_interval(secs => $2), updated_at = now()
      WHERE id IN (SELECT id FROM webhook_deliveries
                    WHERE (status = 'pending' AND next_attempt_at <= now())
                       OR (status = 'delivering' AND lease_until < now())
                    ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING ${D}`,
    [limit, leaseSeconds],
  );

/** The webhook and event of a claimed delivery (trusted: by id). */
export const webhookById = async (sql: Sql, id: string) =>
  (await sql.query<WebhookRow>(`SELECT ${W} FROM webhooks WHERE id = $1`, [id]))[0] ?? null;

export interface AttemptRecord {
  deliveryId: string;
  orgId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  responseCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

/** Records an attempt and the delivery's new state — unless another replica took the delivery over meanwhile. */
export async function finishAttempt(
  sql: Sql,
  a: AttemptRecord,
  next:
    | { status: 'delivered'; result: Record<string, unknown> | null }
    | { status: 'pending'; nextAttemptAt: Date }
    | { status: 'failed' },
): Promise<boolean> {
  const updated = await sql.query(
    `UPDATE webhook_deliveries SET status = $3, last_error = $4, response_code = $5, lease_until = NULL,
            next_attempt_at = coalesce($6, next_attempt_at), result = coalesce($7::jsonb, result),
            delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END, updated_at = now()
      WHERE id = $1 AND status = 'delivering' AND attempts = $2 RETURNING id`,
    [
      a.deliveryId,
      a.attempt,
      next.status,
      a.error,
      a.responseCode,
      next.status === 'pending' ? next.nextAttemptAt : null,
      next.status === 'delivered' && next.result ? JSON.stringify(next.result) : null,
    ],
  );
  await sql.query(
    `INSERT INTO webhook_attempts (org_id, delivery_id, attempt, started_at, duration_ms, response_code, error,
                                   response_excerpt)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [a.orgId, a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.responseCode, a.error, a.responseExcerpt],
  );
  return updated.length > 0;
}

/** A webhook the receiver said is gone (410): no more deliveries until someone enables it again. */
export const disableWebhook = (sql: Sql, id: string, reason: string) =>
  sql.query('UPDATE webhooks SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1', [
    id,
    reason,
  ]);

/** Deliveries of a webhook that wait for it: failed when it is disabled or deleted. */
export const failWaiting = (sql: Sql, webhookId: string, reason: string) =>
  sql.query(
    `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, lease_until = NULL, updated_at = now()
      WHERE webhook_id = $1 AND status = 'pending'`,
    [webhookId, reason],
  );

export const listDeliveries = (sql: Sql, scope: OrgScope, webhookId: string, status: string | null, limit: number) =>
  sql.query<DeliveryRow>(
    `SELECT ${D} FROM webhook_deliveries WHERE org_id = $1 AND webhook_id = $2 AND ($3::text IS NULL OR status = $3)
      ORDER BY created_at DESC, id LIMIT $4`,
    [scope.orgId, webhookId, status, limit],
  );

export const getDelivery = async (sql: Sql, scope: OrgScope, webhookId: string, id: string) =>
  (
    await sql.query<DeliveryRow>(
      `SELECT ${D} FROM webhook_deliveries WHERE org_id = $1 AND webhook_id = $2 AND id = $3`,
      [scope.orgId, webhookId, id],
    )
  )[0] ?? null;

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  response_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}
export const attemptsOf = (sql: Sql, scope: OrgScope, deliveryIds: string[]) =>
  sql.query<AttemptRow>(
    `SELECT delivery_id, attempt, started_at, duration_ms, response_code, error, response_excerpt
       FROM webhook_attempts WHERE org_id = $1 AND delivery_id = ANY($2::uuid[]) ORDER BY delivery_id, id`,
    [scope.orgId, deliveryIds],
  );

/** Sends a delivery again from now: a new 24-hour window, attempts counted on. */
export const redeliver = async (sql: Sql, scope: OrgScope, webhookId: string, id: string) =>
  (
    await sql.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), lease_until = NULL,
              retry_until = now() + interval '24 hours', updated_at = now()
        WHERE org_id = $1 AND webhook_id = $2 AND id = $3 AND status <> 'delivering' RETURNING ${D}`,
      [scope.orgId, webhookId, id],
    )
  )[0] ?? null;
