// The flowgate_measure processor in the real collector binary (gateway/dist/otelcol-flowgate), on
// its own: `flowgate_measure` before and after a `filter` that drops one metric and DEBUG logs, the
// collector's `opamp` extension connected to a small OpAMP server of ours. Known OTLP metrics (a
// label with 40 distinct values) and logs go in; the `summary` custom messages must name the
// metrics, count series, distinct values and bytes — fewer bytes out than in — and a
// `snapshot.request` must come back as a `snapshot.response` with the records that passed.
// The control plane's side (ingest, inventory API) is tested by its own e2e test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { acquireGatewayLock, type GatewayLock } from './lib/gateway-lock.ts';
import { COLLECTOR_BIN } from './lib/gateway.ts';
import { eventually, freePort } from './lib/server.ts';
import { logsPayload, sendOtlp } from './lib/otlp.ts';
import {
  MEASURE_CAPABILITY,
  runCollector,
  startMeasureOpampServer,
  waitForOtlpHttp,
  type MeasureOpampServer,
  type RunningCollector,
  type SummaryPoint,
} from './lib/measure.ts';

const skip = existsSync(COLLECTOR_BIN) ? false : 'gateway binaries not built: npm run gateway:build';

let lock: GatewayLock | null = null;
let opamp: MeasureOpampServer | null = null;
let collector: RunningCollector | null = null;
let otlpHttp = '';

const configYaml = (opampUrl: string, httpEndpoint: string) => `extensions:
  opamp:
    server:
      ws:
        endpoint: ${opampUrl}
receivers:
  otlp:
    protocols:
      http:
        endpoint: ${httpEndpoint}
processors:
  flowgate_measure/in.0: { pipeline: metrics, position: in, interval: 1s }
  flowgate_measure/out.0: { pipeline: metrics, position: out, interval: 1s }
  flowgate_measure/in.1: { pipeline: logs, position: in, interval: 1s }
  flowgate_measure/out.1: { pipeline: logs, position: out, interval: 1s }
  filter/e2e:
    error_mode: ignore
    metrics:
      metric:
        - name == "e2e.dropped.metric"
    logs:
      log_record:
        - severity_number < SEVERITY_NUMBER_INFO
exporters:
  nop: {}
service:
  telemetry:
    metrics:
      level: none
  extensions: [opamp]
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [flowgate_measure/in.0, filter/e2e, flowgate_measure/out.0]
      exporters: [nop]
    logs:
      receivers: [otlp]
      processors: [flowgate_measure/in.1, filter/e2e, flowgate_measure/out.1]
      exporters: [nop]
`;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/**
 * 40 points of `e2e.requests` (a monotonic sum; `user.id` takes 40 values, `http.route` 2), two of
 * `e2e.queue.depth` (a gauge) and ten of `e2e.dropped.metric`, which the filter drops.
 */
function metricsBody() {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const point = (value: number, attrs: { key: string; value: { stringValue: string } }[]) => ({
    asInt: String(value),
    timeUnixNano: now,
    attributes: attrs,
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'measure-e2e'), str('host.name', 'e2e-host')] },
        scopeMetrics: [
          {
            scope: { name: 'flowgate.e2e' },
            metrics: [
              {
                name: 'e2e.requests',
                unit: '1',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: Array.from({ length: 40 }, (_, i) =>
                    point(i, [
                      str('user.id', `user-${String(i).padStart(2, '0')}`),
                      str('http.route', i % 2 ? '/cart' : '/checkout'),
                    ]),
                  ),
                },
              },
              {
                name: 'e2e.queue.depth',
                unit: '{item}',
                gauge: { dataPoints: [point(3, [str('queue', 'a')]), point(4, [str('queue', 'b')])] },
              },
              {
                name: 'e2e.dropped.metric',
                unit: '1',
                gauge: {
                  dataPoints: Array.from({ length: 10 }, (_, i) =>
                    point(i, [str('payload', `a fairly long attribute value number ${i}`)]),
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

/** The point of an instance whose window saw the data (one request is one batch: in one window). */
function pointWithData(position: 'in' | 'out', signal: 'metrics' | 'logs'): SummaryPoint | null {
  for (const s of opamp!.summaries)
    for (const p of s.points) if (p.position === position && p.signal === signal && p.items > 0) return p;
  return null;
}

before(async () => {
  if (skip) return;
  lock = await acquireGatewayLock('e2e/measure-processor.test.ts');
  opamp = await startMeasureOpampServer();
  otlpHttp = `127.0.0.1:${await freePort()}`;
  collector = runCollector(configYaml(opamp.url, otlpHttp));
  await waitForOtlpHttp(otlpHttp, collector);
});

after(async () => {
  const code = await collector?.stop();
  if (collector && code !== 0) process.stderr.write(`collector exit ${code}:\n${collector.output().slice(-3000)}\n`);
  await opamp?.close();
  lock?.release();
});

test(
  'summaries name the metrics, count series and distinct values, and show the bytes the filter saved',
  { skip },
  async () => {
    await sendOtlp(otlpHttp, 'metrics', metricsBody());
    await sendOtlp(otlpHttp, 'logs', logsPayload('m1').body);

    const [pin, pout] = await eventually(async () => {
      const i = pointWithData('in', 'metrics');
      const o = pointWithData('out', 'metrics');
      return i && o ? [i, o] : null;
    }, 30_000);
    assert.ok(opamp!.capabilities().includes(MEASURE_CAPABILITY), `capabilities: ${opamp!.capabilities()}`);

    const names = (p: SummaryPoint) => p.metrics!.map((m) => m.name).sort();
    assert.deepEqual(names(pin), ['e2e.dropped.metric', 'e2e.queue.depth', 'e2e.requests']);
    assert.deepEqual(names(pout), ['e2e.queue.depth', 'e2e.requests'], 'the dropped metric is gone after the filter');
    assert.equal(pin.items, 52);
    assert.equal(pout.items, 42);
    assert.ok(pin.bytes > 0);
    assert.ok(pout.bytes < pin.bytes, `bytes out ${pout.bytes} < bytes in ${pin.bytes}`);
    assert.equal(pin.metrics_dropped, 0);

    const requests = pin.metrics!.find((m) => m.name === 'e2e.requests');
    assert.equal(requests.type, 'sum');
    assert.equal(requests.unit, '1');
    assert.equal(requests.monotonic, true);
    assert.equal(requests.temporality, 'cumulative');
    assert.equal(requests.series, 40);
    assert.equal(requests.datapoints, 40);
    const user = requests.labels.find((l: { name: string }) => l.name === 'user.id');
    assert.equal(user.distinct, 40);
    assert.equal(user.exact, true);
    assert.equal(user.examples.length, 5);
    for (const ex of user.examples) assert.match(ex, /^user-\d\d$/);
    const route = requests.labels.find((l: { name: string }) => l.name === 'http.route');
    assert.deepEqual(route.examples, ['/cart', '/checkout']);
    const service = requests.resource_labels.find((l: { name: string }) => l.name === 'service.name');
    assert.deepEqual(service.examples, ['measure-e2e']);
    const byteSum = pin.metrics!.reduce((n, m) => n + m.bytes, 0);
    assert.equal(byteSum, pin.bytes, 'every byte is attributed to a metric');

    // Windows are aligned to the interval (1 s) and last at most that long.
    const span = Date.parse(pin.window.end) - Date.parse(pin.window.start);
    assert.ok(span > 0 && span <= 1000, `window of ${span} ms`);
    assert.equal(Date.parse(pin.window.end) % 1000, 0);

    // Logs: (service, severity) groups; DEBUG only in front of the filter.
    const [lin, lout] = await eventually(async () => {
      const i = pointWithData('in', 'logs');
      const o = pointWithData('out', 'logs');
      return i && o ? [i, o] : null;
    }, 30_000);
    const groups = (p: SummaryPoint) =>
      Object.fromEntries(p.logs!.map((g) => [`${g.service}/${g.severity}`, g.records]));
    assert.deepEqual(groups(lin), {
      'flowgate-e2e-app/DEBUG': 2,
      'flowgate-e2e-app/INFO': 2,
      'flowgate-e2e-app/WARN': 1,
      'flowgate-e2e-app/ERROR': 1,
    });
    assert.deepEqual(groups(lout), {
      'flowgate-e2e-app/INFO': 2,
      'flowgate-e2e-app/WARN': 1,
      'flowgate-e2e-app/ERROR': 1,
    });
    assert.ok(lout.bytes < lin.bytes);
    assert.equal(
      lin.logs!.reduce((n, g) => n + g.bytes, 0),
      lin.bytes,
    );
    // Nothing but summaries: every message is small and carries no record.
    for (const s of opamp!.summaries) assert.ok(!JSON.stringify(s).includes('e2e info message'));
  },
);

test('a snapshot request is answered with the records that passed, within its bounds', { skip }, async () => {
  const id = `snap-${Date.now()}`;
  assert.ok(
    await opamp!.requestSnapshot({ id, pipeline: 'logs', position: 'out', max_items: 3, timeout_s: 20 }),
    'the collector is connected',
  );
  // The request reaches the processor asynchronously: keep logs flowing until it answers.
  let batch = 0;
  const reply = await eventually(
    async () => {
      await sendOtlp(otlpHttp, 'logs', logsPayload(`snap${++batch}`).body);
      return opamp!.snapshots.find((s) => s.id === id);
    },
    30_000,
    300,
  );
  assert.equal(reply.pipeline, 'logs');
  assert.equal(reply.position, 'out');
  assert.equal(reply.signal, 'logs');
  assert.equal(reply.error, undefined);
  assert.equal(reply.items, 3);
  assert.equal(reply.truncated, true, 'a batch holds four records past the filter');
  const records = reply.otlp.resourceLogs.flatMap((rl: { scopeLogs: { logRecords: unknown[] }[] }) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords),
  );
  assert.equal(records.length, 3);
  for (const r of records) assert.notEqual(r.severityText, 'DEBUG', 'captured after the filter');
  assert.equal(reply.otlp.resourceLogs[0].resource.attributes[0].value.stringValue, 'flowgate-e2e-app');

  // Nothing matches: answered at once with an error.
  const none = `none-${Date.now()}`;
  await opamp!.requestSnapshot({ id: none, pipeline: 'traces' });
  const refused = await eventually(async () => opamp!.snapshots.find((s) => s.id === none), 10_000);
  assert.match(refused.error, /no flowgate_measure instance matches/);
});
