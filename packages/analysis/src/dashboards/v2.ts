// Grafana's v2 dashboard schema (dashboard.grafana.app/v2alpha1 and v2beta1): `spec.elements` holds
// panels by name (`Panel` with `data.spec.queries[].spec.query`, or `LibraryPanel` references), layouts
// only place them, `spec.variables` are `QueryVariable`, `IntervalVariable`, `ConstantVariable`, ….
// The query of a panel is `{kind: "prometheus", spec: {expr}}` in v2alpha1 and
// `{kind: "DataQuery", group: "prometheus", spec: {expr}}` in v2beta1.
import type { DashboardVariable } from '../promql/variables.ts';
import type { ExtractedQuery, QueryLocation, SourceProblem } from '../usage/types.ts';
import { isObject, legendLabels, type DashboardRead, type DashboardReadOptions, type Json } from './classic.ts';
import { variableQuery, variableQueryText } from './variable-queries.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** The plugin a v2 query belongs to: `group` (v2beta1) or `kind` (v2alpha1). */
function queryPlugin(query: Json): string | undefined {
  return query.kind === 'DataQuery' ? str(query.group) : str(query.kind);
}
const isPromqlPlugin = (plugin: string | undefined) => !plugin || /prometheus|victoriametrics-metrics/i.test(plugin);

export const isV2Dashboard = (d: Json): boolean =>
  isObject(d.spec) ? isObject(d.spec.elements) || isObject(d.spec.layout) : isObject(d.elements) && isObject(d.layout);

function v2Variables(list: unknown): DashboardVariable[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((v) => {
    const kind = str(v.kind) ?? '';
    const spec = isObject(v.spec) ? v.spec : {};
    const type = kind.replace(/Variable$/, '').toLowerCase() || 'query';
    const value = type === 'constant' ? str(spec.query) : undefined;
    return { name: str(spec.name) ?? '', type, ...(value !== undefined ? { value } : {}) };
  });
}

export function readV2Dashboard(doc: Json, opts: DashboardReadOptions = {}): DashboardRead {
  const spec = isObject(doc.spec) ? doc.spec : doc;
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const uid = str(metadata.name) ?? str(spec.uid);
  const title = str(spec.title) ?? '(untitled dashboard)';
  const key = uid ?? title;
  const dashLoc: QueryLocation = { ...(uid ? { dashboard_uid: uid } : {}), dashboard_title: title };
  const variables = v2Variables(spec.variables);
  const queries: ExtractedQuery[] = [];
  const problems: SourceProblem[] = [];
  let panels = 0;

  const panelQueries = (panelSpec: Json, loc: QueryLocation) => {
    const data = isObject(panelSpec.data) && isObject(panelSpec.data.spec) ? panelSpec.data.spec : {};
    for (const pq of Array.isArray(data.queries) ? data.queries.filter(isObject) : []) {
      const pqSpec = isObject(pq.spec) ? pq.spec : {};
      const query = isObject(pqSpec.query) ? pqSpec.query : {};
      const qSpec = isObject(query.spec) ? query.spec : {};
      const expr = str(qSpec.expr);
      if (!expr || !expr.trim()) continue;
      if (!isPromqlPlugin(queryPlugin(query))) {
        problems.push({
          kind: 'datasource_not_promql',
          message: `query ${str(pqSpec.refId) ?? ''} uses a ${queryPlugin(query)} data source: not PromQL, skipped`,
          location: loc,
          expr,
        });
        continue;
      }
      queries.push({
        kind: 'panel',
        expr,
        location: loc,
        legend_labels: legendLabels(qSpec.legendFormat),
        dashboard_key: key,
      });
    }
  };

  const elements = isObject(spec.elements) ? spec.elements : {};
  for (const [name, element] of Object.entries(elements)) {
    if (!isObject(element)) continue;
    const es = isObject(element.spec) ? element.spec : {};
    const id = str(es.id) ?? name;
    const loc: QueryLocation = {
      ...dashLoc,
      panel_id: id,
      panel_title: str(es.title) ?? name,
      ...(opts.url ? { url: `${opts.url}?viewPanel=${encodeURIComponent(name)}` } : {}),
    };
    panels++;
    if (element.kind === 'LibraryPanel') {
      const ref = isObject(es.libraryPanel) ? es.libraryPanel : {};
      const libUid = str(ref.uid) ?? '';
      const model = opts.libraryPanel?.(libUid);
      if (model) {
        // A library panel's model is classic panel JSON: targets[].expr.
        const m = isObject(model.model) ? model.model : model;
        for (const t of Array.isArray(m.targets) ? m.targets.filter(isObject) : [])
          if (str(t.expr)?.trim())
            queries.push({
              kind: 'panel',
              expr: str(t.expr)!,
              location: loc,
              legend_labels: legendLabels(t.legendFormat),
              dashboard_key: key,
            });
      } else
        problems.push({
          kind: 'library_panel_unresolved',
          message:
            `library panel "${str(ref.name) ?? libUid}" (uid ${libUid}) is stored in Grafana, not in the dashboard: ` +
            'its queries are not known from a file (connect the Grafana server to resolve it)',
          location: loc,
        });
    } else panelQueries(es, loc);
  }

  for (const v of Array.isArray(spec.variables) ? spec.variables.filter(isObject) : []) {
    if (v.kind !== 'QueryVariable') continue;
    const vs = isObject(v.spec) ? v.spec : {};
    const query = isObject(vs.query) ? vs.query : {};
    if (!isPromqlPlugin(queryPlugin(query))) continue;
    const text = variableQueryText(query.spec, vs.definition);
    const q = text && variableQuery(text, { ...dashLoc, variable: str(vs.name) ?? '' }, key);
    if (q) queries.push(q);
  }
  return { ...(uid ? { uid } : {}), title, format: 'v2', panels, variables, queries, problems };
}
