// Usage connectors against a REAL Prometheus (Debian's /usr/bin/prometheus serving real rule files
// through its rules API) and the Grafana STAND-IN (e2e/lib/grafana-standin.ts: Grafana's documented
// search / dashboard-by-uid / library-element endpoints, bearer token checked like Grafana).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { parse, stringify } from 'yaml';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { eventually } from '../../testing/sim-agent.ts';
import { startGrafanaStandIn, type GrafanaStandIn } from '../../../../../e2e/lib/grafana-standin.ts';
import { startPrometheus, prometheusSkip, type RealPrometheus } from '../../../../../e2e/lib/prometheus.ts';

const testdata = (name: string) =>
  readFileSync(new URL(`../../../../analysis/testdata/${name}`, import.meta.url), 'utf8');
const TOKEN = 'glsa_standin_service_account_token_0123456789';

let fg: TestFlowgate;
let grafana: GrafanaStandIn;
let prometheus: RealPrometheus | null = null;
const misbehaving: Server[] = [];

/** A local server answering every request with `handler` (HTML, garbage, nothing, a redirect…). */
async function misbehavingServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  misbehaving.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

before(async () => {
  fg = await startTestFlowgate({ FLOWGATE_ALLOW_PRIVATE_TARGETS: 'true', FLOWGATE_OUTBOUND_TIMEOUT_SECONDS: '2' });
  grafana = await startGrafanaStandIn(TOKEN);
  const nef = JSON.parse(testdata('node-exporter-full.dashboard.json'));
  grafana.addDashboard({ ...nef, uid: 'rYdddlPWk' });
  grafana.addDashboard(JSON.parse(testdata('kube-prometheus-node-rsrc-use.dashboard.json')));
  grafana.addDashboard({
    uid: 'with-library',
    title: 'Team board',
    panels: [
      { id: 1, title: 'Shared latency', libraryPanel: { uid: 'lib-latency', name: 'Latency p99' } },
      { id: 2, title: 'Gone', libraryPanel: { uid: 'lib-deleted', name: 'Deleted panel' } },
    ],
  });
  grafana.addLibraryPanel('lib-latency', 'Latency p99', {
    type: 'timeseries',
    targets: [
      { expr: 'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))' },
    ],
  });
  const admin = api(fg, fg.adminToken);
  assert.equal((await admin.put('/api/v1/secrets', { name: 'GRAFANA_TOKEN', value: TOKEN })).status, 201);
  assert.equal((await admin.put('/api/v1/secrets', { name: 'WRONG_TOKEN', value: 'not-the-token' })).status, 201);
});
after(async () => {
  await fg?.close();
  await grafana?.close();
  await prometheus?.stop();
  for (const s of misbehaving) {
    s.closeAllConnections();
    s.close();
  }
});
const admin = () => api(fg, fg.adminToken);

/** A host name other than "localhost" that resolves to 127.0.0.1 here (the machine's own name, usually). */
async function loopbackName(): Promise<string | null> {
  for (const name of [hostname(), 'localhost.localdomain', 'ip6-localhost']) {
    const address = await lookup(name, { family: 4 }).then(
      (r) => r.address,
      () => null,
    );
    if (address?.startsWith('127.')) return name;
  }
  return null;
}
const metric = async (name: string) => (await admin().get(`/api/v1/usage/metrics/${encodeURIComponent(name)}`)).body;

test('Grafana connector: every dashboard through search and dashboard-by-uid, library panels resolved, links to panels', async () => {
  const r = await admin().post('/api/v1/usage/sources', {
    kind: 'grafana',
    name: 'grafana prod',
    url: `${grafana.url}/`,
    token_secret: '${secret:GRAFANA_TOKEN}',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'ok', JSON.stringify(r.body.error));
  assert.equal(r.body.token_secret, 'GRAFANA_TOKEN');
  assert.equal(r.body.summary.dashboards, 3);
  assert.ok(r.body.next_refresh_at);
  assert.ok(grafana.requests.some((q) => q.startsWith('GET /api/search?type=dash-db')));
  assert.ok(grafana.requests.includes('GET /api/library-elements/lib-latency'));
  // The token went to Grafana only: never in the source, never in its problems.
  assert.ok(!JSON.stringify(r.body).includes(TOKEN));
  // The deleted library panel is listed as a problem; the resolved one reads its metric.
  assert.ok(
    r.body.problems.some(
      (p: { kind: string; message: string }) =>
        p.kind === 'library_panel_unresolved' && /Deleted panel/.test(p.message),
    ),
  );
  const latency = await metric('http_request_duration_seconds_bucket');
  assert.equal(latency.used, true);
  assert.deepEqual(latency.labels_used, ['le', 'route']);
  assert.equal(latency.used_by[0].panel, 'Shared latency');
  // used_by links back to the panel in Grafana.
  const cpu = await metric('node_cpu_seconds_total');
  const busy = cpu.used_by.find((u: { panel?: string }) => u.panel === 'CPU Busy');
  assert.match(busy.url, new RegExp(`^${grafana.url}/d/rYdddlPWk/node-exporter-full\\?viewPanel=\\d+$`));
});

test(
  'Prometheus connector: the real rules API of a real Prometheus; recording rules make their inputs used',
  { skip: prometheusSkip },
  async () => {
    // The PrometheusRule resource's groups, as the plain rule file Prometheus loads.
    const cr = parse(testdata('kube-prometheus-node-exporter.prometheusrule.yaml'));
    prometheus = await startPrometheus({ 'node.rules.yml': stringify({ groups: cr.spec.groups }) });
    const r = await admin().post('/api/v1/usage/sources', {
      kind: 'prometheus',
      name: 'prometheus',
      url: prometheus.url,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'ok', JSON.stringify(r.body.error));
    assert.equal(r.body.summary.rule_groups, 2);
    assert.equal(r.body.summary.recording_rules, 15);
    assert.equal(r.body.summary.unparseable, 0);
    // The USE dashboard (from Grafana) reads instance:node_load1_per_cpu:ratio, recorded from node_load1 and
    // instance:node_num_cpu:sum, itself recorded from node_cpu_seconds_total.
    const numCpu = await metric('instance:node_num_cpu:sum');
    assert.equal(numCpu.used, true);
    assert.ok(
      numCpu.used_by.some(
        (u: { kind: string; rule?: string }) =>
          u.kind === 'recording' && u.rule === 'instance:node_load1_per_cpu:ratio',
      ),
    );
    const cpu = await metric('node_cpu_seconds_total');
    assert.ok(
      cpu.used_by.some(
        (u: { rule?: string; via?: string }) =>
          u.rule === 'instance:node_num_cpu:sum' && u.via === 'instance:node_num_cpu:sum',
      ),
    );

    // Prometheus goes away: the refresh fails with a clear code, the earlier results stay.
    const before = JSON.stringify(await metric('instance:node_num_cpu:sum'));
    await prometheus.stop();
    prometheus = null;
    const refreshed = await admin().post(`/api/v1/usage/sources/${r.body.id}/refresh`);
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.status, 'error');
    assert.equal(refreshed.body.error.code, 'OUTBOUND_UNREACHABLE');
    assert.equal(refreshed.body.summary.recording_rules, 15, 'what it held last time is still shown');
    assert.equal(JSON.stringify(await metric('instance:node_num_cpu:sum')), before);
  },
);

test('connectors that answer 401, 404, HTML, garbage, a redirect or nothing: an error per source, nothing else changes', async () => {
  const usageBefore = JSON.stringify((await admin().get('/api/v1/usage/metrics?limit=500')).body.items);
  const html = await misbehavingServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><body>Welcome to nginx!</body></html>');
  });
  const garbage = await misbehavingServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status": "success", "data": {{{');
  });
  const redirect = await misbehavingServer((_req, res) => {
    res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    res.end();
  });
  const silent = await misbehavingServer(() => undefined);
  const cases: [Record<string, string>, string, RegExp][] = [
    [
      { kind: 'grafana', url: grafana.url, token_secret: 'WRONG_TOKEN' },
      'USAGE_CONNECTOR_UNAUTHORIZED',
      /401.*check the token/,
    ],
    [{ kind: 'grafana', url: grafana.url }, 'USAGE_CONNECTOR_UNAUTHORIZED', /needs a token/],
    [{ kind: 'grafana', url: `${grafana.url}/not-grafana` }, 'USAGE_CONNECTOR_UNAUTHORIZED', /401/],
    [
      { kind: 'prometheus', url: `${grafana.url}/prefix`, token_secret: 'GRAFANA_TOKEN' },
      'USAGE_CONNECTOR_NOT_FOUND',
      /404/,
    ],
    [{ kind: 'prometheus', url: html }, 'USAGE_CONNECTOR_BAD_RESPONSE', /HTML page/],
    [{ kind: 'grafana', url: garbage }, 'USAGE_CONNECTOR_BAD_RESPONSE', /not JSON/],
    [{ kind: 'prometheus', url: redirect }, 'OUTBOUND_REDIRECT', /redirects are not followed/],
    [{ kind: 'prometheus', url: silent }, 'OUTBOUND_TIMEOUT', /did not answer within 2 s/],
  ];
  for (const [i, [body, code, message]] of cases.entries()) {
    const r = await admin().post('/api/v1/usage/sources', { name: `broken ${i}`, ...body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'error', `${body.url}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code, r.body.error.message);
    assert.match(r.body.error.message, message);
    assert.equal(r.body.summary, null);
  }
  // A secret that does not exist is refused before anything is stored.
  const missing = await admin().post('/api/v1/usage/sources', {
    kind: 'grafana',
    name: 'no secret',
    url: grafana.url,
    token_secret: 'NOPE',
  });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.code, 'USAGE_TOKEN_SECRET_MISSING');
  assert.equal(JSON.stringify((await admin().get('/api/v1/usage/metrics?limit=500')).body.items), usageBefore);
  const sources = (await admin().get('/api/v1/usage/sources')).body.items;
  assert.equal(sources.find((s: { name: string }) => s.name === 'grafana prod').status, 'ok');
});

test('a token rotated to a wrong value: the refresh fails with its code, the earlier usage stays', async () => {
  const src = (await admin().get('/api/v1/usage/sources')).body.items.find(
    (s: { name: string }) => s.name === 'grafana prod',
  );
  const before = JSON.stringify(await metric('node_cpu_seconds_total'));
  await admin().put('/api/v1/secrets', { name: 'GRAFANA_TOKEN', value: 'rotated-but-wrong' });
  const r = await admin().post(`/api/v1/usage/sources/${src.id}/refresh`);
  assert.equal(r.body.status, 'error');
  assert.equal(r.body.error.code, 'USAGE_CONNECTOR_UNAUTHORIZED');
  assert.equal(r.body.summary.dashboards, 3);
  assert.equal(JSON.stringify(await metric('node_cpu_seconds_total')), before);
  await admin().put('/api/v1/secrets', { name: 'GRAFANA_TOKEN', value: TOKEN });
  const again = await admin().post(`/api/v1/usage/sources/${src.id}/refresh`);
  assert.equal(again.body.status, 'ok');
  assert.equal(again.body.error, null);
});

test('without FLOWGATE_ALLOW_PRIVATE_TARGETS loopback targets are refused, by literal address and by resolved name', async () => {
  const strict = await startTestFlowgate();
  try {
    const a = api(strict, strict.adminToken);
    const literal = await a.post('/api/v1/usage/sources', { kind: 'prometheus', name: 'loop', url: grafana.url });
    assert.equal(literal.status, 400);
    assert.equal(literal.body.error.code, 'OUTBOUND_TARGET_FORBIDDEN');
    assert.match(literal.body.error.message, /FLOWGATE_ALLOW_PRIVATE_TARGETS/);
    for (const url of ['file:///etc/passwd', 'http://user:pw@example.test/']) {
      const r = await a.post('/api/v1/usage/sources', { kind: 'prometheus', name: 'x', url });
      assert.equal(r.body.error.code, 'OUTBOUND_TARGET_FORBIDDEN', url);
    }
    // A name (not a literal) that resolves to 127.0.0.1: caught on the resolved address, recorded on the source.
    const port = new URL(grafana.url).port;
    const name = await loopbackName();
    assert.ok(name, 'no host name other than "localhost" resolves to a loopback address on this machine');
    const seen = grafana.requests.length;
    const byName = await a.post('/api/v1/usage/sources', {
      kind: 'prometheus',
      name: 'by name',
      url: `http://${name}:${port}`,
    });
    assert.equal(byName.status, 201);
    assert.equal(byName.body.error.code, 'OUTBOUND_TARGET_FORBIDDEN');
    assert.match(byName.body.error.message, /resolves to 127\.0\.0\.1/);
    assert.equal(grafana.requests.length, seen, 'no request reached the target');
  } finally {
    await strict.close();
  }
});

test('connector sources are read again on a schedule', async () => {
  const scheduled = await startTestFlowgate({
    FLOWGATE_ALLOW_PRIVATE_TARGETS: 'true',
    FLOWGATE_USAGE_REFRESH_MINUTES: '0.01',
  });
  const board = await startGrafanaStandIn(TOKEN);
  try {
    const a = api(scheduled, scheduled.adminToken);
    await a.put('/api/v1/secrets', { name: 'T', value: TOKEN });
    board.addDashboard({ uid: 'one', title: 'One', panels: [{ id: 1, title: 'Up', targets: [{ expr: 'up' }] }] });
    const r = await a.post('/api/v1/usage/sources', { kind: 'grafana', name: 'g', url: board.url, token_secret: 'T' });
    assert.equal(r.body.summary.dashboards, 1);
    assert.equal((await a.get('/api/v1/usage/metrics/scheduled_metric_total')).status, 404);
    board.addDashboard({
      uid: 'two',
      title: 'Two',
      panels: [{ id: 1, title: 'New', targets: [{ expr: 'rate(scheduled_metric_total[5m])' }] }],
    });
    await eventually(async () => (await a.get('/api/v1/usage/metrics/scheduled_metric_total')).status === 200, 30_000);
    const src = (await a.get(`/api/v1/usage/sources/${r.body.id}`)).body;
    assert.equal(src.summary.dashboards, 2);
    assert.ok(src.last_read_at > r.body.last_read_at);
  } finally {
    await scheduled.close();
    await board.close();
  }
});
