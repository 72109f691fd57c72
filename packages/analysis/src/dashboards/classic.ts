// Grafana "classic" dashboard JSON (schemaVersion ≤ 41, what the dashboard-by-uid API returns):
// panels, rows and the nested panels of collapsed rows, legacy `rows[].panels`, `targets[].expr`,
// `legendFormat`, templating variables and annotations. Library panels are resolved through the
// given lookup (the Grafana connector) or reported as not resolvable from a file.
import type { DashboardVariable } from '../promql/variables.ts';
import type { ExtractedQuery, QueryLocation, SourceProblem } from '../usage/types.ts';
import { variableQuery, variableQueryText } from './variable-queries.ts';

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export interface DashboardReadOptions {
  /** Library panel model by uid (from Grafana's /api/library-elements/<uid>), when a server is at hand. */
  libraryPanel?(uid: string): Json | undefined;
  /** Link to the dashboard in Grafana; panels link to `<url>?viewPanel=<id>`. */
  url?: string;
}

export interface DashboardRead {
  uid?: string;
  title: string;
  format: 'classic' | 'v2';
  panels: number;
  variables: DashboardVariable[];
  queries: ExtractedQuery[];
  problems: SourceProblem[];
}

/** Labels in a legend such as `{{instance}} - {{ mode }}`. */
export function legendLabels(legend: unknown): string[] {
  if (typeof legend !== 'string') return [];
  return [...new Set([...legend.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!))];
}

/** Data source types whose queries are PromQL. Unknown or templated data sources are assumed to be. */
const NOT_PROMQL_NAME =
  /loki|elastic|opensearch|influx|tempo|jaeger|zipkin|graphite|mysql|postgres|cloudwatch|pyroscope/i;

export function isPromqlDatasource(ds: unknown): boolean | 'unknown' {
  // Legacy dashboards name their data source by a string; a LogQL query read as PromQL would claim
  // every metric, so names that say another kind are skipped.
  if (typeof ds === 'string') return ds.startsWith('$') || !NOT_PROMQL_NAME.test(ds) ? 'unknown' : false;
  const type = isObject(ds) ? str(ds.type) : undefined;
  if (!type || type.startsWith('$')) return 'unknown';
  return /prometheus|victoriametrics-metrics|mimir|thanos|cortex/i.test(type);
}

export function dashboardVariables(list: unknown): DashboardVariable[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((v) => {
    const type = str(v.type) ?? 'query';
    const current = isObject(v.current) ? str(v.current.value) : undefined;
    const value = type === 'constant' ? (str(v.query) ?? current) : undefined;
    return { name: str(v.name) ?? '', type, ...(value !== undefined ? { value } : {}) };
  });
}

export function readClassicDashboard(d: Json, opts: DashboardReadOptions = {}): DashboardRead {
  const uid = str(d.uid);
  const title = str(d.title) ?? '(untitled dashboard)';
  const key = uid ?? title;
  const dashLoc: QueryLocation = { ...(uid ? { dashboard_uid: uid } : {}), dashboard_title: title };
  const variables = dashboardVariables(isObject(d.templating) ? d.templating.list : undefined);
  const queries: ExtractedQuery[] = [];
  const problems: SourceProblem[] = [];
  let panelCount = 0;

  const panelTargets = (panel: Json, loc: QueryLocation, panelDs: unknown) => {
    for (const t of Array.isArray(panel.targets) ? panel.targets.filter(isObject) : []) {
      const expr = str(t.expr);
      if (!expr || !expr.trim()) continue;
      const ds = t.datasource ?? panelDs;
      if (isPromqlDatasource(ds) === false) {
        problems.push({
          kind: 'datasource_not_promql',
          message: `query ${str(t.refId) ?? ''} uses a ${isObject(ds) ? String(ds.type) : `"${String(ds)}"`} data source: not PromQL, skipped`,
          location: loc,
          expr,
        });
        continue;
      }
      queries.push({
        kind: 'panel',
        expr,
        location: loc,
        legend_labels: legendLabels(t.legendFormat),
        dashboard_key: key,
      });
    }
  };

  const visitPanel = (panel: Json) => {
    const id = str(panel.id);
    const loc: QueryLocation = {
      ...dashLoc,
      ...(id !== undefined ? { panel_id: id } : {}),
      panel_title: str(panel.title) ?? '(untitled panel)',
      ...(opts.url ? { url: id !== undefined ? `${opts.url}?viewPanel=${id}` : opts.url } : {}),
    };
    if (panel.type !== 'row') panelCount++;
    const lib = isObject(panel.libraryPanel) ? panel.libraryPanel : null;
    if (lib && !Array.isArray(panel.targets)) {
      const libUid = str(lib.uid) ?? '';
      const model = opts.libraryPanel?.(libUid);
      if (model)
        panelTargets(
          isObject(model.model) ? model.model : model,
          loc,
          (model.model as Json | undefined)?.datasource ?? model.datasource,
        );
      else
        problems.push({
          kind: 'library_panel_unresolved',
          message:
            `library panel "${str(lib.name) ?? libUid}" (uid ${libUid}) is stored in Grafana, not in the dashboard: ` +
            'its queries are not known from a file (connect the Grafana server to resolve it)',
          location: loc,
        });
    } else panelTargets(panel, loc, panel.datasource);
    for (const nested of Array.isArray(panel.panels) ? panel.panels.filter(isObject) : []) visitPanel(nested);
  };

  for (const p of Array.isArray(d.panels) ? d.panels.filter(isObject) : []) visitPanel(p);
  for (const row of Array.isArray(d.rows) ? d.rows.filter(isObject) : [])
    for (const p of Array.isArray(row.panels) ? row.panels.filter(isObject) : []) visitPanel(p);

  const list = isObject(d.templating) && Array.isArray(d.templating.list) ? d.templating.list.filter(isObject) : [];
  for (const v of list) {
    if (v.type !== 'query' || isPromqlDatasource(v.datasource) === false) continue;
    const text = variableQueryText(v.query, v.definition);
    const q = text && variableQuery(text, { ...dashLoc, variable: str(v.name) ?? '' }, key);
    if (q) queries.push(q);
  }
  const annotations = isObject(d.annotations) && Array.isArray(d.annotations.list) ? d.annotations.list : [];
  for (const a of annotations.filter(isObject)) {
    const expr = str(a.expr);
    if (expr && isPromqlDatasource(a.datasource) !== false)
      queries.push({
        kind: 'annotation',
        expr,
        location: { ...dashLoc, panel_title: `annotation ${str(a.name) ?? ''}` },
        dashboard_key: key,
      });
  }
  return { ...(uid ? { uid } : {}), title, format: 'classic', panels: panelCount, variables, queries, problems };
}
