import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import { analyzeDashboards, readDashboardUpload, readDashboardObject } from './read.ts';
import { replaceVariables } from '../promql/variables.ts';
import { mergeUsage } from '../usage/merge.ts';
import type { DashboardRead } from './classic.ts';

const fixture = (name: string) => readFileSync(new URL(`../../testdata/${name}`, import.meta.url), 'utf8');

function readOk(content: string): DashboardRead[] {
  const r = readDashboardUpload(content);
  assert.ok(r.ok, 'message' in r ? r.message : '');
  return r.dashboards;
}

/** The independent reading: every VectorSelector's metric name, straight from the parser's tree. */
function independentMetricNames(expr: string): string[] {
  const tree = parser.parse(expr);
  const names: string[] = [];
  tree.iterate({
    enter(n) {
      if (n.name !== 'VectorSelector') return;
      const id = n.node.getChild('Identifier');
      if (id) names.push(expr.slice(id.from, id.to));
    },
  });
  return names;
}

test('Node Exporter Full: used metric names equal an independent reading of the same queries', () => {
  const [dashboard] = readOk(fixture('node-exporter-full.dashboard.json'));
  assert.equal(dashboard!.title, 'Node Exporter Full');
  const analysis = analyzeDashboards([dashboard!]);
  const expected = new Set<string>();
  for (const q of dashboard!.queries)
    for (const n of independentMetricNames(replaceVariables(q.expr, dashboard!.variables).expr)) expected.add(n);
  const usage = mergeUsage([{ id: 's', name: 'nef', analysis }]);
  const used = new Set(usage.filter((m) => m.used === true && m.pattern === null).map((m) => m.name));
  assert.ok(expected.size > 200, `${expected.size} names`);
  assert.deepEqual([...used].sort(), [...expected].sort());
});

test('Node Exporter Full: ≥ 99 % of queries parse after variable replacement; every other one is listed with its reason', () => {
  const dashboards = readOk(fixture('node-exporter-full.dashboard.json'));
  const a = analyzeDashboards(dashboards);
  const panelQueries = a.queries.filter((q) => q.kind === 'panel');
  assert.equal(panelQueries.length, 286);
  assert.equal(a.summary.panels, 125);
  assert.ok(a.summary.parsed / a.summary.queries >= 0.99, `${a.summary.parsed}/${a.summary.queries}`);
  const unparseable = a.queries.filter((q) => !q.ok);
  assert.equal(a.problems.filter((p) => p.kind === 'unparseable_query').length, unparseable.length);
  for (const q of unparseable) assert.ok(q.error && q.error.length > 5);
  // Without the replacement most queries would not parse (`[$__rate_interval]`, `$node`…).
  const rawParse = a.queries.filter((q) => {
    let bad = false;
    parser.parse(q.expr).iterate({ enter: (n) => void (n.type.isError && (bad = true)) });
    return !bad;
  }).length;
  assert.ok(rawParse < a.summary.parsed, `raw ${rawParse} vs replaced ${a.summary.parsed}`);
  // What was replaced is listed per query.
  const q = a.queries.find((x) => x.expr.includes('$__rate_interval'))!;
  assert.ok(q.replaced.some((r) => r.variable === '__rate_interval' && r.value === '5m'));
  // …and per dashboard, once each.
  assert.deepEqual(
    a.replaced_variables.map((d) => d.dashboard),
    ['Node Exporter Full'],
  );
  assert.deepEqual(Object.fromEntries(a.replaced_variables[0]!.variables.map((v) => [v.variable, v.value])), {
    node: '__fgvar_node__',
    job: '__fgvar_job__',
    __rate_interval: '5m',
    nodename: '__fgvar_nodename__',
  });
  // Legend labels and variable queries count: label_values(node_uname_info{job="$job"}, nodename).
  const uname = mergeUsage([{ id: 's', name: 'nef', analysis: a }]).find((m) => m.name === 'node_uname_info')!;
  assert.ok(uname.used_by.some((u) => u.kind === 'variable' && u.panel === 'variable $nodename'));
});

test('rows: collapsed rows nest their panels, legacy rows[] hold panels; library panels are reported', () => {
  const d = {
    title: 'Rows',
    uid: 'rows-1',
    panels: [
      { type: 'row', title: 'Open row', id: 1, panels: [] },
      { type: 'timeseries', id: 2, title: 'A', targets: [{ expr: 'up{job="a"}', legendFormat: '{{instance}}' }] },
      {
        type: 'row',
        collapsed: true,
        id: 3,
        title: 'Closed',
        panels: [{ type: 'stat', id: 4, title: 'B', targets: [{ expr: 'sum by (mode) (b_total)' }] }],
      },
      { id: 5, title: 'Lib', libraryPanel: { uid: 'lib-1', name: 'Shared CPU' } },
      {
        id: 6,
        title: 'Logs',
        datasource: { type: 'loki', uid: 'l' },
        targets: [{ expr: 'sum(count_over_time({app="x"}[5m]))' }],
      },
    ],
    rows: [
      {
        panels: [
          { id: 7, title: 'Legacy', targets: [{ expr: 'legacy_metric' }] },
          {
            id: 8,
            title: 'Old logs',
            datasource: 'Loki (prod)',
            targets: [{ expr: 'count_over_time({app="x"}[5m])' }],
          },
        ],
      },
    ],
  };
  const [read] = readOk(JSON.stringify({ dashboard: d, meta: {} }));
  assert.deepEqual(
    read!.queries.map((q) => q.expr),
    ['up{job="a"}', 'sum by (mode) (b_total)', 'legacy_metric'],
  );
  assert.deepEqual(read!.queries[0]!.legend_labels, ['instance']);
  assert.deepEqual(
    read!.problems.map((p) => p.kind),
    ['library_panel_unresolved', 'datasource_not_promql', 'datasource_not_promql'],
  );
  assert.match(read!.problems[0]!.message, /Shared CPU.*not known from a file/);
  // Resolved when the library panel is at hand (the Grafana connector).
  const resolved = readDashboardObject(d, {
    libraryPanel: (uid) => (uid === 'lib-1' ? { model: { targets: [{ expr: 'lib_metric' }] } } : undefined),
  }) as DashboardRead;
  assert.ok(resolved.queries.some((q) => q.expr === 'lib_metric' && q.location.panel_title === 'Lib'));
});

test('the v2 dashboard schema: elements, library panels, query variables (v2alpha1 and v2beta1 query shapes)', () => {
  const v2 = {
    apiVersion: 'dashboard.grafana.app/v2beta1',
    kind: 'Dashboard',
    metadata: { name: 'v2-dash' },
    spec: {
      title: 'V2 dashboard',
      elements: {
        'panel-1': {
          kind: 'Panel',
          spec: {
            id: 1,
            title: 'Requests',
            data: {
              kind: 'QueryGroup',
              spec: {
                queries: [
                  {
                    kind: 'PanelQuery',
                    spec: {
                      refId: 'A',
                      query: {
                        kind: 'DataQuery',
                        group: 'prometheus',
                        spec: {
                          expr: 'sum by (code) (rate(http_requests_total[$__rate_interval]))',
                          legendFormat: '{{code}}',
                        },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
        'panel-2': {
          kind: 'Panel',
          spec: {
            id: 2,
            title: 'Old shape',
            data: {
              kind: 'QueryGroup',
              spec: {
                queries: [{ kind: 'PanelQuery', spec: { query: { kind: 'prometheus', spec: { expr: 'up' } } } }],
              },
            },
          },
        },
        'panel-3': {
          kind: 'LibraryPanel',
          spec: { id: 3, title: 'Lib', libraryPanel: { uid: 'u3', name: 'Lib three' } },
        },
      },
      layout: { kind: 'GridLayout', spec: { items: [] } },
      variables: [
        {
          kind: 'QueryVariable',
          spec: {
            name: 'job',
            query: { kind: 'DataQuery', group: 'prometheus', spec: { query: 'label_values(up, job)' } },
          },
        },
      ],
    },
  };
  const [read] = readOk(JSON.stringify(v2));
  assert.equal(read!.format, 'v2');
  assert.equal(read!.uid, 'v2-dash');
  assert.equal(read!.panels, 3);
  assert.deepEqual(
    read!.queries.map((q) => [q.kind, q.expr, q.needs_only ?? null]),
    [
      ['panel', 'sum by (code) (rate(http_requests_total[$__rate_interval]))', null],
      ['panel', 'up', null],
      ['variable', 'up', ['job']],
    ],
  );
  assert.equal(read!.problems[0]!.kind, 'library_panel_unresolved');
  const usage = mergeUsage([{ id: 's', name: 'v2', analysis: analyzeDashboards([read!]) }]);
  assert.deepEqual(usage.find((m) => m.name === 'http_requests_total')!.labels_used, ['code']);
});

test('bad input: malformed JSON with its position, not a dashboard, a dashboard without panels', () => {
  const malformed = readDashboardUpload('{"title": "x", "panels": [}');
  assert.equal(malformed.ok, false);
  assert.equal((malformed as { reason: string }).reason, 'malformed');
  assert.match((malformed as { message: string }).message, /line 1, column \d+/);
  const notDash = readDashboardUpload('{"groups": []}');
  assert.equal((notDash as { reason: string }).reason, 'not_dashboard');
  const empty = readDashboardUpload('{"title": "Empty", "panels": []}');
  assert.equal((empty as { reason: string }).reason, 'dashboard_empty');
  assert.match((empty as { message: string }).message, /"Empty" has no panels/);
  assert.equal((readDashboardUpload('[]') as { reason: string }).reason, 'not_dashboard');
});
