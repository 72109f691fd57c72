import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope, Actor } from '../../platform/scope.ts';
import type { AuditLogEntry } from '@flowgate/config-model';
import { AppError } from '../../platform/errors.ts';

export interface AuditRecord {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Keys whose values never reach the audit log. */
const SECRET_KEYS = /pass(word)?|secret|token|key_hash|api_key|credential|authorization|value/i;

export function redactForAudit(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEYS.test(k) && !/^(token_expires_at|expires_at|prefix)$/.test(k)) out[k] = '[redacted]';
      else if (k === 'config_yaml' && typeof v === 'string') out[k] = `[${v.length} chars]`;
      else out[k] = redactForAudit(v);
    }
    return out;
  }
  return value;
}

export async function insertAudit(
  sql: Sql,
  orgId: string | null,
  actor: Actor,
  requestId: string | null,
  rec: AuditRecord,
): Promise<void> {
  await sql.query(
    `INSERT INTO audit_logs
       (org_id, actor_type, actor_id, actor_label, action, resource_type, resource_id, before, after, request_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [
      orgId,
      actor.type,
      actor.id,
      actor.label,
      rec.action,
      rec.resourceType,
      rec.resourceId ?? null,
      rec.before === undefined ? null : JSON.stringify(redactForAudit(rec.before)),
      rec.after === undefined ? null : JSON.stringify(redactForAudit(rec.after)),
      requestId,
    ],
  );
}

export const audit = (sql: Sql, scope: OrgScope, rec: AuditRecord) =>
  insertAudit(sql, scope.orgId, scope.actor, scope.requestId, rec);

export interface AuditQuery {
  limit: number;
  cursor?: string;
  action?: string;
  resource_type?: string;
  resource_id?: string;
  actor_id?: string;
}

/** Microsecond-precise timestamp for keyset cursors (a JS Date would round to milliseconds). */
export const CURSOR_AT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function listAudit(
  sql: Sql,
  scope: OrgScope,
  q: AuditQuery,
): Promise<{ items: AuditLogEntry[]; next_cursor: string | null }> {
  const where = ['org_id = $1'];
  const params: unknown[] = [scope.orgId];
  const add = (clause: string, v: unknown) => {
    params.push(v);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.action) add('action = ?', q.action);
  if (q.resource_type) add('resource_type = ?', q.resource_type);
  if (q.resource_id) add('resource_id = ?', q.resource_id);
  if (q.actor_id) add('actor_id = ?', q.actor_id);
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
    if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id))
      throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
    params.push(at, id);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(q.limit + 1);
  const rows = await sql.query<Record<string, unknown> & { id: string; created_at: Date; cursor_at: string }>(
    `SELECT *, ${CURSOR_AT} AS cursor_at FROM audit_logs WHERE ${where.join(' AND ')} ` +
      `ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const next = rows.length > q.limit && last ? Buffer.from(`${last.cursor_at}|${last.id}`).toString('base64url') : null;
  return {
    items: page.map(({ cursor_at: _c, ...r }) => ({ ...r, created_at: r.created_at.toISOString() }) as AuditLogEntry),
    next_cursor: next,
  };
}
