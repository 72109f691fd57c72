import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { blockType } from '@flowgate/config-model';
import { inventoryFromExposition, inventoryFromOtlpJson } from '../inventory/upload.ts';
import { recommend } from '../recommend/recommend.ts';
import { recommendationsToBlocks } from '../recommend/to-blocks.ts';
import type { MetricUsage } from '../recommend/types.ts';
import { checkConfig } from './guard.ts';

const node = inventoryFromExposition(
  readFileSync(new URL('../../testdata/exposition/node-exporter-e2e-output.prom', import.meta.url), 'utf8'),
  { job: 'node', instance: 'node-1:9100' },
);

const panel = (name: string, title: string, query: string, labels: string[] | 'all'): MetricUsage => ({
  name,
  used: true,
  labels_used: labels,
  used_by: [{ source_id: 'nef', source: 'Node Exporter Full', title: 'Node Exporter Full', panel: title, query }],
});
const USAGE: MetricUsage[] = [
  panel('node_cpu_seconds_total', 'CPU Busy', 'sum by (mode) (rate(node_cpu_seconds_total{job="$job"}[5m]))', [
    'mode',
    'job',
  ]),
  panel('node_load1', 'Sys Load', 'node_load1', 'all'),
  panel('up', 'Targets', 'up{job="node"}', ['job']),
  panel('node_memory_MemFree_bytes', 'RAM Free', 'max by (instance) (node_memory_MemFree_bytes)', ['instance']),
  // Read by a dashboard, not in any inventory yet.
  panel('app_requests_total', 'Requests', 'sum(rate(app_requests_total[5m]))', []),
];

/** A template: receivers and exporters as a user writes them, with these processors in the metrics pipeline. */
function template(processors: Record<string, unknown>, order = Object.keys(processors)) {
  return stringify({
    receivers: { otlp: { protocols: { grpc: {} } } },
    processors: { batch: {}, ...processors },
    exporters: { otlphttp: { endpoint: 'https://example.invalid' } },
    service: {
      pipelines: {
        metrics: { receivers: ['otlp'], processors: ['batch', ...order], exporters: ['otlphttp'] },
        logs: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlphttp'] },
      },
    },
  });
}
const check = (processors: Record<string, unknown>, usage = USAGE) =>
  checkConfig({ config: template(processors), inventory: node.metrics, usage });
const summary = (r: ReturnType<typeof check>) =>
  r.breakages.map((b) => [b.component, b.metric, b.label ?? null, b.verdict]);

test('a hand-written filter dropping a used metric breaks the panels that read it', () => {
  const r = check({
    'filter/cleanup': { metric_conditions: ['metric.name == "node_load1"', 'IsMatch(metric.name, "^go_")'] },
  });
  assert.deepEqual(summary(r), [['filter/cleanup', 'node_load1', null, 'breaks']]);
  const b = r.breakages[0]!;
  assert.deepEqual(b.pipelines, ['metrics']);
  assert.deepEqual(b.readers, [
    {
      source_id: 'nef',
      source: 'Node Exporter Full',
      title: 'Node Exporter Full',
      panel: 'Sys Load',
      query: 'node_load1',
    },
  ]);
  assert.match(b.reason, /metric\.name == "node_load1"/);
  assert.equal(r.checked.metrics, 5);
});

test('legacy filter forms: include/exclude name lists and unprefixed OTTL', () => {
  assert.deepEqual(
    summary(check({ filter: { metrics: { exclude: { match_type: 'regexp', metric_names: ['node_load.*'] } } } })),
    [['filter', 'node_load1', null, 'breaks']],
  );
  // include keeps only what matches: everything else used is dropped.
  assert.deepEqual(
    summary(check({ filter: { metrics: { include: { match_type: 'strict', metric_names: ['node_load1', 'up'] } } } }))
      .map((s) => s[1])
      .sort(),
    ['app_requests_total', 'node_cpu_seconds_total', 'node_memory_MemFree_bytes'],
  );
  assert.deepEqual(
    summary(check({ 'filter/x': { metrics: { metric: ['name == "up"', 'type == METRIC_DATA_TYPE_SUMMARY'] } } })),
    // The type of a metric only dashboards know is not known: cannot tell.
    [
      ['filter/x', 'up', null, 'breaks'],
      ['filter/x', 'app_requests_total', null, 'cannot_tell'],
    ],
  );
  assert.deepEqual(summary(check({ 'filter/x': { metrics: { datapoint: ['attributes["mode"] == "steal"'] } } })), [
    ['filter/x', 'node_cpu_seconds_total', null, 'breaks'],
    ['filter/x', 'app_requests_total', null, 'cannot_tell'],
  ]);
});

test('conditions are evaluated on the inventory: types, labels, values; what depends on values is cannot_tell', () => {
  // Only sums with a cpu label: node_cpu_seconds_total.
  assert.deepEqual(
    summary(
      check({
        'filter/x': { metric_conditions: ['metric.type == METRIC_DATA_TYPE_SUM and HasAttrKeyOnDatapoint("cpu")'] },
      }),
    ),
    [
      ['filter/x', 'node_cpu_seconds_total', null, 'breaks'],
      ['filter/x', 'app_requests_total', null, 'cannot_tell'],
    ],
  );
  assert.deepEqual(
    summary(check({ 'filter/x': { metric_conditions: ['HasAttrOnDatapoint("mode", "no-such-mode")'] } })),
    [['filter/x', 'app_requests_total', null, 'cannot_tell']],
    'the inventory knows every mode of node_cpu_seconds_total',
  );
  // Series of one mode are dropped: a panel summing by mode loses that mode.
  assert.deepEqual(summary(check({ 'filter/x': { metric_conditions: ['datapoint.attributes["mode"] == "idle"'] } })), [
    ['filter/x', 'node_cpu_seconds_total', null, 'breaks'],
    ['filter/x', 'app_requests_total', null, 'cannot_tell'],
  ]);
  // A data point's value is not in the inventory.
  const byValue = check({ 'filter/x': { metric_conditions: ['datapoint.value_double == 0'] } });
  assert.ok(byValue.breakages.length >= 4);
  assert.ok(byValue.breakages.every((b) => b.verdict === 'cannot_tell'));
  // Conditions on the resource: job node is every inventory metric; the usage-only metric cannot be told.
  const byJob = check({ 'filter/x': { metric_conditions: ['resource.attributes["service.name"] == "node"'] } });
  assert.deepEqual(summary(byJob).filter((s) => s[3] === 'breaks').length, 4);
  assert.deepEqual(
    summary(byJob).find((s) => s[1] === 'app_requests_total'),
    ['filter/x', 'app_requests_total', null, 'cannot_tell'],
  );
  // Unreadable OTTL is never passed silently.
  const broken = check({ 'filter/x': { metric_conditions: ['metric.name == "x'] } });
  assert.ok(broken.breakages.length > 0 && broken.breakages.every((b) => b.verdict === 'cannot_tell'));
  assert.match(broken.breakages[0]!.reason, /cannot read the condition/);
});

test('a metric only dashboards know is checked by name', () => {
  assert.deepEqual(summary(check({ 'filter/x': { metric_conditions: ['metric.name == "app_requests_total"'] } })), [
    ['filter/x', 'app_requests_total', null, 'breaks'],
  ]);
  // A histogram read as x_bucket is one metric x at the gateway.
  const usage = [
    panel('rpc_seconds_bucket', 'p99', 'histogram_quantile(0.99, sum by (le) (rate(rpc_seconds_bucket[5m])))', ['le']),
  ];
  const r = checkConfig({
    config: template({ 'filter/x': { metric_conditions: ['metric.name == "rpc_seconds"'] } }),
    inventory: [],
    usage,
  });
  assert.deepEqual(summary(r), [['filter/x', 'rpc_seconds', null, 'breaks']]);
  assert.equal(r.breakages[0]!.readers[0]!.panel, 'p99');
});

test('transform: deleting a label a query groups by breaks it; other labels may go', () => {
  const del = (key: string) => ({
    transform: {
      metric_statements: [`delete_key(datapoint.attributes, "${key}") where metric.name == "node_cpu_seconds_total"`],
    },
  });
  assert.deepEqual(summary(check(del('mode'))), [['transform', 'node_cpu_seconds_total', 'mode', 'breaks']]);
  assert.deepEqual(summary(check(del('cpu'))), [], 'sum by (mode) does not read cpu');
  // A raw selector reads every label.
  const raw = [...USAGE, panel('node_cpu_seconds_total', 'CPU table', 'node_cpu_seconds_total', 'all')];
  assert.deepEqual(summary(check(del('cpu'), raw)), [['transform', 'node_cpu_seconds_total', 'cpu', 'breaks']]);
  // keep_keys removes every key it does not list; groups with conditions and legacy unprefixed paths.
  assert.deepEqual(
    summary(
      check({
        'transform/x': {
          metric_statements: [
            {
              context: 'datapoint',
              conditions: ['metric.name == "node_cpu_seconds_total"'],
              statements: ['keep_keys(attributes, ["cpu"])'],
            },
          ],
        },
      }),
    ),
    [['transform/x', 'node_cpu_seconds_total', 'mode', 'breaks']],
  );
  // limit(): which keys go is not defined.
  assert.deepEqual(summary(check({ transform: { metric_statements: ['limit(datapoint.attributes, 1, ["cpu"])'] } })), [
    ['transform', 'node_cpu_seconds_total', 'mode', 'cannot_tell'],
  ]);
  // Renaming a metric breaks its readers; deleting the job breaks those that read job.
  assert.deepEqual(
    summary(
      check({ transform: { metric_statements: ['set(metric.name, "load") where metric.name == "node_load1"'] } }),
    ),
    [['transform', 'node_load1', null, 'breaks']],
  );
  assert.deepEqual(
    summary(check({ transform: { metric_statements: ['delete_key(resource.attributes, "service.name")'] } }))
      .map((s) => `${s[1]} ${s[2]} ${s[3]}`)
      .sort(),
    ['node_cpu_seconds_total job breaks', 'node_load1 job breaks', 'up job breaks'],
  );
});

test('attributes, resource, metricstransform, groupbyattrs, redaction and unknown processors', () => {
  assert.deepEqual(summary(check({ attributes: { actions: [{ key: 'mode', action: 'delete' }] } })), [
    ['attributes', 'node_cpu_seconds_total', 'mode', 'breaks'],
  ]);
  assert.deepEqual(
    summary(
      check({
        attributes: {
          include: { match_type: 'strict', metric_names: ['node_load5'] },
          actions: [{ key: 'mode', action: 'delete' }],
        },
      }),
    ),
    [],
  );
  assert.deepEqual(summary(check({ resource: { attributes: [{ key: 'service.instance.id', action: 'delete' }] } })), [
    ['resource', 'node_load1', 'instance', 'breaks'],
    ['resource', 'node_memory_MemFree_bytes', 'instance', 'breaks'],
  ]);
  assert.deepEqual(
    summary(
      check({
        metricstransform: {
          transforms: [
            { include: 'node_load1', action: 'update', new_name: 'load' },
            {
              include: 'node_cpu_.*',
              match_type: 'regexp',
              action: 'update',
              operations: [{ action: 'aggregate_labels', label_set: ['cpu'], aggregation_type: 'sum' }],
            },
          ],
        },
      }),
    ),
    [
      ['metricstransform', 'node_cpu_seconds_total', 'mode', 'breaks'],
      ['metricstransform', 'node_load1', null, 'breaks'],
    ],
  );
  assert.deepEqual(summary(check({ groupbyattrs: { keys: ['mode'] } })), [
    ['groupbyattrs', 'node_cpu_seconds_total', 'mode', 'cannot_tell'],
  ]);
  assert.ok(summary(check({ redaction: { allowed_keys: ['cpu'] } })).some((s) => s[2] === 'mode' && s[3] === 'breaks'));
  const unknown = check({ 'mystery/1': {} });
  assert.ok(unknown.breakages.length > 0 && unknown.breakages.every((b) => b.verdict === 'cannot_tell'));
  assert.match(unknown.breakages[0]!.reason, /does not know what a mystery processor does/);
});

test('only metrics pipelines are walked; undefined processors and bad YAML are reported', () => {
  const cfg = stringify({
    processors: {
      'filter/logs': { log_conditions: ['true'] },
      'filter/m': { metric_conditions: ['metric.name == "up"'] },
    },
    service: {
      pipelines: {
        logs: { processors: ['filter/logs'] },
        'metrics/a': { processors: ['filter/m', 'nope'] },
        'metrics/b': { processors: ['filter/m'] },
      },
    },
  });
  const r = checkConfig({ config: cfg, inventory: node.metrics, usage: USAGE });
  assert.deepEqual(summary(r), [['filter/m', 'up', null, 'breaks']]);
  assert.deepEqual(r.breakages[0]!.pipelines, ['metrics/a', 'metrics/b']);
  assert.deepEqual(r.problems, ['pipeline metrics/a names processor nope, which is not defined']);
  assert.match(checkConfig({ config: 'a: [', inventory: [], usage: [] }).problems[0]!, /not YAML/);
});

test('the hand-written template of the gateway telemetry e2e: OTLP names, a legacy filter, an attributes delete', () => {
  // The processors of e2e/gateway-telemetry.test.ts, on the OTLP metrics that test sends.
  const config = `receivers:
  otlp:
    protocols:
      http: {}
processors:
  filter/e2e:
    error_mode: ignore
    metrics:
      metric:
        - name == "e2e.dropped.metric"
    logs:
      log_record:
        - severity_number < SEVERITY_NUMBER_INFO
  attributes/e2e:
    actions:
      - key: user.session.id
        action: delete
  batch:
    timeout: 200ms
exporters:
  otlphttp/sink:
    endpoint: http://127.0.0.1:1
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [filter/e2e, attributes/e2e, batch]
      exporters: [otlphttp/sink]
`;
  const point = (route: string, session: string) => ({
    asInt: '1',
    attributes: [
      { key: 'user.session.id', value: { stringValue: session } },
      { key: 'http.route', value: { stringValue: route } },
    ],
  });
  const inventory = inventoryFromOtlpJson(
    JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flowgate-e2e-app' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'e2e.requests',
                  unit: '1',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [point('/a', 's1'), point('/b', 's2')],
                  },
                },
                { name: 'e2e.queue.depth', unit: '1', gauge: { dataPoints: [point('/a', 's3')] } },
                { name: 'e2e.dropped.metric', unit: '1', gauge: { dataPoints: [point('/a', 's4')] } },
              ],
            },
          ],
        },
      ],
    }),
  ).metrics;
  const usage = [
    panel('e2e_requests_total', 'Requests by route', 'sum by (http_route) (rate(e2e_requests_total[5m]))', [
      'http_route',
    ]),
    panel('e2e_queue_depth_ratio', 'Sessions queued', 'count by (user_session_id) (e2e_queue_depth_ratio)', [
      'user_session_id',
    ]),
    panel('e2e_dropped_metric_ratio', 'Dropped?', 'max(e2e_dropped_metric_ratio)', []),
  ];
  assert.deepEqual(summary(checkConfig({ config, inventory, usage })), [
    ['filter/e2e', 'e2e.dropped.metric', null, 'breaks'],
    ['attributes/e2e', 'e2e.queue.depth', 'user_session_id', 'breaks'],
  ]);
  // As the test's dashboards would be: nothing reads what the template removes.
  assert.deepEqual(checkConfig({ config, inventory, usage: usage.slice(0, 1) }).breakages, []);
});

test('the renders of recommendations never break the usage they were computed from', () => {
  const usage = USAGE.filter((u) => u.name !== 'app_requests_total');
  const set = recommend({
    inventory: node.metrics,
    usage,
    sources: [{ id: 'nef', name: 'Node Exporter Full', kind: 'grafana_dashboard', read_at: '2026-12-07T00:00:00Z' }],
  });
  assert.ok(set.items.some((i) => i.kind === 'keep_only') && set.items.some((i) => i.kind === 'drop_labels'));
  const ctx = { secretNames: new Set<string>(), signals: ['metrics'] as const };
  const processors: Record<string, unknown> = {};
  for (const b of recommendationsToBlocks(set.items))
    Object.assign(processors, blockType(b.type)!.render(b.config as never, ctx, b.id).processors);
  const r = checkConfig({ config: template(processors), inventory: node.metrics, usage });
  assert.deepEqual(r.breakages, []);
  assert.equal(r.checked.metrics, 4);
  // The same blocks with one more name dropped by hand: the guard sees it.
  processors['filter/reduce-keep-node'] = {
    error_mode: 'ignore',
    metric_conditions: [
      'resource.attributes["service.name"] == "node" and not ContainsValue(["node_cpu_seconds_total", "up"], metric.name)',
    ],
  };
  assert.deepEqual(
    summary(checkConfig({ config: template(processors), inventory: node.metrics, usage })).map((s) => s[1]),
    ['node_load1', 'node_memory_MemFree_bytes'],
  );
});
