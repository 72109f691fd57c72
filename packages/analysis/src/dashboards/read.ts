// Dashboard documents as uploaded or fetched: one dashboard (classic or v2), the API's
// `{dashboard, meta}` envelope, or an array of them. Returns the dashboards read, or why the content
// is not one (malformed JSON with its position, not a dashboard, a dashboard without panels).
import { analyzeQuery, buildAnalysis } from '../usage/analyze-queries.ts';
import type { SourceAnalysis } from '../usage/types.ts';
import { isObject, readClassicDashboard, type DashboardRead, type DashboardReadOptions, type Json } from './classic.ts';
import { isV2Dashboard, readV2Dashboard } from './v2.ts';
import { jsonErrorOffset } from './json-error.ts';

export type ReadFailure = {
  ok: false;
  reason: 'malformed' | 'not_dashboard' | 'dashboard_empty' | 'not_rules';
  message: string;
  line?: number;
  column?: number;
};

/** Line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function parseJson(content: string): { ok: true; value: unknown } | ReadFailure {
  try {
    return { ok: true, value: JSON.parse(content) };
  } catch (err) {
    const message = (err as Error).message;
    const offset = jsonErrorOffset(content);
    const where = offset >= 0 ? lineColumn(content, offset) : null;
    return {
      ok: false,
      reason: 'malformed',
      message: `not valid JSON${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${message}`,
      ...(where ?? {}),
    };
  }
}

const looksLikeDashboard = (d: Json) => Array.isArray(d.panels) || Array.isArray(d.rows) || isV2Dashboard(d);

/** Reads one dashboard object (classic, v2, or inside the API's `{dashboard}` envelope). */
export function readDashboardObject(value: unknown, opts: DashboardReadOptions = {}): DashboardRead | ReadFailure {
  if (!isObject(value))
    return { ok: false, reason: 'not_dashboard', message: 'not a Grafana dashboard: expected a JSON object' };
  const d = isObject(value.dashboard) && !looksLikeDashboard(value) ? value.dashboard : value;
  if (isV2Dashboard(d)) return readV2Dashboard(d, opts);
  if (!looksLikeDashboard(d))
    return {
      ok: false,
      reason: 'not_dashboard',
      message:
        'not a Grafana dashboard: no "panels" or "rows" (classic) and no "spec.elements" (v2 schema)' +
        (typeof d.title === 'string' ? ` in "${d.title}"` : ''),
    };
  const read = readClassicDashboard(d, opts);
  if (read.panels === 0)
    return {
      ok: false,
      reason: 'dashboard_empty',
      message: `dashboard "${read.title}" has no panels: nothing reads a metric`,
    };
  return read;
}

/** A dashboard upload: one dashboard or an array of them. Fails on the first one that is not usable. */
export function readDashboardUpload(content: string): { ok: true; dashboards: DashboardRead[] } | ReadFailure {
  const parsed = parseJson(content);
  if (!parsed.ok) return parsed;
  const docs = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  if (docs.length === 0) return { ok: false, reason: 'not_dashboard', message: 'an empty array holds no dashboard' };
  const dashboards: DashboardRead[] = [];
  for (const [i, doc] of docs.entries()) {
    const read = readDashboardObject(doc);
    if ('ok' in read) return docs.length > 1 ? { ...read, message: `dashboard #${i + 1}: ${read.message}` } : read;
    dashboards.push(read);
  }
  return { ok: true, dashboards };
}

/** Analyses the queries of dashboards (each with its own variables). */
export function analyzeDashboards(dashboards: readonly DashboardRead[]): SourceAnalysis {
  const queries = dashboards.flatMap((d) => d.queries.map((q) => analyzeQuery(q, d.variables)));
  return buildAnalysis(
    queries,
    dashboards.flatMap((d) => d.problems),
    { dashboards: dashboards.length, panels: dashboards.reduce((n, d) => n + d.panels, 0) },
  );
}
