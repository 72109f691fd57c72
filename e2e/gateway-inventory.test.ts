// Issue 10, measurement at the edge, with the real binaries: a real gateway (`flowgate gateway run`) whose
// collector has the Flowgate processor is deployed a template with a filter that drops one metric; the
// control plane adds flowgate_measure at the start and the end of every pipeline; known OTLP metrics (a
// label with 40 values) go through it; the inventory API shows the metric names, series, that label's
// distinct count, and fewer bytes out than in on the pipeline. A snapshot at the end of the pipeline holds
// records that passed and none of the dropped metric.
//
// Needs gateway/dist with a collector whose `components` lists flowgate_measure; skipped otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startServer, type ServerProcess } from './lib/server.ts';
import { acquireGatewayLock, type GatewayLock } from './lib/gateway-lock.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import {
  COLLECTOR_BIN,
  RealGateway,
  createTemplate,
  deploy,
  deployment,
  eventuallyOr,
  gatewayDetail,
  gatewaySkip,
  ok,
  pgrepCollectors,
  waitHealthy,
  type Json,
} from './lib/gateway.ts';
import { sendOtlp, startOtlpSink, type OtlpSink } from './lib/otlp.ts';

function measureSkip(): string | false {
  if (gatewaySkip) return gatewaySkip;
  if (!existsSync(COLLECTOR_BIN)) return 'gateway binaries not built: npm run gateway:build';
  try {
    const components = execFileSync(COLLECTOR_BIN, ['components'], { encoding: 'utf8', timeout: 30_000 });
    return /name:\s*flowgate_measure\b/.test(components)
      ? false
      : 'gateway/dist/otelcol-flowgate has no flowgate_measure processor (`otelcol-flowgate components` does not ' +
          'list it): build a gateway with the Flowgate processor (npm run gateway:build)';
  } catch (err) {
    return `gateway/dist/otelcol-flowgate components failed: ${(err as Error).message}`;
  }
}
const skip = measureSkip();
const T0 = Date.now();
const note = (m: string) =>
  process.stderr.write(`[gateway-inventory +${((Date.now() - T0) / 1000).toFixed(1)}s] ${m}\n`);

let lock: GatewayLock | null = null;
let db: TestDatabase | null = null;
let server: ServerProcess;
let sink: OtlpSink;
let gw: RealGateway;
let gwId = '';
let sending: NodeJS.Timeout | null = null;
let sent = 0;

const ROUTES = 40;
const configYaml = (sinkUrl: string) => `# Drop a metric nobody reads.
receivers:
  otlp:
    protocols:
      http: {}
processors:
  filter/e2e:
    error_mode: ignore
    metrics:
      metric:
        - name == "e2e.dropped.metric"
  batch:
    timeout: 200ms
exporters:
  otlphttp/sink:
    endpoint: ${sinkUrl}
    encoding: json
    compression: none
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [filter/e2e, batch]
      exporters: [otlphttp/sink]
`;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
/** One request: `e2e.inventory.requests` with one point per route (40 series), and the metric the filter drops. */
function payload() {
  const now = BigInt(Date.now()) * 1_000_000n;
  const point = (value: number, attrs: { key: string; value: { stringValue: string } }[]) => ({
    asInt: String(value),
    startTimeUnixNano: String(now - 60_000_000_000n),
    timeUnixNano: String(now),
    attributes: attrs,
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'inventory-e2e-app'), str('host.name', 'e2e-host')] },
        scopeMetrics: [
          {
            scope: { name: 'flowgate.e2e' },
            metrics: [
              {
                name: 'e2e.inventory.requests',
                unit: '1',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: Array.from({ length: ROUTES }, (_, i) =>
                    point(++sent, [str('http.route', `/api/r${i}`), str('http.method', 'GET')]),
                  ),
                },
              },
              {
                name: 'e2e.dropped.metric',
                unit: '1',
                gauge: {
                  dataPoints: Array.from({ length: 10 }, (_, i) =>
                    point(i, [str('debug.detail', `a fairly long debug attribute value number ${i}`)]),
                  ),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

before(async () => {
  if (skip) return;
  db = await freshDatabase();
  server = await startServer({ ...db.env });
  sink = await startOtlpSink();
  const token = (
    await ok(
      server.api('POST', '/api/v1/registration-tokens', { name: 'e2e-inventory', expires_in_days: 1 }),
      'registration token',
    )
  ).token;
  lock = await acquireGatewayLock('gateway-inventory');
  if (lock.waitedMs > 1000) note(`waited ${(lock.waitedMs / 1000).toFixed(0)} s for the real-gateway lock`);
  gw = await RealGateway.create('e2e-inventory', () => server, { via: 'cli', registrationToken: token });
  gw.start();
  const listed = await eventuallyOr(
    async () => (await server.api('GET', '/api/v1/gateways?name=e2e-inventory')).body.items?.[0],
    90_000,
    () => gw.diagnostics(),
  );
  gwId = listed.id;
  await waitHealthy(server, gwId, 90_000, (d) => !!d.available_components).catch((err) => {
    throw new Error(`${err.message}\n${gw.diagnostics()}`);
  });
  note(`control plane on ${server.url}, gateway ${gwId} healthy, OTLP HTTP on 127.0.0.1:${gw.ports.http}`);
});

after(async () => {
  if (sending) clearInterval(sending);
  const code = await gw?.stop().catch(() => null);
  if (gw) note(`stopped ${gw.name} (exit ${code})`);
  const left = gw?.processes() ?? [];
  gw?.removeStorage();
  await server?.stop();
  await sink?.close();
  await db?.drop().catch(() => undefined);
  lock?.release();
  if (!skip) {
    const all = pgrepCollectors();
    note(`pgrep -af otelcol-flowgate after cleanup: ${all ? `\n${all}` : '(none)'}`);
    assert.deepEqual(left, [], 'no supervisor or collector of this file is left running');
  }
});

test(
  'the control plane adds the Flowgate processor to what it deploys; the inventory shows names, series, ' +
    'a label’s 40 values and fewer bytes out than in where the filter drops',
  { skip, timeout: 300_000 },
  async () => {
    const detail = await gatewayDetail(server, gwId);
    assert.ok('flowgate_measure' in (detail.available_components?.processors ?? {}), 'the build has the processor');
    const template = configYaml(sink.url);
    const tpl = await createTemplate(server, 'e2e-inventory', template);
    const dep = await deploy(server, {
      template_id: tpl.id,
      version: tpl.version,
      target: { gateway_ids: [gwId] },
      strategy: { type: 'all_at_once' },
    });
    await eventuallyOr(
      async () => (await deployment(server, dep.id)).status === 'completed',
      90_000,
      async () => `${JSON.stringify(await deployment(server, dep.id))}\n${gw.diagnostics()}`,
    );
    const applied = await waitHealthy(
      server,
      gwId,
      60_000,
      (d) => d.remote_config.status === 'APPLIED' && /flowgate_measure\/in\.0/.test(d.effective_config_yaml ?? ''),
    ).catch(async (err) => {
      throw new Error(`${err.message}\n${JSON.stringify(await gatewayDetail(server, gwId))}\n${gw.diagnostics()}`);
    });
    assert.equal(applied.remote_config.hash, applied.current_config_hash, 'the deployment’s hash, as stored');
    assert.match(applied.effective_config_yaml, /flowgate_measure\/out\.0/);
    assert.deepEqual(applied.custom_capabilities, ['io.flowgate.measure']);
    const stored = await ok(server.api('GET', `/api/v1/templates/${tpl.id}`), 'template');
    assert.ok(!JSON.stringify(stored).includes('flowgate_measure'), 'the template stays as written');
    note('deployed; the effective config carries flowgate_measure/in.0 and out.0');

    // Traffic for as long as it takes a summary (the processor reports every 60 s) to arrive.
    await sendOtlp(`127.0.0.1:${gw.ports.http}`, 'metrics', payload());
    sending = setInterval(
      () => void sendOtlp(`127.0.0.1:${gw.ports.http}`, 'metrics', payload()).catch(() => undefined),
      2000,
    );
    const inv: Json = await eventuallyOr(
      async () => {
        const r = await ok(server.api('GET', `/api/v1/gateways/${gwId}/inventory`), 'inventory');
        const m = r.metrics?.find((x: Json) => x.name === 'e2e.inventory.requests');
        const p = r.pipelines?.find((x: Json) => x.name === 'metrics');
        return m && m.series >= ROUTES && p?.in && p?.out ? r : null;
      },
      180_000,
      async () =>
        `${JSON.stringify(await server.api('GET', `/api/v1/gateways/${gwId}/inventory`))}\n${gw.diagnostics()}`,
      2000,
    );
    note(`inventory reported at ${inv.reported_at}`);
    assert.equal(inv.measurement.status, 'reporting');
    const names = inv.metrics.map((m: Json) => m.name);
    assert.ok(names.includes('e2e.inventory.requests') && names.includes('e2e.dropped.metric'), names.join(', '));
    const requests = inv.metrics.find((m: Json) => m.name === 'e2e.inventory.requests');
    assert.equal(requests.series, ROUTES, 'one series per route');
    assert.equal(requests.type, 'sum');
    const route = requests.labels.find((l: Json) => l.name === 'http.route');
    assert.equal(route.distinct, ROUTES, 'http.route has 40 distinct values');
    assert.equal(route.exact, true);
    assert.ok(route.examples.every((e: string) => /^\/api\/r\d+$/.test(e)));
    assert.equal(requests.labels.find((l: Json) => l.name === 'http.method').distinct, 1);
    assert.ok(requests.out && requests.out.series === ROUTES, 'exported as received');
    const dropped = inv.metrics.find((m: Json) => m.name === 'e2e.dropped.metric');
    assert.deepEqual(dropped.out, { series: 0, datapoints_per_min: 0, bytes_per_min: 0 }, 'dropped by the filter');
    const pipeline = inv.pipelines.find((p: Json) => p.name === 'metrics');
    assert.ok(
      pipeline.out.bytes < pipeline.in.bytes,
      `bytes out ${pipeline.out.bytes} < bytes in ${pipeline.in.bytes}`,
    );
    assert.ok(pipeline.out.items < pipeline.in.items, 'items out < items in');
    assert.ok(pipeline.bytes_reduction > 0);

    const org = await ok(server.api('GET', '/api/v1/inventory?q=e2e.inventory'), 'org inventory');
    assert.deepEqual(
      org.items.map((m: Json) => [m.name, m.gateways.map((g: Json) => g.name)]),
      [['e2e.inventory.requests', ['e2e-inventory']]],
    );

    // A snapshot where the pipeline ends: records that passed the filter, none of the dropped metric.
    const snap = await server.api('POST', `/api/v1/gateways/${gwId}/snapshots`, {
      signal: 'metrics',
      pipeline: 'metrics',
      position: 'out',
      max_items: 50,
      timeout_s: 15,
    });
    assert.equal(snap.status, 200, JSON.stringify(snap.body));
    assert.ok(snap.body.records > 0, 'records captured');
    const text = JSON.stringify(snap.body.otlp);
    assert.ok(text.includes('e2e.inventory.requests'));
    assert.ok(!text.includes('e2e.dropped.metric'), 'the dropped metric never reaches the end of the pipeline');
    note(`snapshot: ${snap.body.records} records, truncated ${snap.body.truncated}`);
  },
);
