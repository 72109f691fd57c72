// composeConfig: a complete, deterministic collector configuration from a list of blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { composeConfig, validateCollectorConfig, type ComposeInput } from '@flowgate/config-model';

const secretNames = new Set(['DD_API_KEY', 'TOKEN']);
const datadog = { type: 'backend.datadog', id: 'datadog', config: { api_key_secret: 'DD_API_KEY' } };
const prom = {
  type: 'backend.prometheus_remote_write',
  id: 'prom',
  config: { endpoint: 'http://prometheus:9090/api/v1/write' },
};
const otlp = { type: 'backend.otlp', id: 'sink', config: { endpoint: 'sink:4317', tls_insecure: true } };

test('one pipeline per signal some backend takes, with memory_limiter first and batch last', () => {
  const r = composeConfig({ blocks: [prom, otlp], secretNames });
  assert.ok(r.ok);
  const c = parse(r.yaml);
  assert.deepEqual(Object.keys(c.service.pipelines), ['metrics', 'logs', 'traces']);
  assert.deepEqual(c.service.pipelines.metrics, {
    receivers: ['otlp'],
    processors: ['memory_limiter', 'batch'],
    exporters: ['prometheus_remote_write/prom', 'otlp_grpc/sink'],
  });
  assert.deepEqual(c.service.pipelines.logs.exporters, ['otlp_grpc/sink'], 'remote write takes metrics only');
  assert.deepEqual(c.receivers.otlp, { protocols: { grpc: {}, http: {} } });
  assert.deepEqual(r.signals, ['metrics', 'logs', 'traces']);
});

test("a backend's own processors stay on its branch: Prometheus still gets cumulative metrics beside Datadog", () => {
  const r = composeConfig({ blocks: [datadog, prom], secretNames, signals: ['metrics'] });
  assert.ok(r.ok);
  const p = (r.config as { service: { pipelines: Record<string, { processors: string[]; exporters: string[] }> } })
    .service.pipelines;
  assert.deepEqual(p.metrics!.exporters, ['forward/datadog', 'prometheus_remote_write/prom']);
  assert.deepEqual(p.metrics!.processors, ['memory_limiter', 'batch']);
  assert.deepEqual(p['metrics/datadog']!.processors, ['cumulative_to_delta/datadog']);
  assert.equal(p.logs, undefined, 'only the requested signals');
});

test('the output is deterministic: same blocks, same text; valid for the control plane validator', () => {
  const input: ComposeInput = {
    blocks: [otlp, datadog, prom],
    secretNames,
    base: { otlpGrpcEndpoint: '127.0.0.1:4317', otlpHttpEndpoint: '127.0.0.1:4318' },
  };
  const a = composeConfig(input);
  assert.ok(a.ok);
  const again = composeConfig({ ...input, blocks: structuredClone(input.blocks) });
  assert.ok(again.ok);
  assert.equal(again.yaml, a.yaml);
  const v = validateCollectorConfig(a.yaml, { secretNames });
  assert.deepEqual(v.errors, []);
  const top = Object.keys(parse(a.yaml));
  assert.deepEqual(top, ['receivers', 'processors', 'exporters', 'connectors', 'service']);
  const exporters = Object.keys(parse(a.yaml).exporters);
  assert.deepEqual(exporters, [...exporters].sort(), 'components sorted by id');
});

test('problems of every block at once, each with its block id, and nothing rendered', () => {
  const r = composeConfig({
    secretNames,
    signals: ['logs'],
    blocks: [
      { ...prom, config: { ...prom.config, unknown_option: true } },
      { type: 'backend.datadog', id: 'datadog', config: { api_key_secret: 'NOT_A_SECRET' } },
      { type: 'backend.otlp', id: 'datadog', config: { endpoint: 'x:1' } },
    ],
  });
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.problems.map((p) => `${p.block} ${p.code} ${p.path}`), [
    'prom UNKNOWN_FIELD unknown_option',
    'prom SIGNAL_NOT_SUPPORTED signals',
    'datadog SECRET_NOT_FOUND api_key_secret',
    'datadog DUPLICATE_ID id',
  ]);
});

test('no blocks, or blocks without a backend, is NO_BACKEND; a bad id is refused', () => {
  const none = composeConfig({ blocks: [], secretNames });
  assert.deepEqual(!none.ok && none.problems.map((p) => p.code), ['NO_BACKEND']);
  const badId = composeConfig({ blocks: [{ ...otlp, id: 'Bad Id' }], secretNames });
  assert.deepEqual(!badId.ok && badId.problems.map((p) => `${p.code} ${p.path}`), ['INVALID_VALUE id']);
});
