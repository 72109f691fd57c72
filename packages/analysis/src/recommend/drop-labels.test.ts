import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inventoryFromExposition, inventoryFromOtlpJson } from '../inventory/upload.ts';
import type { InventoryMetric } from '../inventory/types.ts';
import { mergeInvisibleTo, replaceVariables } from './aggregation.ts';
import { recommend } from './recommend.ts';
import type { MetricUsage } from './types.ts';

const node = inventoryFromExposition(
  readFileSync(new URL('../../testdata/exposition/node-exporter-e2e-output.prom', import.meta.url), 'utf8'),
  { job: 'node', instance: 'node-1:9100' },
);
const SOURCES = [{ id: 's', name: 'Dash', kind: 'grafana_dashboard', read_at: '2026-12-07T10:00:00Z' }];
const reads = (name: string, queries: string[], labels: string[] | 'all', extra: Partial<MetricUsage> = {}) =>
  ({
    name,
    used: true,
    labels_used: labels,
    used_by: queries.map((query, i) => ({ source_id: 's', source: 'Dash', title: 'Dash', panel: `p${i}`, query })),
    ...extra,
  }) as MetricUsage;
const only = (inventory: InventoryMetric[], names: string[]) => inventory.filter((m) => names.includes(m.name));
const run = (inventory: InventoryMetric[], usage: MetricUsage[], options = {}) =>
  recommend({ inventory, usage, sources: SOURCES, options: { keepOnly: false, ...options } });

test('by and without: without (cpu) keeps every other label, so cpu alone may go', () => {
  const cpu = only(node.metrics, ['node_cpu_seconds_total']);
  const without = run(cpu, [
    reads('node_cpu_seconds_total', ['sum without (cpu) (rate(node_cpu_seconds_total[5m]))'], 'all', {
      all_except: ['cpu'],
    }),
  ]);
  assert.deepEqual(
    without.items.map((i) => [i.kind, i.labels, i.series_saved]),
    [['drop_labels', ['cpu'], 56]],
  );
  // Without all_except (the issue-11 API item only says "all"), nothing may go.
  assert.equal(run(cpu, [reads('node_cpu_seconds_total', ['x'], 'all')]).items.length, 0);
  // avg without (cpu) averages over the cpus: merging them first would change it.
  const avg = run(cpu, [
    reads('node_cpu_seconds_total', ['avg without (cpu) (rate(node_cpu_seconds_total[5m]))'], 'all', {
      all_except: ['cpu'],
    }),
  ]);
  assert.equal(avg.items.length, 0);
  assert.match(avg.skipped[0]!.reason, /avg\(\)/);
  // by (cpu): the label is read.
  assert.equal(
    run(cpu, [reads('node_cpu_seconds_total', ['sum by (cpu) (node_cpu_seconds_total)'], ['cpu'])]).items.length,
    1,
  );
  assert.deepEqual(
    run(cpu, [reads('node_cpu_seconds_total', ['sum by (cpu) (node_cpu_seconds_total)'], ['cpu'])]).items[0]!.labels,
    ['mode'],
  );
});

test('every reader must agree: one sum and one max over a counter is not safe', () => {
  const cpu = only(node.metrics, ['node_cpu_seconds_total']);
  const set = run(cpu, [
    reads(
      'node_cpu_seconds_total',
      ['sum by (mode) (rate(node_cpu_seconds_total[5m]))', 'max by (mode) (rate(node_cpu_seconds_total[5m]))'],
      ['mode'],
    ),
  ]);
  assert.equal(set.items.length, 0);
  assert.match(set.skipped[0]!.reason, /p1: max\(\)/);
});

const gauges = inventoryFromOtlpJson(
  JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'plant' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'room.temperature',
                unit: 'Cel',
                gauge: {
                  dataPoints: ['z1', 'z2'].flatMap((zone) =>
                    ['s1', 's2', 's3'].map((sensor) => ({
                      attributes: [
                        { key: 'zone', value: { stringValue: zone } },
                        { key: 'sensor.id', value: { stringValue: sensor } },
                      ],
                      asDouble: 20,
                    })),
                  ),
                },
              },
              {
                name: 'rpc.duration',
                summary: {
                  dataPoints: ['a', 'b'].map((pod) => ({
                    attributes: [{ key: 'pod', value: { stringValue: pod } }],
                    count: '1',
                    quantileValues: [{ quantile: 0.5, value: 1 }],
                  })),
                },
              },
              {
                name: 'http.server.request.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: ['/a', '/b'].flatMap((route) =>
                    ['p1', 'p2', 'p3'].map((pod) => ({
                      attributes: [
                        { key: 'http.route', value: { stringValue: route } },
                        { key: 'k8s.pod.name', value: { stringValue: pod } },
                      ],
                      count: '3',
                      bucketCounts: ['1', '2'],
                      explicitBounds: [1],
                    })),
                  ),
                },
              },
            ],
          },
        ],
      },
    ],
  }),
).metrics;

test('gauges: merged by max by default, by what the readers use when they agree, never under avg', () => {
  const temp = only(gauges, ['room.temperature']);
  // The query names the metric and its attribute the Prometheus way: room_temperature_celsius, sensor_id.
  const q = (agg: string) =>
    reads('room_temperature_celsius', [`${agg} by (zone) (room_temperature_celsius)`], ['zone']);
  const byMax = run(temp, [q('max')]).items[0]!;
  assert.deepEqual(
    [byMax.metric, byMax.labels, byMax.aggregation, byMax.series_saved],
    ['room.temperature', ['sensor.id'], 'max', 4],
  );
  assert.equal(run(temp, [q('sum')]).items[0]!.aggregation, 'sum');
  assert.equal(run(temp, [q('min')]).items[0]!.aggregation, 'min');
  assert.equal(run(temp, [q('avg')]).items.length, 0);
  // The user's pick is kept, or nothing is recommended.
  assert.equal(run(temp, [q('max')], { gaugeAggregation: 'min' }).items.length, 0);
  assert.equal(run(temp, [q('min')], { gaugeAggregation: 'min' }).items[0]!.aggregation, 'min');
  // A reader that groups by sensor_id (the attribute's Prometheus name) keeps it; zone may go instead.
  const bySensor = run(temp, [
    reads('room_temperature_celsius', ['max by (sensor_id) (room_temperature_celsius)'], ['sensor_id']),
  ]);
  assert.deepEqual(bySensor.items[0]!.labels, ['zone']);
});

test('histograms (OTLP view): merged by summing buckets; summaries are never merged', () => {
  const hist = only(gauges, ['http.server.request.duration']);
  const set = run(hist, [
    reads(
      'http_server_request_duration_seconds_bucket',
      ['histogram_quantile(0.9, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket[5m])))'],
      ['le', 'http_route'],
    ),
  ]);
  assert.deepEqual(
    set.items.map((i) => [i.kind, i.metric, i.labels, i.aggregation, i.series_saved]),
    [['drop_labels', 'http.server.request.duration', ['k8s.pod.name'], 'sum', 4]],
  );
  const summary = run(only(gauges, ['rpc.duration']), [reads('rpc_duration', ['sum(rpc_duration)'], [])]);
  assert.equal(summary.items.length, 0);
  assert.match(summary.skipped[0]!.reason, /summary/);
});

test('without every series (a gateway summary), the series after are estimated from distinct counts', () => {
  const cpu = only(node.metrics, ['node_cpu_seconds_total']).map(({ series_labels: _, ...m }) => m);
  const set = run(cpu, [
    reads('node_cpu_seconds_total', ['sum by (mode) (rate(node_cpu_seconds_total[5m]))'], ['mode']),
  ]);
  assert.equal(set.items[0]!.evidence.numbers.series_after_from, 'estimate');
  assert.equal(set.items[0]!.evidence.numbers.series_after, 8);
});

test('aggregation check: which readers a merge is invisible to', () => {
  const names = new Set(['x_total']);
  const ok = (q: string, merge: 'sum' | 'max' | 'min' = 'sum') => mergeInvisibleTo(q, names, merge).ok;
  assert.ok(ok('sum by (a) (rate(x_total[$__rate_interval])) * 100'));
  assert.ok(ok('topk(5, sum by (a) (increase(x_total[1h])))'));
  assert.ok(ok('sum(rate(x_total[5m])) / sum(rate(x_total[5m] offset 1d))'));
  assert.ok(ok('group by (a) (x_total)', 'max'));
  assert.ok(ok('max by (a) (max_over_time(x_total[5m]) / 2)', 'max'));
  assert.ok(ok('sum(rate({__name__=~"x_.*"}[5m]))'));
  assert.ok(!ok('max by (a) (x_total * -1)', 'max'));
  assert.ok(!ok('x_total'));
  assert.ok(!ok('avg(rate(x_total[5m]))'));
  assert.ok(!ok('count(x_total)'));
  assert.ok(!ok('quantile(0.9, x_total)'));
  assert.ok(!ok('sum(x_total / on(a) group_left y)'));
  assert.ok(!ok('sum(max_over_time(x_total[5m]))'));
  assert.ok(!ok('sum(rate(x_total[5m]'), 'a query that does not parse is never safe');
  assert.equal(replaceVariables('rate(x[$__rate_interval]) * $k + ${v:csv}'), 'rate(x[5m]) * 1 + 1');
  assert.equal(replaceVariables('x{a=~"$node|$other"}'), 'x{a=~"$node|$other"}', 'strings keep their variables');
});
