import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricFamilyKey, metricPatternTest, sameMetricFamily } from './names.ts';
import { withInventory } from './inventory-match.ts';
import { mergeUsage } from './merge.ts';
import { analyzeQuery, buildAnalysis } from './analyze-queries.ts';

test('Prometheus and OTLP spellings of one metric share a family key', () => {
  // A histogram: one OTLP metric, three Prometheus series.
  for (const n of [
    'http_server_duration_seconds_bucket',
    'http_server_duration_seconds_sum',
    'http_server_duration_seconds_count',
  ])
    assert.ok(sameMetricFamily(n, 'http.server.duration'), n);
  // A counter with and without _total.
  assert.ok(sameMetricFamily('node_cpu_seconds_total', 'node_cpu_seconds'));
  assert.ok(sameMetricFamily('requests_total', 'requests'));
  assert.equal(metricFamilyKey('system.cpu.time'), 'system_cpu_time');
  // Different metrics stay different.
  assert.ok(!sameMetricFamily('node_memory_MemFree_bytes', 'node_memory_MemTotal_bytes'));
  assert.ok(!sameMetricFamily('http_requests_total', 'http_responses_total'));
});

test('metric name patterns are anchored like Prometheus; (?i) is honoured; an invalid one matches all', () => {
  const t = metricPatternTest('node_disk_.*');
  assert.ok(t('node_disk_reads_completed_total'));
  assert.ok(!t('xnode_disk_reads'));
  assert.ok(metricPatternTest('(?i)NODE_.*')('node_load1'));
  assert.ok(!metricPatternTest('go_.*', true)('go_goroutines'));
  assert.ok(metricPatternTest('([unclosed')('anything'));
});

test('with an inventory every metric sent is listed: used through its family or a pattern, else unused', () => {
  const queries = [
    {
      kind: 'panel' as const,
      expr: 'histogram_quantile(0.9, sum by (le) (rate(http_server_duration_seconds_bucket[5m])))',
      location: {},
    },
    { kind: 'panel' as const, expr: 'sum by (job) ({__name__=~"process_.*"})', location: {} },
  ].map((q) => analyzeQuery(q));
  const usage = mergeUsage([{ id: 's', name: 'dash', analysis: buildAnalysis(queries, [], {}) }]);
  const listed = withInventory(usage, ['http.server.duration', 'process_cpu_seconds_total', 'go_goroutines']);
  const get = (n: string) => listed.find((m) => m.name === n)!;
  assert.equal(get('http.server.duration').used, true);
  assert.deepEqual(get('http.server.duration').labels_used, ['le']);
  assert.equal(get('process_cpu_seconds_total').used, true);
  assert.deepEqual(get('process_cpu_seconds_total').labels_used, ['job']);
  assert.equal(get('go_goroutines').used, false);
  assert.deepEqual(get('go_goroutines').used_by, []);
  // The usage entries themselves stay listed.
  assert.ok(listed.some((m) => m.name === 'http_server_duration_seconds_bucket'));
});
