// The cost engine's computation checked against the real collector (gateway/dist/otelcol-flowgate, v0.158.0):
//   * an uploaded exposition is counted as the gateway sees it: the prometheus receiver's names, types and
//     series, and the protobuf size calculator equal to the collector's own encoding;
//   * the metric building blocks render configs the collector accepts and that drop, keep and merge
//     exactly what they say (values checked);
//   * recommendations act on the names the gateway sees, for metrics scraped by the prometheus receiver and
//     pushed over OTLP alike (histograms and _total counters in both).
// Skipped when the gateway binaries are not built (npm run gateway:build).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { blockType, type BlockInstance } from '@flowgate/config-model';
import { inventoryFromExposition, inventoryFromOtlpJson } from '@flowgate/analysis/inventory/upload.ts';
import { mergeInventories } from '@flowgate/analysis/inventory/merge.ts';
import { metricsRequestSize } from '@flowgate/analysis/inventory/proto-size.ts';
import { recommend } from '@flowgate/analysis/recommend/recommend.ts';
import { recommendationsToBlocks } from '@flowgate/analysis/recommend/to-blocks.ts';
import { checkConfig } from '@flowgate/analysis/guard/guard.ts';
import type { MetricUsage } from '@flowgate/analysis/recommend/types.ts';
import { gatewaySkip } from './lib/gateway.ts';
import { pushMetrics, serveExposition, startCollector, validateConfig } from './lib/collector.ts';
import { eventually, repoRoot } from './lib/server.ts';
import { checkoutPayload, shopPayload } from './lib/reduce-payloads.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const exposition = (name: string) =>
  readFileSync(join(repoRoot, 'packages/analysis/testdata/exposition', name), 'utf8');
const NODE = exposition('node-exporter-e2e-output.prom');
const PROM = exposition('prometheus-2.42-self.prom');

const metricsOf = (lines: Json[]) =>
  lines.flatMap((l: Json) =>
    (l.resourceMetrics ?? []).flatMap((rm: Json) =>
      (rm.scopeMetrics ?? []).flatMap((sm: Json) =>
        (sm.metrics ?? []).map((m: Json) => ({ ...m, resource: rm.resource })),
      ),
    ),
  );
const attrs = (kvs: Json[] | undefined) =>
  Object.fromEntries((kvs ?? []).map((kv: Json) => [kv.key, kv.value?.stringValue ?? JSON.stringify(kv.value)]));
const service = (m: Json) => attrs(m.resource?.attributes)['service.name'];

/** Collector config fragments of block instances, in order. */
function renderBlocks(instances: BlockInstance[]) {
  const ctx = { secretNames: new Set<string>(), signals: ['metrics'] as const };
  const processors: Record<string, unknown> = {};
  const order: string[] = [];
  for (const b of instances) {
    const type = blockType(b.type)!;
    assert.deepEqual(type.validate(b.config as never, ctx), [], `${b.type} ${b.id} is valid`);
    const r = type.render(b.config as never, ctx, b.id);
    Object.assign(processors, r.processors);
    order.push(...(r.pipelines.metrics?.processors ?? []));
  }
  return { processors, order };
}

describe('reduce: computation against the real collector', { skip: gatewaySkip }, () => {
  test('uploads are counted as the prometheus receiver emits them; sizes equal the collector encoding', async () => {
    const targets = [await serveExposition(NODE), await serveExposition(PROM)];
    const col = await startCollector((file) => ({
      receivers: {
        prometheus: {
          config: {
            scrape_configs: [
              { job_name: 'node', scrape_interval: '2s', static_configs: [{ targets: [targets[0]!.target] }] },
              { job_name: 'prom', scrape_interval: '2s', static_configs: [{ targets: [targets[1]!.target] }] },
            ],
          },
        },
      },
      exporters: { file: { path: file('out.json') }, 'file/proto': { path: file('out.pb'), format: 'proto' } },
      service: {
        telemetry: { metrics: { level: 'none' } },
        pipelines: { metrics: { receivers: ['prometheus'], exporters: ['file', 'file/proto'] } },
      },
    }));
    try {
      await eventually(async () => {
        const jobs = new Set(metricsOf(col.jsonLines('out.json')).map(service));
        return jobs.has('node') && jobs.has('prom');
      }, 60_000);
      await col.stop();
      const lines = col.jsonLines('out.json');
      const frames = col.protoFrames('out.pb');
      assert.ok(lines.length >= 2);
      // The same batches in both exporters, in the same order: every computed size is the encoded size.
      assert.equal(frames.length, lines.length);
      lines.forEach((l, i) => assert.equal(metricsRequestSize(l), frames[i], `request ${i}`));

      for (const [job, text, target] of [
        ['node', NODE, targets[0]!.target],
        ['prom', PROM, targets[1]!.target],
      ] as const) {
        const line = lines.find((l) => service(metricsOf([l])[0]) === job)!;
        const seen = inventoryFromOtlpJson(JSON.stringify(line));
        const upload = inventoryFromExposition(text, { job, instance: target });
        const strip = (m: Json) => [m.name, m.type, m.unit, m.monotonic, m.temporality, m.series, m.datapoints];
        assert.deepEqual(upload.metrics.map(strip), seen.metrics.map(strip), `${job}: names, types, series`);
        assert.deepEqual(
          upload.metrics.map((m) => m.labels.map((l) => [l.name, l.distinct])),
          seen.metrics.map((m) => m.labels.map((l) => [l.name, l.distinct])),
        );
        assert.equal(upload.totals.bytes, seen.totals.bytes, `${job}: request size`);
        // Per metric, shares of the resource overhead may round differently in another metric order.
        for (const [i, m] of upload.metrics.entries())
          assert.ok(
            Math.abs(m.bytes - seen.metrics[i]!.bytes) <= 2,
            `${m.name}: ${m.bytes} vs ${seen.metrics[i]!.bytes}`,
          );
      }
    } finally {
      await col.dispose();
      for (const t of targets) await t.close();
    }
  });

  test('OTLP from an SDK: histograms, exponential histograms, summaries and exemplars are sized as encoded', async () => {
    const col = await startCollector(
      (file, otlpHttp) => ({
        receivers: { otlp: { protocols: { http: { endpoint: otlpHttp } } } },
        exporters: { file: { path: file('out.json') }, 'file/proto': { path: file('out.pb'), format: 'proto' } },
        service: {
          telemetry: { metrics: { level: 'none' } },
          pipelines: { metrics: { receivers: ['otlp'], exporters: ['file', 'file/proto'] } },
        },
      }),
      { waitOtlp: true },
    );
    try {
      await pushMetrics(col.otlpHttp, checkoutPayload());
      await eventually(async () => col.protoFrames('out.pb').length >= 1, 20_000);
      await col.stop();
      const lines = col.jsonLines('out.json').filter((l) => metricsOf([l]).length);
      const frames = col.protoFrames('out.pb');
      const sized = lines.map(metricsRequestSize);
      assert.ok(sized.length >= 1);
      assert.deepEqual(
        sized,
        frames.filter((f) => f > 0),
      );
      const types = new Set(metricsOf(lines).map((m: Json) => Object.keys(m).find((k) => k in TYPE_KEYS)));
      for (const t of Object.keys(TYPE_KEYS)) assert.ok(types.has(t), `${t} was exercised`);
    } finally {
      await col.dispose();
    }
  });

  test('metric blocks: the collector accepts them; drops, keep-only and label merges do what they say', async () => {
    const blocks: BlockInstance[] = [
      { type: 'metrics.drop', id: 'noise', config: { names: ['debug.noise'], patterns: ['tmp\\..*'] } },
      { type: 'metrics.keep_only', id: 'node', config: { keep: ['node_keep_me'], patterns: [], job: 'node' } },
      {
        type: 'metrics.drop_labels',
        id: 'labels',
        config: {
          rules: [
            { metrics: ['http.requests', 'latency'], labels: ['pod'], aggregation: 'sum' },
            { metrics: ['temperature'], labels: ['sensor'], aggregation: 'max' },
          ],
        },
      },
    ];
    const { processors, order } = renderBlocks(blocks);
    const build = (file: (n: string) => string, otlpHttp: string) => ({
      receivers: { otlp: { protocols: { http: { endpoint: otlpHttp } } } },
      processors,
      exporters: { file: { path: file('out.json') } },
      service: {
        telemetry: { metrics: { level: 'none' } },
        pipelines: { metrics: { receivers: ['otlp'], processors: order, exporters: ['file'] } },
      },
    });
    const checked = validateConfig(build((n) => `/tmp/${n}`, '127.0.0.1:4318'));
    assert.ok(checked.ok, checked.output);
    const col = await startCollector(build, { waitOtlp: true });
    try {
      await pushMetrics(col.otlpHttp, shopPayload());
      await eventually(async () => metricsOf(col.jsonLines('out.json')).length > 0, 20_000);
      await col.stop();
      const out = metricsOf(col.jsonLines('out.json'));
      const names = new Set(out.map((m: Json) => m.name));
      assert.deepEqual([...names].sort(), ['http.requests', 'latency', 'node_keep_me', 'shop_other', 'temperature']);
      const points = (name: string) =>
        out
          .filter((m: Json) => m.name === name)
          .flatMap((m: Json) => (m.sum ?? m.gauge ?? m.histogram).dataPoints)
          .map((p: Json) => ({ ...p, a: attrs(p.attributes) }));
      // Counter: pod removed, the five pods of each route summed.
      const reqs = points('http.requests').map((p: Json) => [p.a.route, p.asDouble, Object.keys(p.a)]);
      assert.deepEqual(reqs.sort(), [
        ['/a', 0 + 1 + 2 + 3 + 4, ['route']],
        ['/b', 100 * 5 + 10, ['route']],
      ]);
      // Gauge: sensor removed, the maximum of each zone kept.
      assert.deepEqual(
        points('temperature')
          .map((p: Json) => [p.a.zone, p.asDouble])
          .sort(),
        [
          ['z1', 3],
          ['z2', 13],
        ],
      );
      // Histogram: buckets summed per route.
      const lat = points('latency').map((p: Json) => [p.a.route, p.bucketCounts.map(Number), Number(p.count), p.sum]);
      assert.deepEqual(lat.sort(), [
        ['/a', [5, 10, 15], 30, 7.5],
        ['/b', [5, 10, 15], 30, 7.5],
      ]);
      // shop's own metric is untouched by the node allow-list; node_drop_me is gone.
      assert.equal(points('shop_other').length, 2);
    } finally {
      await col.dispose();
    }
  });

  test('the guard agrees with the real collector on what a filter drops', async () => {
    const target = await serveExposition(NODE);
    const inventory = inventoryFromExposition(NODE, { job: 'node', instance: target.target }).metrics;
    // Every metric read with all its labels: any data a filter drops is a breakage.
    const usage: MetricUsage[] = inventory.map((m) => ({
      name: m.name,
      used: true,
      labels_used: 'all',
      used_by: [{ source_id: 'd', source: 'Dash', title: 'Dash', panel: m.name, query: m.name }],
    }));
    const processors = {
      'filter/new': {
        error_mode: 'ignore',
        metric_conditions: [
          'metric.name == "node_load1"',
          'IsMatch(metric.name, "^node_network_(receive|transmit)_bytes")',
          'metric.type == METRIC_DATA_TYPE_SUM and HasAttrKeyOnDatapoint("cpu")',
          'datapoint.attributes["device"] == "lo"',
          'resource.attributes["service.name"] == "other" or ContainsValue(["up", "x"], metric.name)',
        ],
      },
      // The collector refuses include/exclude and OTTL lists in one filter: two processors.
      'filter/legacy-names': {
        metrics: { exclude: { match_type: 'regexp', metric_names: ['^go_memstats_.*_bytes$'] } },
      },
      'filter/legacy-ottl': { metrics: { datapoint: ['attributes["state"] == "TIME_WAIT"'] } },
    };
    const build = (file: (n: string) => string) => ({
      receivers: {
        prometheus: {
          config: {
            scrape_configs: [
              { job_name: 'node', scrape_interval: '2s', static_configs: [{ targets: [target.target] }] },
            ],
          },
        },
      },
      processors,
      exporters: { file: { path: file('out.json') } },
      service: {
        telemetry: { metrics: { level: 'none' } },
        pipelines: {
          metrics: { receivers: ['prometheus'], processors: Object.keys(processors), exporters: ['file'] },
        },
      },
    });
    const verdict = checkConfig({ config: stringify(build((n) => n)), inventory, usage });
    assert.deepEqual(verdict.problems, []);
    assert.ok(
      verdict.breakages.every((b) => b.verdict === 'breaks'),
      'every condition is decidable here',
    );
    const flagged = new Set(verdict.breakages.map((b) => b.metric));
    const col = await startCollector(build);
    try {
      await eventually(async () => {
        if (!col.running()) throw new Error(`collector exited: ${col.log().slice(-1500)}`);
        return col.jsonLines('out.json').length > 0;
      }, 60_000);
      await col.stop();
      const line = col.jsonLines('out.json')[0];
      const seen = new Map(inventoryFromOtlpJson(JSON.stringify(line)).metrics.map((m) => [m.name, m.series]));
      const reduced = new Set(inventory.filter((m) => (seen.get(m.name) ?? 0) < m.series).map((m) => m.name));
      assert.ok(reduced.size > 10, `the filters dropped data of ${reduced.size} metrics`);
      assert.deepEqual([...flagged].sort(), [...reduced].sort());
    } finally {
      await col.dispose();
      await target.close();
    }
  });

  test('recommendations act on gateway names: scraped histograms and _total counters, and OTLP ones', async () => {
    const targets = [await serveExposition(NODE), await serveExposition(PROM)];
    const uploads = [
      inventoryFromExposition(NODE, { job: 'node', instance: targets[0]!.target }),
      inventoryFromExposition(PROM, { job: 'prom', instance: targets[1]!.target }),
      inventoryFromOtlpJson(JSON.stringify(checkoutPayload())),
    ];
    const inventory = mergeInventories(uploads.map((u) => u.metrics));
    const dash = (name: string, query: string, labels: string[] | 'all'): MetricUsage => ({
      name,
      used: true,
      labels_used: labels,
      used_by: [{ source_id: 'd1', source: 'Ops', title: 'Ops', panel: name, query }],
    });
    const usage: MetricUsage[] = [
      dash(
        'prometheus_http_request_duration_seconds_bucket',
        'histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[5m])))',
        ['le'],
      ),
      dash('prometheus_http_requests_total', 'sum by (code) (rate(prometheus_http_requests_total[5m]))', ['code']),
      dash('node_cpu_seconds_total', 'sum by (mode) (rate(node_cpu_seconds_total[$__rate_interval]))', ['mode']),
      dash('node_load1', 'node_load1', 'all'),
      dash(
        'http_server_request_duration_seconds_bucket',
        'histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket[5m])))',
        ['le'],
      ),
      dash('app_jobs_processed_total', 'sum(rate(app_jobs_processed_total[5m]))', []),
    ];
    const set = recommend({
      inventory,
      usage,
      sources: [{ id: 'd1', name: 'Ops', kind: 'grafana_dashboard', read_at: '2026-12-07T10:00:00Z' }],
    });
    const kinds = set.items.map((i) => `${i.kind} ${i.metric}`);
    assert.ok(kinds.includes('keep_only job="node"'), kinds.join('\n'));
    assert.ok(kinds.includes('drop_labels node_cpu_seconds_total'));
    const dropped = set.items.filter((i) => i.kind === 'drop_metric').map((i) => i.metric);
    assert.ok(dropped.includes('app.cache.evictions'), 'the unread OTLP counter is dropped by its OTLP name');
    const droppedNames = new Set(
      set.items.flatMap((i) => (i.kind === 'drop_metric' ? [i.metric] : i.kind === 'keep_only' ? i.drop! : [])),
    );
    const expectedNames = new Set(inventory.map((m) => m.name).filter((n) => !droppedNames.has(n)));
    assert.deepEqual([...expectedNames].filter((n) => n.startsWith('node_')).sort(), [
      'node_cpu_seconds_total',
      'node_load1',
    ]);
    assert.ok(expectedNames.has('prometheus_http_request_duration_seconds'));
    assert.ok(expectedNames.has('http.server.request.duration'));
    assert.ok(expectedNames.has('app.jobs.processed'));

    const { processors, order } = renderBlocks(recommendationsToBlocks(set.items));
    const col = await startCollector(
      (file, otlpHttp) => ({
        receivers: {
          otlp: { protocols: { http: { endpoint: otlpHttp } } },
          prometheus: {
            config: {
              scrape_configs: [
                { job_name: 'node', scrape_interval: '2s', static_configs: [{ targets: [targets[0]!.target] }] },
                { job_name: 'prom', scrape_interval: '2s', static_configs: [{ targets: [targets[1]!.target] }] },
              ],
            },
          },
        },
        processors,
        exporters: { file: { path: file('out.json') } },
        service: {
          telemetry: { metrics: { level: 'none' } },
          pipelines: { metrics: { receivers: ['otlp', 'prometheus'], processors: order, exporters: ['file'] } },
        },
      }),
      { waitOtlp: true },
    );
    try {
      await pushMetrics(col.otlpHttp, checkoutPayload());
      await eventually(async () => {
        const jobs = new Set(metricsOf(col.jsonLines('out.json')).map(service));
        return jobs.has('node') && jobs.has('prom') && jobs.has('checkout');
      }, 60_000);
      await col.stop();
      const out = metricsOf(col.jsonLines('out.json'));
      assert.deepEqual([...new Set(out.map((m: Json) => m.name))].sort(), [...expectedNames].sort());
      // node_cpu_seconds_total: cpu summed away, one series per mode with the sum over the 8 cpus.
      const expected = new Map<string, number>();
      for (const line of NODE.split('\n')) {
        const m = /^node_cpu_seconds_total\{cpu="\d+",mode="(\w+)"\} (\S+)$/.exec(line);
        if (m) expected.set(m[1]!, (expected.get(m[1]!) ?? 0) + Number(m[2]));
      }
      const cpu = out.find((m: Json) => m.name === 'node_cpu_seconds_total');
      const got = new Map<string, number>(
        cpu.sum.dataPoints.map((p: Json) => [attrs(p.attributes).mode, p.asDouble] as [string, number]),
      );
      assert.equal(got.size, expected.size);
      for (const [mode, v] of expected)
        assert.ok(Math.abs(got.get(mode)! - v) < 1e-6, `${mode}: ${got.get(mode)} vs ${v}`);
      assert.deepEqual(Object.keys(attrs(cpu.sum.dataPoints[0].attributes)), ['mode']);
    } finally {
      await col.dispose();
      for (const t of targets) await t.close();
    }
  });
});

const TYPE_KEYS = { gauge: 1, sum: 1, histogram: 1, exponentialHistogram: 1, summary: 1 };
