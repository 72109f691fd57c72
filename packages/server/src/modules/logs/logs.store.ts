// Saved log samples. Lines are stored as they will be mined (already bounded and masked by the service).
import type { Sql } from '../../platform/db/db.ts';
import type { OrgScope } from '../../platform/scope.ts';

export interface SampleContent {
  lines: string[];
  severities?: (string | null)[];
  times?: (string | null)[];
}

export interface LogSampleRow {
  id: string;
  org_id: string;
  name: string;
  source: string;
  format: string;
  line_count: number;
  bytes: string | number;
  window_seconds: number | null;
  notes: string[];
  created_at: Date;
}
const SUMMARY = 'id, org_id, name, source, format, line_count, bytes, window_seconds, notes, created_at';

export async function insertSample(
  sql: Sql,
  scope: OrgScope,
  s: {
    name: string;
    source: string;
    format: string;
    lineCount: number;
    bytes: number;
    windowSeconds: number | null;
    content: SampleContent;
    notes: string[];
  },
): Promise<LogSampleRow> {
  return (
    await sql.query<LogSampleRow>(
      `INSERT INTO log_samples (org_id, name, source, format, line_count, bytes, window_seconds, content, notes, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${SUMMARY}`,
      [
        scope.orgId,
        s.name,
        s.source,
        s.format,
        s.lineCount,
        s.bytes,
        s.windowSeconds,
        JSON.stringify(s.content),
        JSON.stringify(s.notes),
        scope.actor.label,
      ],
    )
  )[0]!;
}

/** Deletes all but the newest `keep` samples of the org; returns the ids deleted. */
export async function pruneSamples(sql: Sql, scope: OrgScope, keep: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `DELETE FROM log_samples WHERE org_id = $1 AND id IN (
       SELECT id FROM log_samples WHERE org_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2
     ) RETURNING id`,
    [scope.orgId, keep],
  );
  return rows.map((r) => r.id);
}

export const listSamples = (sql: Sql, scope: OrgScope) =>
  sql.query<LogSampleRow>(`SELECT ${SUMMARY} FROM log_samples WHERE org_id = $1 ORDER BY created_at DESC, id DESC`, [
    scope.orgId,
  ]);

export async function getSample(
  sql: Sql,
  scope: OrgScope,
  id: string,
): Promise<(LogSampleRow & { content: SampleContent }) | null> {
  return (
    (
      await sql.query<LogSampleRow & { content: SampleContent }>(
        `SELECT ${SUMMARY}, content FROM log_samples WHERE org_id = $1 AND id = $2`,
        [scope.orgId, id],
      )
    )[0] ?? null
  );
}

export async function deleteSample(sql: Sql, scope: OrgScope, id: string): Promise<LogSampleRow | null> {
  return (
    (
      await sql.query<LogSampleRow>(`DELETE FROM log_samples WHERE org_id = $1 AND id = $2 RETURNING ${SUMMARY}`, [
        scope.orgId,
        id,
      ])
    )[0] ?? null
  );
}
