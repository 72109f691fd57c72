// Backend presets end to end with the real collector (gateway/dist/otelcol-flowgate): OTLP metrics and logs
// sent into it leave through what each preset rendered and arrive where they should —
// - Prometheus remote write into a REAL Prometheus (Debian's binary, remote-write receiver on), queried back;
// - OTLP into an OTLP sink;
// - Datadog and Google Cloud into local stand-ins that check what the real services check (the real
//   services cannot be reached from here; see docs/testing.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeConfig, type BlockInstance } from '@flowgate/config-model';
import { gatewaySkip } from './lib/gateway.ts';
import { eventually, freePort } from './lib/server.ts';
import { logsPayload, sendOtlp, startOtlpSink } from './lib/otlp.ts';
import { prometheusSkip, startCollector, startPrometheus, type Collector } from './lib/collector-process.ts';
import { startDatadogIntake } from './lib/datadog-standin.ts';
import { makeServiceAccount, makeTls, startGoogleCloud } from './lib/google-standin.ts';

type Stoppable = { stop(): Promise<void> } | { close(): Promise<void> };
const running: Stoppable[] = [];
let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'flowgate-presets-'));
});
after(async () => {
  for (const p of running.reverse()) await ('stop' in p ? p.stop() : p.close()).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

async function collectorFor(
  block: BlockInstance,
  secrets: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  const [grpc, http] = [await freePort(), await freePort()];
  const r = composeConfig({
    blocks: [block],
    secretNames: new Set(Object.keys(secrets)),
    base: { otlpGrpcEndpoint: `127.0.0.1:${grpc}`, otlpHttpEndpoint: `127.0.0.1:${http}`, supervised: false },
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  const c = await startCollector(r.yaml, { otlpHttpPort: http, secrets, env });
  running.push(c);
  return c;
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
/** One cumulative counter point (same series every call: same attributes, same start) and a gauge. */
function counterBatch(counter: string, value: number, start: bigint, gauge = 3) {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const attributes = [str('http.route', '/checkout')];
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'presets-e2e'), str('service.instance.id', 'i-1')] },
        scopeMetrics: [
          {
            scope: { name: 'flowgate.e2e' },
            metrics: [
              {
                name: counter,
                unit: '1',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { asInt: String(value), startTimeUnixNano: String(start), timeUnixNano: now, attributes },
                  ],
                },
              },
              {
                name: 'e2e.queue.depth',
                unit: '1',
                gauge: { dataPoints: [{ asDouble: gauge, timeUnixNano: now, attributes }] },
              },
            ],
          },
        ],
      },
    ],
  };
}
const startNanos = () => (BigInt(Date.now()) - 60_000n) * 1_000_000n;
async function stopped(c: Collector) {
  await c.stop();
  running.splice(running.indexOf(c), 1);
}

test(
  'Prometheus remote write into a real Prometheus, queried back through its HTTP API',
  { skip: gatewaySkip || prometheusSkip },
  async () => {
    const prom = await startPrometheus();
    running.push(prom);
    const c = await collectorFor({
      type: 'backend.prometheus_remote_write',
      id: 'prom',
      config: { endpoint: `${prom.url}/api/v1/write` },
    });
    const start = startNanos();
    await sendOtlp(c.otlpHttp, 'metrics', counterBatch('e2e.requests', 41, start, 7));
    const series = await eventually(
      async () => {
        const r = await prom.query('e2e_requests_total');
        return r.length ? r : null;
      },
      30_000,
      500,
    ).catch(async (err: Error) => {
      const names = await prom.query('count by (__name__) ({__name__=~".+"})');
      const held = JSON.stringify(names.map((n) => n.metric.__name__));
      throw new Error(`${err.message}; Prometheus holds ${held}\n${c.output().slice(-2000)}`);
    });
    assert.equal(series.length, 1);
    assert.equal(series[0]!.value[1], '41');
    assert.equal(series[0]!.metric.http_route, '/checkout');
    assert.equal(series[0]!.metric.job, 'presets-e2e', 'service.name becomes job');
    assert.equal(series[0]!.metric.instance, 'i-1');
    const gauge = await eventually(async () => (await prom.query('e2e_queue_depth_ratio')).at(0), 30_000, 500);
    // A gauge in unit "1" gets the _ratio suffix (the exporter's Prometheus naming with suffixes on).
    assert.equal(gauge.value[1], '7');
    await stopped(c);
  },
);

test('OTLP preset (HTTP, JSON) into an OTLP sink: metrics and logs arrive intact', { skip: gatewaySkip }, async () => {
  const sink = await startOtlpSink();
  running.push(sink);
  const c = await collectorFor({
    type: 'backend.otlp',
    id: 'sink',
    config: { protocol: 'http', endpoint: sink.url, tls_insecure: true, encoding: 'json' },
  });
  await sendOtlp(c.otlpHttp, 'metrics', counterBatch('e2e.requests', 5, startNanos()));
  const logs = logsPayload('otlp');
  await sendOtlp(c.otlpHttp, 'logs', logs.body);
  const points = await eventually(async () => (sink.points().length >= 2 ? sink.points() : null), 30_000, 200);
  assert.deepEqual(points.map((p) => p.name).sort(), ['e2e.queue.depth', 'e2e.requests']);
  assert.equal(points[0]!.resource['service.name'], 'presets-e2e');
  const received = await eventually(async () => (sink.logs().length >= logs.total ? sink.logs() : null), 30_000, 200);
  assert.equal(received.length, logs.total);
  await stopped(c);
});

test(
  'Datadog intake: dd-api-key from the secret, protobuf, delta sums (cumulative_to_delta), logs',
  { skip: gatewaySkip },
  async () => {
    const KEY = 'dd-e2e-0123456789abcdef';
    const dd = await startDatadogIntake(KEY);
    running.push(dd);
    const c = await collectorFor(
      { type: 'backend.datadog', id: 'datadog', config: { api_key_secret: 'DD_API_KEY', intake_url: dd.url } },
      { DD_API_KEY: KEY },
    );
    const start = startNanos();
    // Cumulative 100 then 115 for one series: Datadog must receive the difference, 15, as a delta.
    await sendOtlp(c.otlpHttp, 'metrics', counterBatch('e2e.requests', 100, start));
    await new Promise((r) => setTimeout(r, 500));
    await sendOtlp(c.otlpHttp, 'metrics', counterBatch('e2e.requests', 115, start));
    const logs = logsPayload('dd');
    await sendOtlp(c.otlpHttp, 'logs', logs.body);

    const delta = await eventually(async () => dd.points.find((p) => p.metric === 'e2e.requests'), 30_000, 200);
    assert.equal(delta.kind, 'sum');
    assert.equal(delta.temporality, 1, 'DELTA');
    assert.equal(delta.value, 15);
    assert.equal(delta.attributes['http.route'], '/checkout');
    assert.ok(
      dd.points.some((p) => p.metric === 'e2e.queue.depth' && p.value === 3),
      'gauges pass as they are',
    );
    await eventually(async () => dd.logs.length >= logs.total, 30_000, 200);
    assert.ok(dd.logs.some((l) => l.severity === 'ERROR' && /e2e error message/.test(l.body)));

    const refused = dd.requests.filter((r) => r.status >= 300);
    assert.deepEqual(refused, [], 'the stand-in refused nothing (key, paths, protobuf, temporality)');
    const metricsCall = dd.requests.find((r) => r.path === '/v1/metrics')!;
    assert.deepEqual(JSON.parse(String(metricsCall.headers['dd-otel-metric-config'])), {
      resource_attributes_as_tags: true,
      histograms: { mode: 'distributions' },
    });
    assert.ok(dd.requests.some((r) => r.path === '/v1/logs'));
    await stopped(c);
  },
);

test('Datadog stand-in is strict: a wrong API key is refused with 403', { skip: gatewaySkip }, async () => {
  const dd = await startDatadogIntake('the-right-key');
  running.push(dd);
  const c = await collectorFor(
    { type: 'backend.datadog', id: 'datadog', config: { api_key_secret: 'DD_API_KEY', intake_url: dd.url } },
    { DD_API_KEY: 'a-wrong-key' },
  );
  await sendOtlp(c.otlpHttp, 'logs', logsPayload('wrong').body);
  const r = await eventually(async () => dd.requests.find((x) => x.path === '/v1/logs'), 30_000, 200);
  assert.equal(r.status, 403);
  assert.equal(dd.logs.length, 0);
  await stopped(c);
});

for (const auth of ['application_default', 'googleclientauth'] as const)
  test(
    `Google Cloud (${auth}): the googlecloud exporter authenticates with a service-account key and writes to the project`,
    { skip: gatewaySkip },
    async () => {
      const project = 'flowgate-e2e-1';
      const dir = mkdtempSync(join(scratch, `${auth}-`));
      const tls = makeTls(dir);
      const gcp = await startGoogleCloud({ project, key: tls.key, cert: tls.cert });
      running.push(gcp);
      const account = makeServiceAccount(dir, project, gcp.tokenUri);
      gcp.trust(account);
      const c = await collectorFor(
        {
          type: 'backend.googlecloud',
          id: 'gcp',
          config: { project, auth, region: 'europe-west1', metric_endpoint: gcp.endpoint, log_endpoint: gcp.endpoint },
          signals: ['metrics', 'logs'],
        },
        {},
        // What the preset's host requirement asks for: ADC from a key file; and trust in the stand-in's CA.
        { GOOGLE_APPLICATION_CREDENTIALS: account.file, SSL_CERT_FILE: tls.caFile },
      );
      const start = startNanos();
      await sendOtlp(c.otlpHttp, 'metrics', counterBatch('e2e.requests', 9, start));
      await sendOtlp(c.otlpHttp, 'logs', logsPayload('gcp').body);
      const ts = await eventually(
        async () => gcp.timeSeries.find((t) => t.metricType === 'workload.googleapis.com/e2e.requests'),
        45_000,
        250,
      );
      assert.equal(ts.project, `projects/${project}`);
      assert.equal(ts.labels.http_route, '/checkout');
      assert.ok(ts.values.includes(9), JSON.stringify(ts));
      await eventually(async () => gcp.logEntries.length > 0, 45_000, 250);
      assert.ok(gcp.logEntries.every((e) => e.logName.startsWith(`projects/${project}/logs/`)));
      const unauthenticated = gcp.calls.filter((x) => x.status === 16);
      assert.deepEqual(unauthenticated, [], 'every call carried a valid bearer token');
      assert.ok(gcp.calls.every((x) => x.auth === 'jwt' || x.auth === 'oauth-token'));
      assert.deepEqual(
        gcp.calls.filter((x) => x.status !== 0),
        [],
        c.output().slice(-3000),
      );
      await stopped(c);
    },
  );
