import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { countMetrics } from './count.ts';
import { parseExposition } from './exposition.ts';
import { readOtlpJson } from './otlp-json.ts';
import { scrapeToOtlp } from './prometheus-receiver.ts';
import { metricsRequestSize, varintSize } from './proto-size.ts';
import { InventoryUploadError } from './types.ts';
import { inventoryFromExposition, inventoryFromOtlpJson } from './upload.ts';

const fixture = (name: string) => readFileSync(new URL(`../../testdata/exposition/${name}`, import.meta.url), 'utf8');
const nodeExporter = fixture('node-exporter-e2e-output.prom');
const prometheusSelf = fixture('prometheus-2.42-self.prom');

const byName = (inv: { metrics: { name: string }[] }, name: string) => {
  const m = inv.metrics.find((x) => x.name === name);
  assert.ok(m, `${name} is in the inventory`);
  return m as ReturnType<typeof inventoryFromExposition>['metrics'][number];
};

test('reference workload: 1,181 names and 3,027 series in Prometheus terms; 1,186 OTLP metrics after the receiver', () => {
  const inv = inventoryFromExposition(nodeExporter, { job: 'node', instance: '127.0.0.1:40891' });
  assert.deepEqual(inv.upload.prometheus, { metric_names: 1181, series: 3027 });
  // The receiver adds up and four scrape_* gauges; no histogram in this exposition, so one metric per name.
  assert.equal(inv.totals.metrics, 1186);
  assert.equal(inv.totals.series, 3032);
  assert.equal(inv.totals.datapoints, 3032);
  for (const name of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_series_added'])
    byName(inv, name);
  // Measured with the real v0.158.0 collector scraping this file from 127.0.0.1:40891 (file exporter, proto):
  // one ExportMetricsServiceRequest of 322,672 bytes. e2e/reduce-collector.test.ts checks it live.
  assert.equal(inv.totals.bytes, 322_672);
  assert.equal(
    inv.metrics.reduce((s, m) => s + m.bytes, 0),
    inv.totals.bytes,
    'per-metric shares add up to the request size',
  );
});

test('counters keep _total as at receiver v0.158.0 (trim_metric_suffixes: false); untyped becomes a gauge', () => {
  const inv = inventoryFromExposition(nodeExporter, { job: 'node', instance: 'node-1:9100' });
  const cpu = byName(inv, 'node_cpu_seconds_total');
  assert.equal(cpu.type, 'sum');
  assert.equal(cpu.monotonic, true);
  assert.equal(cpu.temporality, 'cumulative');
  assert.equal(cpu.series, 64);
  assert.deepEqual(
    cpu.labels.map((l) => [l.name, l.distinct]),
    [
      ['cpu', 8],
      ['mode', 8],
    ],
  );
  assert.deepEqual(cpu.labels.find((l) => l.name === 'mode')!.examples, ['idle', 'iowait', 'irq', 'nice', 'softirq']);
  assert.ok(!inv.metrics.some((m) => m.name === 'node_cpu_seconds'));
  const untyped = byName(inv, 'node_zfs_dmu_tx_dmu_tx_group');
  assert.equal(untyped.type, 'gauge');
  // job and instance are resource attributes, not labels.
  assert.deepEqual(cpu.resource_labels.find((l) => l.name === 'service.name')!.examples, ['node']);
  assert.deepEqual(cpu.resource_labels.find((l) => l.name === 'server.address')!.examples, ['node-1']);
  assert.equal(cpu.origin, 'prometheus');
  // With the option on, the receiver trims type suffixes.
  const trimmed = inventoryFromExposition(nodeExporter, { trimMetricSuffixes: true });
  assert.ok(byName(trimmed, 'node_cpu_seconds'));
});

test('histograms and summaries become one OTLP metric each; Prometheus series count buckets, _sum and _count', () => {
  const inv = inventoryFromExposition(prometheusSelf, { job: 'prometheus', instance: 'prom-1:9090' });
  const h = byName(inv, 'prometheus_http_request_duration_seconds');
  assert.equal(h.type, 'histogram');
  assert.deepEqual(
    h.labels.map((l) => l.name),
    ['handler'],
    'le is not a label of the OTLP histogram',
  );
  const buckets = prometheusSelf
    .split('\n')
    .filter((l) => l.startsWith('prometheus_http_request_duration_seconds_bucket')).length;
  assert.equal(h.prometheus_series, buckets + 2);
  for (const s of ['_bucket', '_sum', '_count'])
    assert.ok(!inv.metrics.some((m) => m.name === `prometheus_http_request_duration_seconds${s}`));
  const s = byName(inv, 'prometheus_engine_query_duration_seconds');
  assert.equal(s.type, 'summary');
  assert.deepEqual(
    s.labels.map((l) => l.name),
    ['slice'],
  );
  // Every sample line is a Prometheus series of exactly one inventory metric (+5 scrape metrics).
  assert.equal(
    inv.metrics.reduce((n, m) => n + (m.prometheus_series ?? 0), 0),
    inv.upload.prometheus!.series + 5,
  );
  assert.equal(
    inv.metrics.reduce((s, m) => s + m.bytes, 0),
    metricsRequestSize(scrapeToOtlp(parseExposition(prometheusSelf), { job: 'prometheus', instance: 'prom-1:9090' })),
  );
});

test('OpenMetrics: counter family foo exposed as foo_total with foo_created, UNIT to UCUM, exemplars skipped', () => {
  const om = [
    '# TYPE http_requests counter',
    '# UNIT http_requests_seconds seconds',
    '# HELP http_requests Requests.',
    'http_requests_total{code="200"} 10 # {trace_id="abc"} 1 1700000000.5',
    'http_requests_created{code="200"} 1700000000.25',
    '# TYPE rpc_seconds histogram',
    '# UNIT rpc_seconds seconds',
    'rpc_seconds_bucket{le="0.5"} 1',
    'rpc_seconds_bucket{le="+Inf"} 3',
    'rpc_seconds_sum 2.5',
    'rpc_seconds_count 3',
    'rpc_seconds_created 1700000000',
    '# EOF',
  ].join('\n');
  const req = scrapeToOtlp(parseExposition(om), { scrapeMetrics: false });
  const metrics = req.resourceMetrics![0]!.scopeMetrics![0]!.metrics!;
  assert.deepEqual(
    metrics.map((m) => m.name),
    ['http_requests_total', 'rpc_seconds'],
  );
  const counter = metrics[0]!;
  assert.equal(counter.sum!.isMonotonic, true);
  assert.equal(counter.sum!.dataPoints![0]!.startTimeUnixNano, '1700000000250000000');
  const hist = metrics[1]!;
  assert.equal(hist.unit, 's');
  assert.deepEqual(hist.histogram!.dataPoints![0]!.bucketCounts, ['1', '2']);
  assert.deepEqual(hist.histogram!.dataPoints![0]!.explicitBounds, [0.5]);
});

test('labels: escapes, quoted names, exported_job, empty values dropped, duplicates kept once', () => {
  const text = [
    '# TYPE weird gauge',
    'weird{path="C:\\\\dir",msg="say \\"hi\\"\\nbye",job="api",empty=""} 1',
    'weird{path="C:\\\\dir",msg="say \\"hi\\"\\nbye",job="api",empty=""} 2',
    '{"my.dotted.metric", zone="a"} 3 1700000000000',
  ].join('\n');
  const inv = inventoryFromExposition(text, { scrapeMetrics: false });
  const weird = byName(inv, 'weird');
  assert.equal(weird.series, 1);
  assert.deepEqual(
    weird.labels.map((l) => [l.name, l.examples[0]]),
    [
      ['exported_job', 'api'],
      ['msg', 'say "hi"\nbye'],
      ['path', 'C:\\dir'],
    ],
  );
  assert.equal(byName(inv, 'my.dotted.metric').series, 1);
});

test('what is not an exposition is refused with the lines at fault', () => {
  const cases: [string, RegExp][] = [
    ['<html><body>Login</body></html>', /line 1/],
    ['{"resourceMetrics": []}', /line 1/],
    ['', /no metric found/],
    ['ok_metric 1\nbroken{label="x" 1\nalso bad', /2 unreadable line/],
    ['# TYPE x sometype\nx 1', /unknown metric type/],
    ['x{a="\\q"} 1', /invalid escape/],
    ['x 1 2 3', /unexpected/],
    ['x one', /not a number/],
  ];
  for (const [text, message] of cases)
    assert.throws(
      () => inventoryFromExposition(text),
      (err: unknown) =>
        err instanceof InventoryUploadError && err.code === 'INVENTORY_UPLOAD_INVALID' && message.test(err.message),
      text,
    );
  try {
    parseExposition('ok 1\nbad line here\nok2 2\n{x');
  } catch (err) {
    assert.deepEqual(
      (err as InventoryUploadError).problems.map((p) => p.line),
      [2, 4],
    );
  }
});

const otlpDoc = {
  resource_metrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { string_value: 'checkout' } }] },
      scope_metrics: [
        {
          scope: { name: 'io.opentelemetry.sdk' },
          metrics: [
            {
              name: 'http.server.request.duration',
              unit: 's',
              histogram: {
                aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA',
                data_points: [
                  {
                    attributes: [{ key: 'http.route', value: { string_value: '/a' } }],
                    count: '3',
                    sum: 1.5,
                    bucket_counts: ['1', '2'],
                    explicit_bounds: [1],
                    time_unix_nano: '1',
                  },
                ],
              },
            },
            {
              name: 'queue.size',
              exponential_histogram: {
                aggregation_temporality: 2,
                data_points: [{ count: '1', scale: 3, positive: { offset: -2, bucket_counts: ['1'] } }],
              },
            },
          ],
        },
      ],
    },
  ],
};

test('OTLP JSON: snake_case and enum names accepted, JSON lines are one window, types and temporality kept', () => {
  const one = JSON.stringify(otlpDoc);
  const inv = inventoryFromOtlpJson(`${one}\n${one}\n`, { intervalSeconds: 30 });
  const h = byName(inv, 'http.server.request.duration');
  assert.equal(h.type, 'histogram');
  assert.equal(h.temporality, 'delta');
  assert.equal(h.origin, 'otlp');
  assert.equal(h.series, 1, 'the same series in two requests is one series');
  assert.equal(h.datapoints, 2);
  assert.equal(h.datapoints_per_min, 4);
  assert.equal(byName(inv, 'queue.size').type, 'exponential_histogram');
  assert.equal(inv.totals.bytes, 2 * metricsRequestSize(readOtlpJson(one)[0]!));
});

test('OTLP JSON: malformed documents are refused with JSON paths', () => {
  const bad: [string, RegExp][] = [
    ['not json', /not OTLP JSON/],
    ['{"resourceMetrics": {}}', /resourceMetrics: expected an array/],
    ['{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "x"}]}]}]}', /exactly one of/],
    ['{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"gauge": {}}]}]}]}', /needs a name/],
    ['[1,2]', /expected an object/],
  ];
  for (const [text, message] of bad)
    assert.throws(
      () => inventoryFromOtlpJson(text),
      (err: unknown) => err instanceof InventoryUploadError && message.test(err.message),
      text,
    );
});

test('protobuf sizes follow the encoding rules (varints, presence of zero values)', () => {
  assert.deepEqual(
    [0, 127, 128, 16383, 16384, 2 ** 32, -1].map((n) => varintSize(n)),
    [1, 1, 2, 2, 3, 5, 10],
  );
  assert.equal(varintSize(2n ** 64n - 1n), 10);
  const gauge = (value: number) => ({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: value }] } }] }] }],
  });
  // A oneof member is written even when 0: the same size for 0 and 1.
  assert.equal(metricsRequestSize(gauge(0)), metricsRequestSize(gauge(1)));
  // Framing (tag + length) of: resource_metrics, resource (empty, always written), scope_metrics, scope
  // (empty, always written), metric; name "g"; framing of gauge and point; the double (tag + 8).
  assert.equal(metricsRequestSize(gauge(1)), 2 + 2 + 2 + 2 + 2 + 3 + 2 + 2 + 9);
  const counted = countMetrics([gauge(1)]);
  assert.equal(counted.totals.bytes, metricsRequestSize(gauge(1)));
});
