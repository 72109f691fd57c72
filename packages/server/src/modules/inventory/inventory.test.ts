// The control plane's side of edge measurement with simulated gateways that announce io.flowgate.measure and
// send summaries over OpAMP (WebSocket and plain HTTP): what is stored, the inventory and history APIs, the
// org-wide merge, retention and tenant isolation. Refusals: summary-refusals.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { api, userWithRole } from '../../testing/harness.ts';
import { eventually } from '../../testing/sim-agent.ts';
import { label, measurePoint, summaryMessage } from '../../testing/measure.ts';
import { lastMinute, minute, startInventoryTestbed, type InventoryTestbed } from './inventory.fixtures.ts';

let bed: InventoryTestbed;
const admin = () => bed.admin();
const startGateway = (...args: Parameters<InventoryTestbed['startGateway']>) => bed.startGateway(...args);

before(async () => {
  bed = await startInventoryTestbed();
});
after(async () => {
  await bed?.close();
});

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
  const hourly = await bed.fg.db.query<{ hour: Date; items: number; bytes: number; seconds: number }>(
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
  const metricHours = await bed.fg.db.query<{ metrics: Record<string, { series: number; datapoints: number }> }>(
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

test('history is kept for the retention period, then pruned', async () => {
  const { agent, id } = await startGateway('inv-prune');
  await agent.send({ customMessage: summaryMessage(minute(lastMinute())) });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}/inventory`)).body.pipelines.length === 2);
  const old = new Date(Date.now() - 40 * 86_400_000);
  await bed.fg.db.query(
    `INSERT INTO inventory_hourly (org_id, gateway_id, hour, pipeline, position, signal, items, bytes, seconds)
     VALUES ($1, $2, $3, 'metrics', 'in', 'metrics', 1, 1, 60)`,
    [bed.fg.defaultOrgId, id, old],
  );
  const count = async () =>
    (
      await bed.fg.db.query<{ old: number; recent: number }>(
        `SELECT count(*) FILTER (WHERE hour < now() - interval '30 days')::int AS old,
                count(*) FILTER (WHERE hour >= now() - interval '30 days')::int AS recent
           FROM inventory_hourly WHERE gateway_id = $1`,
        [id],
      )
    )[0]!;
  assert.equal((await count()).old, 1);
  const recent = (await count()).recent;
  assert.ok((await bed.fg.features.inventory.prune()) >= 1);
  assert.deepEqual(await count(), { old: 0, recent });
});

// Last: a second org makes the admin a member of two, so org_id becomes required.
test('another org sees none of it: its members get 404 for our gateways, its inventory is empty', async () => {
  const { agent, id } = await startGateway('inv-tenant');
  await agent.send({ customMessage: summaryMessage(minute(lastMinute())) });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${id}/inventory`)).body.pipelines.length > 0);
  const other = await admin().post('/api/v1/orgs', { name: `inv-other-${Date.now()}` });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  const outsider = await userWithRole(bed.fg, other.body.id, 'owner');
  const as = api(bed.fg, outsider.token);
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
  assert.equal((await as.get(`/api/v1/gateways/${id}/inventory?org_id=${bed.fg.defaultOrgId}`)).status, 404);
  const theirs = (await as.get(`/api/v1/inventory?org_id=${other.body.id}`)).body;
  assert.deepEqual([theirs.items, theirs.totals.gateways_reporting], [[], 0]);
  const theirHistory = (await as.get(`/api/v1/inventory/history?org_id=${other.body.id}`)).body;
  assert.deepEqual(theirHistory.signals, []);
});
