import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';

const testdata = (name: string) =>
  readFileSync(new URL(`../../../../analysis/testdata/${name}`, import.meta.url), 'utf8');
const NEF = testdata('node-exporter-full.dashboard.json');
const USE = testdata('kube-prometheus-node-rsrc-use.dashboard.json');
const RULES = testdata('kube-prometheus-node-exporter.prometheusrule.yaml');

let fg: TestFlowgate;
let viewer: { token: string };
before(async () => {
  fg = await startTestFlowgate();
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
});
after(async () => {
  await fg?.close();
});
const admin = () => api(fg, fg.adminToken);

type Metric = {
  name: string;
  used: boolean | 'unknown';
  labels_used: string[] | 'all';
  all_except: string[];
  used_by: {
    source_id: string;
    kind: string;
    title: string;
    panel?: string;
    rule?: string;
    query: string;
    via?: string;
  }[];
  used_by_total: number;
};

async function allMetrics(token = fg.adminToken, extra = ''): Promise<Metric[]> {
  const out: Metric[] = [];
  let cursor: string | null = null;
  do {
    const r = await api(fg, token).get(`/api/v1/usage/metrics?limit=100${extra}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
  } while (cursor);
  return out;
}
const snapshot = async () => JSON.stringify(await allMetrics());

test('uploading Node Exporter Full: 201 with what was found; its metrics are listed as used with labels and panels', async () => {
  const r = await admin().post('/api/v1/usage/sources', {
    kind: 'grafana_dashboard',
    name: 'Node Exporter Full',
    content: NEF,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.kind, 'grafana_dashboard');
  assert.equal(r.body.summary.dashboards, 1);
  assert.equal(r.body.summary.panels, 125);
  assert.equal(r.body.summary.queries, 289);
  assert.ok(r.body.summary.parsed / r.body.summary.queries >= 0.99);
  assert.ok(r.body.last_read_at);
  const replaced = r.body.replaced_variables[0];
  assert.equal(replaced.dashboard, 'Node Exporter Full');
  assert.ok(
    replaced.variables.some(
      (v: { variable: string; value: string }) => v.variable === '__rate_interval' && v.value === '5m',
    ),
  );

  const metrics = await allMetrics(viewer.token);
  assert.equal(metrics.length, r.body.summary.metrics);
  const cpu = metrics.find((m) => m.name === 'node_cpu_seconds_total')!;
  assert.equal(cpu.used, true);
  assert.ok(cpu.used_by.every((u) => u.title === 'Node Exporter Full' && u.source_id === r.body.id));
  assert.ok(cpu.used_by.some((u) => u.panel === 'CPU Busy'));
  // The detail route has every reading query in full.
  const detail = await api(fg, viewer.token).get('/api/v1/usage/metrics/node_cpu_seconds_total');
  assert.equal(detail.status, 200);
  assert.equal(detail.body.used_by.length, detail.body.used_by_total);
  assert.ok(detail.body.used_by.length >= cpu.used_by.length);
  assert.equal((await admin().get('/api/v1/usage/metrics/no_such_metric')).status, 404);
  // Search and filter.
  const searched = await allMetrics(viewer.token, '&q=MEMORY_MEMTOTAL');
  assert.deepEqual(
    searched.map((m) => m.name),
    ['node_memory_MemTotal_bytes'],
  );
  assert.deepEqual(await allMetrics(viewer.token, '&used=false'), []);
});

test('rules and a dashboard that reads recorded series: the inputs of the rules become used', async () => {
  // Node Exporter Full reads node_vmstat_pgmajfault itself; the rules add their own evidence.
  const viaRule = (ms: Metric[]) =>
    ms.find((m) => m.name === 'node_vmstat_pgmajfault')!.used_by.filter((u) => u.kind === 'recording');
  assert.deepEqual(viaRule(await allMetrics()), []);
  assert.equal(
    (await allMetrics()).find((m) => m.name === 'instance:node_vmstat_pgmajfault:rate5m'),
    undefined,
  );
  const use = await admin().post('/api/v1/usage/sources', { kind: 'grafana_dashboard', name: 'USE', content: USE });
  assert.equal(use.status, 201);
  const rules = await admin().post('/api/v1/usage/sources', {
    kind: 'prometheus_rules',
    name: 'node rules',
    content: RULES,
  });
  assert.equal(rules.status, 201, JSON.stringify(rules.body));
  assert.equal(rules.body.summary.recording_rules, 15);
  const metrics = await allMetrics();
  assert.equal(metrics.find((m) => m.name === 'instance:node_vmstat_pgmajfault:rate5m')!.used, true);
  assert.deepEqual(
    viaRule(metrics).map((u) => [u.rule, u.via]),
    [['instance:node_vmstat_pgmajfault:rate5m', 'instance:node_vmstat_pgmajfault:rate5m']],
  );
  // Transitively: instance:node_load1_per_cpu:ratio (read by USE) reads instance:node_num_cpu:sum.
  const cpu: Metric = (await admin().get('/api/v1/usage/metrics/node_cpu_seconds_total')).body;
  assert.ok(cpu.used_by.some((u) => u.rule === 'instance:node_num_cpu:sum' && u.via === 'instance:node_num_cpu:sum'));

  // Removing the rules takes that evidence away again.
  assert.equal((await admin().delete(`/api/v1/usage/sources/${rules.body.id}`)).status, 200);
  assert.deepEqual(viaRule(await allMetrics()), []);
  const audit = await admin().get('/api/v1/audit-logs?resource_type=usage_source');
  assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), [
    'usage_source.create',
    'usage_source.create',
    'usage_source.create',
    'usage_source.delete',
  ]);
});

test('bad uploads: a clear error with a stable code each; nothing stored; earlier results untouched', async () => {
  const sourcesBefore = (await admin().get('/api/v1/usage/sources')).body.items.length;
  const metricsBefore = await snapshot();
  const cases: [unknown, number, string, RegExp][] = [
    [
      { kind: 'grafana_dashboard', name: 'bad json', content: '{"panels": [1, 2,, 3]}' },
      400,
      'USAGE_CONTENT_MALFORMED',
      /line 1, column \d+/,
    ],
    [
      { kind: 'grafana_dashboard', name: 'empty', content: '{"title": "Nothing here", "panels": []}' },
      400,
      'USAGE_DASHBOARD_EMPTY',
      /no panels/,
    ],
    [{ kind: 'grafana_dashboard', name: 'rules as dash', content: RULES }, 400, 'USAGE_CONTENT_MALFORMED', /JSON/],
    [
      { kind: 'grafana_dashboard', name: 'not dash', content: '{"hello": "world"}' },
      400,
      'USAGE_NOT_A_DASHBOARD',
      /not a Grafana dashboard/,
    ],
    [
      { kind: 'prometheus_rules', name: 'bad yaml', content: 'groups:\n  - name: a\n   rules: [\n' },
      400,
      'USAGE_CONTENT_MALFORMED',
      /YAML at line \d+/,
    ],
    [
      { kind: 'prometheus_rules', name: 'no groups', content: 'scrape_configs: []\n' },
      400,
      'USAGE_NOT_A_RULE_FILE',
      /groups/,
    ],
    [{ kind: 'prometheus_rules', name: 'Node Exporter Full', content: RULES }, 409, 'ALREADY_EXISTS', /already exists/],
    [{ kind: 'grafana_dashboard', name: 'x', content: NEF, extra: 1 }, 400, 'VALIDATION_FAILED', /extra/],
  ];
  for (const [body, status, code, message] of cases) {
    const r = await admin().post('/api/v1/usage/sources', body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 60)} → ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code);
    assert.match(r.body.error.message, message);
  }
  // A 50 MB upload: 413 in the envelope, before anything is parsed.
  const huge = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/usage/sources',
    headers: { authorization: `Bearer ${fg.adminToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ kind: 'grafana_dashboard', name: 'huge', content: 'x'.repeat(50 * 1024 * 1024) }),
  });
  assert.equal(huge.statusCode, 413);
  assert.equal(huge.json().error.code, 'PAYLOAD_TOO_LARGE');
  // A rule file with an invalid expression is kept: its metrics are unknown, the reason is listed.
  const broken = await admin().post('/api/v1/usage/sources', {
    kind: 'prometheus_rules',
    name: 'broken rule',
    content:
      'groups:\n  - name: g\n    rules:\n      - alert: Broken\n        expr: sum(rate(broken_metric_total[5m])\n',
  });
  assert.equal(broken.status, 201);
  assert.equal(broken.body.summary.unparseable, 1);
  assert.equal(broken.body.problems[0].kind, 'unparseable_query');
  assert.equal(broken.body.problems[0].location.rule, 'Broken');
  const unknown = (await allMetrics()).find((m) => m.name === 'broken_metric_total')!;
  assert.equal(unknown.used, 'unknown');
  assert.equal(unknown.labels_used, 'all');
  assert.equal((await admin().delete(`/api/v1/usage/sources/${broken.body.id}`)).status, 200);

  assert.equal((await admin().get('/api/v1/usage/sources')).body.items.length, sourcesBefore);
  assert.equal(await snapshot(), metricsBefore);
});

test('a viewer reads but cannot add, refresh or remove sources', async () => {
  const v = api(fg, viewer.token);
  const list = await v.get('/api/v1/usage/sources');
  assert.equal(list.status, 200);
  const id = list.body.items[0].id;
  assert.equal(
    (await v.post('/api/v1/usage/sources', { kind: 'prometheus_rules', name: 'v', content: RULES })).status,
    403,
  );
  assert.equal((await v.post(`/api/v1/usage/sources/${id}/refresh`)).status, 403);
  assert.equal((await v.delete(`/api/v1/usage/sources/${id}`)).status, 403);
  assert.equal((await v.get(`/api/v1/usage/sources/${id}`)).status, 200);
});

test('refreshing an upload re-analyses what was stored and gives the same usage', async () => {
  const list = (await admin().get('/api/v1/usage/sources')).body.items;
  const nef = list.find((s: { name: string }) => s.name === 'Node Exporter Full');
  const before = await snapshot();
  const r = await admin().post(`/api/v1/usage/sources/${nef.id}/refresh`);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.ok(r.body.last_read_at >= nef.last_read_at);
  assert.equal(await snapshot(), before);
});
