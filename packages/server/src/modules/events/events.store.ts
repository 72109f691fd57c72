// Domain events and their outbox. recordEvent() is called inside the transaction of the change (like
// audit()); the relay (outbox-relay.ts) claims what is not yet published.
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface NewEvent {
  type: string;
  subject: { type: string; id: string | null; name?: string | null };
  data?: Record<string, unknown>;
}

export interface EventRow {
  id: string;
  org_id: string;
  type: string;
  subject_type: string;
  subject_id: string | null;
  subject_name: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
}
const COLUMNS = 'id::text AS id, org_id, type, subject_type, subject_id, subject_name, data, occurred_at';

/** Writes the event and its outbox entry; part of the caller's transaction. Returns the event id. */
export async function recordEvent(sql: Sql, scope: OrgScope, e: NewEvent): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    'SELECT flowgate_record_event($1, $2, $3, $4, $5, $6::jsonb)::text AS id',
    [scope.orgId, e.type, e.subject.type, e.subject.id, e.subject.name ?? null, JSON.stringify(e.data ?? {})],
  );
  return row!.id;
}

/** Is anything waiting? (a cheap look before opening a transaction) */
export const hasPending = async (sql: Sql) =>
  (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT 1 FROM event_outbox LIMIT 1) x'))[0]!.n > 0;

/**
 * Takes up to `limit` unpublished events out of the outbox, oldest first, and returns them. Run inside a
 * transaction: the rows stay locked (and other replicas skip them) until it commits, and come back if it
 * rolls back — so an event is published by exactly one replica, and never lost.
 */
export async function claimPending(sql: Sql, limit: number): Promise<EventRow[]> {
  const claimed = await sql.query<{ event_id: string }>(
    `DELETE FROM event_outbox WHERE event_id IN (
       SELECT event_id FROM event_outbox ORDER BY event_id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING event_id::text`,
    [limit],
  );
  if (claimed.length === 0) return [];
  return sql.query<EventRow>(`SELECT ${COLUMNS} FROM domain_events WHERE id = ANY($1::bigint[]) ORDER BY id`, [
    claimed.map((c) => c.event_id),
  ]);
}

export const getEvent = async (sql: Sql, scope: OrgScope, id: string) =>
  (
    await sql.query<EventRow>(`SELECT ${COLUMNS} FROM domain_events WHERE org_id = $1 AND id = $2::bigint`, [
      scope.orgId,
      id,
    ])
  )[0] ?? null;

/** The org's events, newest first; `typePrefix` for a family (`deployment.`), `type` for one type. */
export const listEvents = (
  sql: Sql,
  scope: OrgScope,
  q: { type?: string; typePrefix?: string; before?: string; limit: number },
) =>
  sql.query<EventRow>(
    `SELECT ${COLUMNS} FROM domain_events
      WHERE org_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR starts_with(type, $3))
        AND ($4::bigint IS NULL OR id < $4::bigint)
      ORDER BY id DESC LIMIT $5`,
    [scope.orgId, q.type ?? null, q.typePrefix ?? null, q.before ?? null, q.limit],
  );

/** Published events older than the retention (their deliveries go with them). */
export const pruneEvents = (sql: Sql, days: number) =>
  sql.query(
    `DELETE FROM domain_events WHERE occurred_at < now() - make_interval(days => $1)
       AND id NOT IN (SELECT event_id FROM event_outbox)`,
    [days],
  );
