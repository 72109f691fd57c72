// The control plane's side of edge measurement with simulated gateways that announce io.flowgate.measure and
// send summaries over OpAMP (WebSocket and plain HTTP): what is stored, the inventory and history APIs, the
// org-wide merge, tenant isolation, and summaries that must never reach storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { customMessage } from '@flowgate/opamp';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';
import { label, measurePoint, summaryMessage } from '../../testing/measure.ts';

let fg: TestFlowgate;
let port = 0;
let regToken = '';
const agents: AutoAgent[] = [];
const logLines: string[] = [];
const admin = () => api(fg, fg.adminToken);
const MEASURE_COMPONENTS = {
  receivers: ['otlp'],
  processors: ['batch', 'filter', 'flowgate_measure'],
  exporters: ['debug'],
};

before(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  fg = await startTestFlowgate({}, { logger: pino({ level: 'info' }, sink) });
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  port = (fg.app.server.address() as { port: number }).port;
  regToken = (await admin().post('/api/v1/registration-tokens', { name: 'inventory-tests', expires_in_days: 1 })).body
    .token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

async function startGateway(
  name: string,
  opts: { transport?: 'websocket' | 'http'; measure?: boolean; token?: string } = {},
) {
  const http = opts.transport === 'http';
  const a = new AutoAgent({
    url: `${http ? 'http' : 'ws'}://127.0.0.1:${port}/v1/opamp`,
    token: opts.token ?? regToken,
    hostName: name,
    ...(opts.measure === false ? {} : { components: MEASURE_COMPONENTS, customCapabilities: [MEASURE_CAPABILITY] }),
  });
  agents.push(a);
  await a.start();
  if (http) await a.sendFull();
  const gw = await eventually(async () =>
    (await admin().get(`/api/v1/gateways?name=${name}`)).body.items.find((g: { name: string }) => g.name === name),
  );
  return { agent: a, id: gw.id as string };
}

const rowCounts = async () =>
  Object.fromEntries(
    await Promise.all(
      ['inventory_latest', 'inventory_hourly', 'inventory_metric_hourly'].map(async (t) => [
        t,
        (await fg.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n,
      ]),
    ),
  ) as Record<string, number>;

/** A minute's summary of a metrics pipeline with a filter dropping `debug_events_total`, and a logs pipeline. */
function minute(end: Date, scale = 1) {
  return [
    measurePoint({
      pipeline: 'metrics',
      position: 'in',
      end,
      items: 3000 * scale,
      bytes: 600_000 * scale,
      metrics: [
        {
          name: 'http_server_requests_total',
          series: 40 * scale,
          datapoints: 2400 * scale,
          bytes: 480_000 * scale,
          labels: [label('route', 40), label('method', 4), label('status', 6)],
        },
        { name: 'debug_events_total', series: 10, datapoints: 600 * scale, bytes: 120_000 * scale },
      ],
    }),
    measurePoint({
      pipeline: 'metrics',
      position: 'out',
      end,
      items: 2400 * scale,
      bytes: 470_000 * scale,
      metrics: [
        {
          name: 'http_server_requests_total',
          series: 40 * scale,
          datapoints: 2400 * scale,
          bytes: 470_000 * scale,
          labels: [label('route', 40), label('method', 4), label('status', 6)],
        },
      ],
    }),
    measurePoint({
      pipeline: 'logs',
      position: 'in',
      signal: 'logs',
      end,
      items: 1300,
      bytes: 260_000,
      logs: [
        { service: 'checkout', severity: 'INFO', records: 1200, bytes: 240_000 },
        { service: 'checkout', severity: 'DEBUG', records: 100, bytes: 20_000 },
      ],
    }),
    measurePoint({
      pipeline: 'logs',
      position: 'out',
      signal: 'logs',
      end,
      items: 1200,
      bytes: 240_000,
      logs: [{ service: 'checkout', severity: 'INFO', records: 1200, bytes: 240_000 }],
    }),
  ];
}

const lastMinute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000);

test('a gateway announces io.flowgate.measure; before any summary its inventory says it is waiting', async () => {
  const { id } = await startGateway('inv-waiting');
  const detail = await eventually(async () => {
    const d = (await admin().get(`/api/v1/gateways/${id}`)).body;
    return d.custom_capabilities?.includes(MEASURE_CAPABILITY) && d.available_components ? d : null;
  });
  assert.deepEqual(detail.custom_capabilities, [MEASURE_CAPABILITY]);
  const inv = await admin().get(`/api/v1/gateways/${id}/inventory`);
  assert.equal(inv.status, 200, JSON.stringify(inv.body));
  assert.deepEqual(inv.body.measurement, { status: 'waiting', component: true, capability: true });
  assert.deepEqual([inv.body.metrics, inv.body.logs, inv.body.pipelines, inv.body.reported_at], [[], [], [], null]);

  // A gateway whose build lacks the processor says so.
  const old = await startGateway('inv-old-build', { measure: false });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${old.id}`)).body.connected);
  const oldInv = await admin().get(`/api/v1/gateways/${old.id}/inventory`);
  assert.deepEqual(oldInv.body.measurement, { status: 'unsupported', component: null, capability: false });
});

test('WebSocket: a summary is stored as the latest point and hourly history; the inventory shows it per minute', async () => {
  const { agent, id } = await startGateway('inv-ws');
  const end = lastMinute();
  await agent.send({ customMessage: summaryMessage(minute(end)) });
  const inv = await eventually(async () => {
    const b = (await admin().get(`/api/v1/gateways/${id}/inventory`)).body;
    return b.measurement.status === 'reporting' ? b : null;
  });
  assert.equal(inv.pipelines.length, 2);
  const metrics = inv.pipelines.find((p: { name: string }) => p.name === 'metrics');
  assert.deepEqual(
    { signal: metrics.signal, in: metrics.in.bytes, out: metrics.out.bytes, inPerMin: metrics.in.items_per_min },
    { signal: 'metrics', in: 600_000, out: 470_000, inPerMin: 3000 },
  );
  assert.equal(metrics.bytes_reduction, 0.2167);
  assert.equal(metrics.in.window_end, end.toISOString());

  assert.deepEqual(
    inv.metrics.map((m: { name: string }) => m.name),
    ['http_server_requests_total', 'debug_events_total'],
    'largest first',
  );
  const http = inv.metrics[0];
  assert.equal(http.series, 40);
  assert.equal(http.datapoints_per_min, 2400);
  assert.equal(http.bytes_per_min, 480_000);
  assert.deepEqual(http.pipelines, ['metrics']);
  assert.deepEqual(http.out, { series: 40, datapoints_per_min: 2400, bytes_per_min: 470_000 });
  assert.deepEqual(
    http.labels.map((l: { name: string; distinct: number }) => [l.name, l.distinct]),
    [
      ['route', 40],
      ['status', 6],
      ['method', 4],
    ],
    'labels with the most distinct values first',
  );
  assert.deepEqual(http.labels[0].examples, ['route-0', 'route-1', 'route-2', 'route-3', 'route-4']);
  assert.deepEqual(http.resource_labels[0].name, 'service.name');
  // The filtered metric: measured where it arrives, zero where the pipeline ends.
  assert.deepEqual(inv.metrics[1].out, { series: 0, datapoints_per_min: 0, bytes_per_min: 0 });
  assert.deepEqual(inv.logs, [
    {
      service: 'checkout',
      severity: 'INFO',
      records_per_min: 1200,
      bytes_per_min: 240_000,
      out: { records_per_min: 1200, bytes_per_min: 240_000 },
    },
    {
      service: 'checkout',
      severity: 'DEBUG',
      records_per_min: 100,
      bytes_per_min: 20_000,
      out: { records_per_min: 0, bytes_per_min: 0 },
    },
  ]);
  assert.ok(inv.reported_at);

  // The next window replaces the latest and adds to the hour; a window already stored is not counted twice.
  const next = new Date(end.getTime() + 60_000);
  await agent.send({ customMessage: summaryMessage(minute(next, 2)) });
  await agent.send({ customMessage: summaryMessage(minute(end)) });
  await eventually(async () => {
    const b = (await admin().get(`/api/v1/gateways/${id}/inventory`)).body;
    return b.metrics[0]?.series === 80;
  });
  const hourly = await fg.db.query<{ hour: Date; items: number; bytes: number; seconds: number }>(
    "SELECT hour, items, bytes, seconds FROM inventory_hourly WHERE gateway_id = $1 AND pipeline = 'metrics' " +
      "AND position = 'in' ORDER BY hour",
    [id],
  );
  // Both windows start in the hour of their start (they may straddle an hour boundary at most once).
  assert.equal(
    hourly.reduce((n, h) => n + h.items, 0),
    9000,
  );
  assert.equal(
    hourly.reduce((n, h) => n + h.seconds, 0),
    120,
  );
  const metricHours = await fg.db.query<{ metrics: Record<string, { series: number; datapoints: number }> }>(
    "SELECT metrics FROM inventory_metric_hourly WHERE gateway_id = $1 AND pipeline = 'metrics' AND position = 'in'",
    [id],
  );
  const series = Math.max(...metricHours.map((h) => h.metrics.http_server_requests_total!.series));
  const datapoints = metricHours.reduce((n, h) => n + h.metrics.http_server_requests_total!.datapoints, 0);
  assert.equal(series, 80, 'series: the largest window of the hour');
  assert.equal(datapoints, 7200, 'datapoints: summed over the windows');

  const history = await admin().get(`/api/v1/gateways/${id}/inventory/history?hours=3`);
  assert.equal(history.status, 200, JSON.stringify(history.body));
  const hist = history.body.pipelines.find((p: { name: string }) => p.name === 'metrics');
  assert.equal(hist.signal, 'metrics');
  assert.equal(
    hist.points.reduce((n: number, p: { in: { bytes: number } }) => n + p.in.bytes, 0),
    1_800_000,
  );
  assert.equal(
    hist.points.reduce((n: number, p: { out: { bytes: number } }) => n + p.out.bytes, 0),
    1_410_000,
  );
  // Per minute over the hour's measured windows: 600 kB then 1.2 MB a minute, in one hour or two.
  const rates = hist.points.map((p: { in: { bytes_per_min: number } }) => p.in.bytes_per_min);
  assert.deepEqual(rates, rates.length === 1 ? [900_000] : [600_000, 1_200_000]);
});

test('plain HTTP: summaries arrive with the polls; two gateways merge into the org inventory', async () => {
  const a = await startGateway('inv-merge-a', { transport: 'http' });
  const b = await startGateway('inv-merge-b');
  const end = lastMinute();
  const point = (series: number, routes: number, seconds = 60) =>
    measurePoint({
      pipeline: 'metrics',
      position: 'in',
      end,
      seconds,
      items: 100,
      bytes: 10_000,
      metrics: [
        {
          name: 'merge_requests_total',
          series,
          datapoints: series * 2,
          bytes: 4000,
          labels: [label('route', routes), label('pod', series)],
        },
        { name: `merge_only_${series}`, series: 1, datapoints: 1, bytes: 10 },
      ],
    });
  await a.agent.send({ customMessage: summaryMessage([point(30, 25)]) });
  await b.agent.send({ customMessage: summaryMessage([point(12, 40, 120)]) });
  const org = await eventually(async () => {
    const r = (await admin().get('/api/v1/inventory?q=merge_')).body;
    return r.items?.length === 3 ? r : null;
  });
  assert.deepEqual(
    org.items.map((m: { name: string }) => m.name),
    ['merge_only_12', 'merge_only_30', 'merge_requests_total'],
    'by name',
  );
  const merged = org.items[2];
  assert.equal(merged.series, 42, 'series summed over gateways');
  assert.equal(merged.datapoints_per_min, 60 + 12, 'rates summed (gateway b reports two-minute windows)');
  assert.equal(merged.bytes_per_min, 4000 + 2000);
  assert.deepEqual(
    merged.labels.map((l: { name: string; distinct: number }) => [l.name, l.distinct]),
    [
      ['route', 40],
      ['pod', 30],
    ],
    'distinct: the largest any one gateway saw',
  );
  assert.equal(merged.gateway_count, 2);
  assert.deepEqual(
    merged.gateways.map((g: { name: string }) => g.name),
    ['inv-merge-a', 'inv-merge-b'],
  );
  assert.equal(org.totals.metrics, 3);
  assert.ok(org.totals.gateways_reporting >= 2);

  // Paging by name.
  const page1 = (await admin().get('/api/v1/inventory?q=merge_&limit=2')).body;
  assert.deepEqual(
    page1.items.map((m: { name: string }) => m.name),
    ['merge_only_12', 'merge_only_30'],
  );
  assert.ok(page1.next_cursor);
  const page2 = (await admin().get(`/api/v1/inventory?q=merge_&limit=2&cursor=${page1.next_cursor}`)).body;
  assert.deepEqual(
    page2.items.map((m: { name: string }) => m.name),
    ['merge_requests_total'],
  );
  assert.equal(page2.next_cursor, null);
  const bad = await admin().get('/api/v1/inventory?cursor=not-a-cursor');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'VALIDATION_FAILED');

  // Dashboard history: bytes in per signal and hour, summed over gateways.
  const hist = (await admin().get('/api/v1/inventory/history?hours=2')).body;
  const metrics = hist.signals.find((s: { signal: string }) => s.signal === 'metrics');
  assert.ok(metrics.points.reduce((n: number, p: { in: { bytes: number } | null }) => n + (p.in?.bytes ?? 0), 0) > 0);
});

test('malformed, oversized and out-of-bounds summaries are refused and logged; nothing is stored', async () => {
  const { agent, id } = await startGateway('inv-bad');
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}`)).body.connected);
  const before = await rowCounts();
  const msg = (data: Uint8Array) => customMessage(MEASURE_CAPABILITY, 'summary', data);
  const end = lastMinute();
  const good = minute(end);
  const outOfBounds = structuredClone(good);
  (outOfBounds[0]!.metrics as { bytes: number }[])[0]!.bytes = -5;
  const tooManyLabels = structuredClone(good);
  (tooManyLabels[0]!.metrics as { labels: unknown[] }[])[0]!.labels = Array.from({ length: 300 }, (_, i) =>
    label(`l${i}`, 1),
  );
  const cases: [string, Uint8Array, RegExp][] = [
    ['plain JSON, not gzip', new TextEncoder().encode(JSON.stringify({ v: 1, points: good })), /not gzip/],
    ['gzip of something not JSON', new Uint8Array(gzipSync('points: []')), /not JSON/],
    ['a negative size', new Uint8Array(gzipSync(JSON.stringify({ v: 1, points: outOfBounds }))), /bytes/],
    ['300 label keys', new Uint8Array(gzipSync(JSON.stringify({ v: 1, points: tooManyLabels }))), /labels/],
    [
      'more than 16 MiB once decompressed',
      new Uint8Array(gzipSync(Buffer.alloc(17 * 1024 * 1024, 0x20))),
      /decompressed/,
    ],
    [
      'more than 2 MiB compressed',
      new Uint8Array(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(2 * 1024 * 1024)])),
      /compressed/,
    ],
  ];
  for (const [what, data, reason] of cases) {
    const at = logLines.length;
    await agent.send({ customMessage: msg(data) });
    const line = await eventually(async () =>
      logLines.slice(at).find((l) => l.includes('summary refused') && l.includes(id)),
    ).catch(() => null);
    assert.ok(line, `${what}: logged with the gateway id`);
    assert.match(JSON.parse(line!).reason, reason, what);
  }
  assert.deepEqual(await rowCounts(), before, 'nothing stored');
  const inv = (await admin().get(`/api/v1/gateways/${id}/inventory`)).body;
  assert.equal(inv.measurement.status, 'waiting');
  // The connection is unharmed: a good summary afterwards is stored.
  await agent.send({ customMessage: summaryMessage(good) });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}/inventory`)).body.pipelines.length === 2);
});

test('a revoked, deleted or unknown gateway writes nothing, even with a message already on its way', async () => {
  // A gateway with its own OpAMP token (script onboarding), so it can be revoked.
  const enrol = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${regToken}` },
    payload: { name: 'inv-revoked', instance_id: 'inv-revoked-1' },
  });
  assert.equal(enrol.statusCode, 201, enrol.body);
  const { id, opamp_token: token } = enrol.json();
  const { agent } = await startGateway('inv-revoked', { token });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}`)).body.connected);
  const source = async () => {
    const [row] = await fg.db.query<{ org_id: string; opamp_token_jti: string }>(
      'SELECT org_id, opamp_token_jti FROM gateways WHERE id = $1',
      [id],
    );
    return {
      orgId: row!.org_id,
      gatewayId: id,
      transport: 'websocket' as const,
      credential: { kind: 'gateway_token' as const, jti: row!.opamp_token_jti },
    };
  };
  const admitted = await source();
  const before = await rowCounts();
  const { summaryBytes } = await import('../../testing/measure.ts');
  assert.equal((await admin().post(`/api/v1/gateways/${id}/revoke-token`)).status, 200);
  // What was admitted before the revocation and arrives after it is not stored.
  await assert.rejects(
    fg.features.inventory.ingestSummary(admitted, summaryBytes(minute(lastMinute()))),
    /credential revoked/,
  );
  // The connection itself is closed; the agent's reconnection is refused at admission.
  await eventually(async () => !(await admin().get(`/api/v1/gateways/${id}`)).body.connected);
  await agent.send({ customMessage: summaryMessage(minute(lastMinute())) }).catch(() => undefined);
  assert.deepEqual(await rowCounts(), before);

  // Deleted while connected.
  const del = await startGateway('inv-deleted');
  await eventually(async () => (await admin().get(`/api/v1/gateways/${del.id}`)).body.connected);
  const [row] = await fg.db.query<{ org_id: string; registration_token_id: string }>(
    'SELECT org_id, registration_token_id FROM gateways WHERE id = $1',
    [del.id],
  );
  assert.equal((await admin().delete(`/api/v1/gateways/${del.id}`)).status, 200);
  await assert.rejects(
    fg.features.inventory.ingestSummary(
      {
        orgId: row!.org_id,
        gatewayId: del.id,
        transport: 'websocket',
        credential: { kind: 'registration_token', id: row!.registration_token_id },
      },
      summaryBytes(minute(lastMinute())),
    ),
    /deleted/,
  );
  // Unknown: no such gateway.
  await assert.rejects(
    fg.features.inventory.ingestSummary(
      {
        orgId: fg.defaultOrgId,
        gatewayId: '00000000-0000-4000-8000-000000000000',
        transport: 'http',
        credential: { kind: 'registration_token', id: row!.registration_token_id },
      },
      summaryBytes(minute(lastMinute())),
    ),
    /deleted/,
  );
  assert.deepEqual(await rowCounts(), before);
});

test('history is kept for the retention period, then pruned', async () => {
  const { agent, id } = await startGateway('inv-prune');
  await agent.send({ customMessage: summaryMessage(minute(lastMinute())) });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}/inventory`)).body.pipelines.length === 2);
  const old = new Date(Date.now() - 40 * 86_400_000);
  await fg.db.query(
    `INSERT INTO inventory_hourly (org_id, gateway_id, hour, pipeline, position, signal, items, bytes, seconds)
     VALUES ($1, $2, $3, 'metrics', 'in', 'metrics', 1, 1, 60)`,
    [fg.defaultOrgId, id, old],
  );
  const count = async () =>
    (
      await fg.db.query<{ old: number; recent: number }>(
        `SELECT count(*) FILTER (WHERE hour < now() - interval '30 days')::int AS old,
                count(*) FILTER (WHERE hour >= now() - interval '30 days')::int AS recent
           FROM inventory_hourly WHERE gateway_id = $1`,
        [id],
      )
    )[0]!;
  assert.equal((await count()).old, 1);
  const recent = (await count()).recent;
  assert.ok((await fg.features.inventory.prune()) >= 1);
  assert.deepEqual(await count(), { old: 0, recent });
});

// Last: a second org makes the admin a member of two, so org_id becomes required.
test('another org sees none of it: its members get 404 for our gateways, its inventory is empty', async () => {
  const { agent, id } = await startGateway('inv-tenant');
  await agent.send({ customMessage: summaryMessage(minute(lastMinute())) });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}/inventory`)).body.pipelines.length > 0);
  const other = await admin().post('/api/v1/orgs', { name: `inv-other-${Date.now()}` });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  const outsider = await userWithRole(fg, other.body.id, 'owner');
  const as = api(fg, outsider.token);
  for (const path of [
    `/api/v1/gateways/${id}/inventory?org_id=${other.body.id}`,
    `/api/v1/gateways/${id}/inventory/history?org_id=${other.body.id}`,
  ]) {
    const r = await as.get(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error.code, 'GATEWAY_NOT_FOUND');
  }
  const snap = await as.post(`/api/v1/gateways/${id}/snapshots?org_id=${other.body.id}`, { signal: 'logs' });
  assert.equal(snap.status, 404);
  // Naming our org from outside it: 404, as for any org one is not a member of.
  assert.equal((await as.get(`/api/v1/gateways/${id}/inventory?org_id=${fg.defaultOrgId}`)).status, 404);
  const theirs = (await as.get(`/api/v1/inventory?org_id=${other.body.id}`)).body;
  assert.deepEqual([theirs.items, theirs.totals.gateways_reporting], [[], 0]);
  const theirHistory = (await as.get(`/api/v1/inventory/history?org_id=${other.body.id}`)).body;
  assert.deepEqual(theirHistory.signals, []);
});
