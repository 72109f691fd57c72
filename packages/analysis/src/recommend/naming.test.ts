import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusLabelName, prometheusNames, sameMetric, unitSuffix, usagePattern } from './naming.ts';

test('prometheus receiver view: names as exposed; histograms and summaries by their series', () => {
  assert.deepEqual(
    prometheusNames({ name: 'node_cpu_seconds_total', type: 'sum', unit: '', monotonic: true, origin: 'prometheus' }),
    ['node_cpu_seconds_total'],
  );
  assert.deepEqual(
    prometheusNames({
      name: 'prometheus_http_request_duration_seconds',
      type: 'histogram',
      unit: '',
      monotonic: null,
      origin: 'prometheus',
    }).sort(),
    [
      'prometheus_http_request_duration_seconds_bucket',
      'prometheus_http_request_duration_seconds_count',
      'prometheus_http_request_duration_seconds_sum',
    ],
  );
  assert.ok(
    prometheusNames({
      name: 'go_gc_duration_seconds',
      type: 'summary',
      unit: '',
      monotonic: null,
      origin: 'prometheus',
    }).includes('go_gc_duration_seconds'),
  );
});

test('OTLP view: dots, unit suffixes and _total as exporters write them, with and without suffixes', () => {
  const h = prometheusNames({
    name: 'http.server.request.duration',
    type: 'histogram',
    unit: 's',
    monotonic: null,
    origin: 'otlp',
  });
  for (const n of [
    'http_server_request_duration_seconds_bucket',
    'http_server_request_duration_seconds_sum',
    'http_server_request_duration_bucket',
  ])
    assert.ok(h.includes(n), n);
  const c = prometheusNames({
    name: 'app.jobs.processed',
    type: 'sum',
    unit: '{jobs}',
    monotonic: true,
    origin: 'otlp',
  });
  assert.ok(c.includes('app_jobs_processed_total'));
  assert.ok(c.includes('app_jobs_processed'));
  assert.ok(
    prometheusNames({
      name: 'system.memory.utilization',
      type: 'gauge',
      unit: '1',
      monotonic: null,
      origin: 'otlp',
    }).includes('system_memory_utilization_ratio'),
  );
  // An OTLP counter that already ends in _total is not doubled.
  assert.ok(
    !prometheusNames({ name: 'requests_total', type: 'sum', unit: '', monotonic: true, origin: 'otlp' }).includes(
      'requests_total_total',
    ),
  );
  assert.equal(unitSuffix('By/s'), 'bytes_per_second');
  assert.equal(prometheusLabelName('http.route'), 'http_route');
});

test('sameMetric: a PromQL name and an OTLP name, with or without the OTLP type', () => {
  assert.ok(sameMetric('http_server_request_duration_seconds_bucket', 'http.server.request.duration'));
  assert.ok(sameMetric('app_jobs_processed_total', 'app.jobs.processed'));
  assert.ok(sameMetric('node_cpu_seconds_total', 'node_cpu_seconds_total'));
  assert.ok(
    sameMetric('http_server_request_duration_seconds_count', 'http.server.request.duration', {
      type: 'histogram',
      unit: 's',
    }),
  );
  assert.ok(
    !sameMetric('http_server_request_duration_seconds', 'http.server.request.duration', {
      type: 'histogram',
      unit: 's',
    }),
  );
  assert.ok(!sameMetric('http_server_response_size_bytes_bucket', 'http.server.request.duration'));
  assert.ok(!sameMetric('node_memory_MemFree_bytes', 'node_memory_MemTotal_bytes'));
});

test('usage patterns: from the pattern field or the {__name__=~"…"} name', () => {
  assert.deepEqual(usagePattern({ name: '{__name__=~"node_.*"}' }), { pattern: 'node_.*', negated: false });
  assert.deepEqual(usagePattern({ name: '{__name__!~"go_\\\\w+"}' }), { pattern: 'go_\\w+', negated: true });
  assert.deepEqual(usagePattern({ name: 'x', pattern: 'a|b' }), { pattern: 'a|b', negated: false });
  assert.equal(usagePattern({ name: 'node_load1' }), null);
});
