import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  hasMeasureComponent,
  injectMeasureIntoFiles,
  injectMeasureProcessors,
  validateCollectorConfig,
} from '@flowgate/config-model';

// The gateway's real base configuration (two pipelines, comments, ${env:…} references).
const BASE = readFileSync(new URL('../../../../../gateway/collector-base.yaml', import.meta.url), 'utf8');

// The cost-cutting template of the real-gateway telemetry test (e2e/gateway-telemetry.test.ts).
const FILTER_TEMPLATE = `receivers:
  otlp:
    protocols:
      http: {}
processors:
  filter/e2e:
    error_mode: ignore
    metrics:
      metric:
        - name == "e2e.dropped.metric"
  attributes/e2e:
    actions:
      - key: user.session.id
        action: delete
  batch:
    timeout: 200ms
exporters:
  otlphttp/sink:
    endpoint: http://127.0.0.1:4318
    encoding: json
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [filter/e2e, attributes/e2e, batch]
      exporters: [otlphttp/sink]
    logs:
      receivers: [otlp]
      processors: [filter/e2e, attributes/e2e, batch]
      exporters: [otlphttp/sink]
`;

// Routing by tenant through a connector: four pipelines, two without processors, block-style lists.
const ROUTING_TEMPLATE = `# Route metrics per tenant: team-a to Grafana, everything else to Datadog's OTLP intake.
receivers:
  otlp:
    protocols:
      grpc: {}
connectors:
  routing/tenant:
    default_pipelines: [metrics/default]
    table:
      - context: resource
        condition: attributes["tenant"] == "team-a"
        pipelines: [metrics/team-a]
exporters:
  otlphttp/grafana:
    endpoint: https://otlp-gateway.grafana.example/otlp # Grafana Cloud OTLP gateway
    auth:
      authenticator: basicauth/grafana
  otlphttp/datadog:
    endpoint: https://otlp.datadoghq.com
    headers:
      dd-api-key: \${secret:DD_API_KEY}
extensions:
  basicauth/grafana:
    client_auth:
      username: "12345"
      password: \${secret:GRAFANA_TOKEN}
service:
  extensions: [basicauth/grafana]
  pipelines:
    metrics/in:
      receivers:
        - otlp
      exporters:
        - routing/tenant
    metrics/team-a:
      receivers: [routing/tenant]
      processors: [batch] # batch before the network
      exporters: [otlphttp/grafana]
    metrics/default:
      receivers: [routing/tenant]
      exporters: [otlphttp/datadog]
    traces:
      receivers: [otlp]
      processors: []
      exporters: [otlphttp/datadog]
processors:
  batch: {}
`;

type Config = {
  processors?: Record<string, { pipeline?: string; position?: string } | null>;
  service: { pipelines: Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }> };
};

/** The parsed config with everything the injection added taken out again. */
function withoutMeasure(config: Config): Config {
  const copy = structuredClone(config);
  for (const name of Object.keys(copy.processors ?? {}))
    if (/^flowgate_measure\/(in|out)\.\d+$/.test(name)) delete copy.processors![name];
  for (const p of Object.values(copy.service.pipelines))
    if (p.processors) p.processors = p.processors.filter((n) => !n.startsWith('flowgate_measure/'));
  return copy;
}

function assertInjected(input: string, output: string) {
  const before = parse(input) as Config;
  const after = parse(output) as Config;
  const ids = Object.keys(before.service.pipelines);
  assert.deepEqual(Object.keys(after.service.pipelines), ids, 'same pipelines in the same order');
  ids.forEach((id, n) => {
    const list = after.service.pipelines[id]!.processors!;
    assert.equal(list[0], `flowgate_measure/in.${n}`, `${id}: first processor`);
    assert.equal(list.at(-1), `flowgate_measure/out.${n}`, `${id}: last processor`);
    assert.deepEqual(list.slice(1, -1), before.service.pipelines[id]!.processors ?? [], `${id}: the template's own`);
    assert.deepEqual(after.processors![`flowgate_measure/in.${n}`], { pipeline: id, position: 'in' });
    assert.deepEqual(after.processors![`flowgate_measure/out.${n}`], { pipeline: id, position: 'out' });
  });
  // Nothing else changed (a pipeline without processors now has an empty list once ours are taken out).
  const expected = structuredClone(before);
  expected.processors ??= {};
  for (const p of Object.values(expected.service.pipelines)) p.processors ??= [];
  assert.deepEqual(withoutMeasure(after), expected);
}

test('the base config: both pipelines measured first and last, comments and env references kept', () => {
  const { text, pipelines } = injectMeasureProcessors(BASE);
  assertInjected(BASE, text);
  assert.deepEqual(pipelines, [
    { id: 'metrics', index: 0 },
    { id: 'logs', index: 1 },
  ]);
  assert.ok(text.startsWith('# Flowgate gateway: base collector configuration.'), 'header comment kept');
  assert.ok(text.includes('${env:FLOWGATE_OTLP_GRPC_ENDPOINT:-0.0.0.0:4317}'));
  assert.ok(text.includes('processors: [flowgate_measure/in.0, batch, flowgate_measure/out.0]'), text);
  // The result passes the static checks (structure, references, nothing unused).
  assert.deepEqual(validateCollectorConfig(text).errors, []);
});

test('a filter template: the filter sits between in and out, so in − out is what it drops', () => {
  const { text } = injectMeasureProcessors(FILTER_TEMPLATE);
  assertInjected(FILTER_TEMPLATE, text);
  const config = parse(text) as Config;
  assert.deepEqual(config.service.pipelines.metrics!.processors, [
    'flowgate_measure/in.0',
    'filter/e2e',
    'attributes/e2e',
    'batch',
    'flowgate_measure/out.0',
  ]);
});

test('connectors and pipelines without processors: every pipeline gets both, lists are created', () => {
  const { text } = injectMeasureProcessors(ROUTING_TEMPLATE);
  assertInjected(ROUTING_TEMPLATE, text);
  const config = parse(text) as Config;
  assert.deepEqual(config.service.pipelines['metrics/in']!.processors, [
    'flowgate_measure/in.0',
    'flowgate_measure/out.0',
  ]);
  assert.deepEqual(config.service.pipelines.traces!.processors, ['flowgate_measure/in.3', 'flowgate_measure/out.3']);
  // A pipeline id with a slash is the `pipeline` setting as is; the instance name uses the index.
  assert.deepEqual(config.processors!['flowgate_measure/in.1'], { pipeline: 'metrics/team-a', position: 'in' });
  // Comments, secrets references and the block style of a list the user wrote survive.
  assert.ok(text.startsWith('# Route metrics per tenant'), text);
  assert.ok(text.includes('# Grafana Cloud OTLP gateway'));
  assert.ok(text.includes('# batch before the network'));
  assert.ok(text.includes('dd-api-key: ${secret:DD_API_KEY}'));
  assert.match(text, /metrics\/in:\n\s+receivers:\n\s+- otlp\n\s+processors:\n\s+- flowgate_measure\/in\.0\n/);
});

test('idempotent: injecting an injected config gives the same text', () => {
  for (const input of [BASE, FILTER_TEMPLATE, ROUTING_TEMPLATE]) {
    const once = injectMeasureProcessors(input).text;
    assert.equal(injectMeasureProcessors(once).text, once);
  }
});

test('a config that already places measure instances: ours are re-derived, the user’s own kept', () => {
  const input = `receivers:
  otlp:
    protocols:
      http: {}
processors:
  flowgate_measure/in.7: { pipeline: stale, position: in }
  flowgate_measure/after-filter: { pipeline: metrics, position: out }
  filter: { metrics: { metric: ['name == "x"'] } }
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [flowgate_measure/in.7, filter, flowgate_measure/after-filter]
      exporters: [debug]
`;
  const config = parse(injectMeasureProcessors(input).text) as Config;
  assert.deepEqual(config.service.pipelines.metrics!.processors, [
    'flowgate_measure/in.0',
    'filter',
    'flowgate_measure/after-filter',
    'flowgate_measure/out.0',
  ]);
  assert.deepEqual(Object.keys(config.processors!), [
    'flowgate_measure/after-filter',
    'filter',
    'flowgate_measure/in.0',
    'flowgate_measure/out.0',
  ]);
});

test('no processors section, a processor list given by an alias', () => {
  const input = `receivers:
  otlp: { protocols: { http: {} } }
exporters:
  debug: {}
service:
  pipelines:
    logs:
      receivers: &inputs [otlp]
      exporters: [debug]
    metrics:
      receivers: *inputs
      processors: *inputs
      exporters: [debug]
`;
  const { text } = injectMeasureProcessors(input);
  const config = parse(text) as Config;
  assert.deepEqual(Object.keys(parse(text) as object), ['receivers', 'processors', 'exporters', 'service']);
  assert.deepEqual(config.service.pipelines.logs!.processors, ['flowgate_measure/in.0', 'flowgate_measure/out.0']);
  assert.deepEqual(config.service.pipelines.logs!.receivers, ['otlp'], 'the anchored list itself is not edited');
  assert.deepEqual(config.service.pipelines.metrics!.processors, [
    'flowgate_measure/in.1',
    'otlp',
    'flowgate_measure/out.1',
  ]);
});

test('text that is not a configuration with pipelines comes back unchanged', () => {
  for (const input of [
    '',
    'receivers: [',
    'just a string',
    'service:\n  extensions: []\n',
    'service:\n  pipelines: {}\n',
  ])
    assert.equal(injectMeasureProcessors(input).text, input);
});

test('several files: pipelines numbered across files, no name used twice', () => {
  const files = {
    'b-logs.yaml': 'service:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n',
    'a-metrics.yaml': 'service:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [debug]\n',
  };
  const out = injectMeasureIntoFiles(files);
  assert.deepEqual(Object.keys(out), ['b-logs.yaml', 'a-metrics.yaml']);
  assert.match(out['a-metrics.yaml']!, /flowgate_measure\/in\.0/);
  assert.match(out['b-logs.yaml']!, /flowgate_measure\/in\.1/);
});

test('hasMeasureComponent reads a gateway’s available components', () => {
  assert.equal(hasMeasureComponent({ processors: { batch: {}, flowgate_measure: {} } }), true);
  assert.equal(hasMeasureComponent({ processors: { batch: {} } }), false);
  assert.equal(hasMeasureComponent(null), false);
  assert.equal(hasMeasureComponent({ receivers: { flowgate_measure: {} } }), false);
});
