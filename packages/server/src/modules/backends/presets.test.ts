// Each backend preset: what it renders (the settings a user's data depends on) and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  blockType,
  blockTypes,
  checkBlock,
  composeConfig,
  secretsUsed,
  type BlockInstance,
} from '@flowgate/config-model';

const secrets = new Set(['DD_API_KEY', 'GRAFANA_TOKEN', 'PROM_PASSWORD', 'OTLP_TOKEN', 'CA_PEM']);
type Cfg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function render(block: BlockInstance, signals?: BlockInstance['signals']): Cfg {
  const r = composeConfig({ blocks: [block], secretNames: secrets, ...(signals ? { signals } : {}) });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  assert.deepEqual(parse(r.yaml), r.config, 'the YAML is the config');
  return r.config as Cfg;
}
const problems = (type: string, config: unknown, signals: BlockInstance['signals'] = []) =>
  checkBlock(type, config, { secretNames: secrets, signals }).problems.map((p) => `${p.code} ${p.path}`);

test('every block type has a schema that rejects unknown fields, defaults that fit it, and a title', () => {
  assert.equal(blockTypes.filter((b) => b.category === 'backend').length, 5, 'five backend presets');
  for (const b of blockTypes) {
    assert.equal((b.schema as { additionalProperties?: boolean }).additionalProperties, false, b.type);
    assert.ok(b.title && b.description, b.type);
    assert.match(b.type, /^[a-z]+\.[a-z_]+$/);
    if (b.category === 'backend') assert.match(b.type, /^backend\.[a-z_]+$/);
  }
});

test('Datadog intake: otlp_http to otlp.<site>, dd-api-key from the secret, delta metrics on their own branch', () => {
  const c = render({
    type: 'backend.datadog',
    id: 'dd',
    config: { site: 'datadoghq.eu', api_key_secret: 'DD_API_KEY' },
  });
  const exp = c.exporters['otlp_http/dd'];
  assert.equal(exp.metrics_endpoint, 'https://otlp.datadoghq.eu/v1/metrics');
  assert.equal(exp.logs_endpoint, 'https://otlp.datadoghq.eu/v1/logs');
  assert.equal(exp.headers['dd-api-key'], '${secret:DD_API_KEY}');
  assert.deepEqual(JSON.parse(exp.headers['dd-otel-metric-config']), {
    resource_attributes_as_tags: true,
    histograms: { mode: 'distributions' },
  });
  assert.equal(exp.retry_on_failure.enabled, true);
  assert.equal(exp.sending_queue.enabled, true);
  assert.deepEqual(c.service.pipelines['metrics/dd'], {
    receivers: ['forward/dd'],
    processors: ['cumulative_to_delta/dd'],
    exporters: ['otlp_http/dd'],
  });
  assert.deepEqual(c.service.pipelines.metrics.exporters, ['forward/dd']);
  assert.deepEqual(c.service.pipelines.logs.exporters, ['otlp_http/dd'], 'logs need no conversion');
  assert.equal(c.service.pipelines.traces, undefined, 'the traces intake is Preview: not taken');
  for (const site of ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'ap1.datadoghq.com'])
    assert.equal(
      render({ type: 'backend.datadog', id: 'dd', config: { site, api_key_secret: 'DD_API_KEY' } }).exporters[
        'otlp_http/dd'
      ].metrics_endpoint,
      `https://otlp.${site}/v1/metrics`,
    );
});

test('Datadog: intake refuses traces, a missing key, and the gov site; agent mode takes traces without a key', () => {
  assert.deepEqual(problems('backend.datadog', { api_key_secret: 'DD_API_KEY' }, ['traces']), [
    'SIGNAL_NOT_SUPPORTED signals',
  ]);
  assert.deepEqual(problems('backend.datadog', {}), ['REQUIRED api_key_secret']);
  assert.deepEqual(problems('backend.datadog', { site: 'ddog-gov.com', api_key_secret: 'DD_API_KEY' }), [
    'INVALID_VALUE site',
  ]);
  assert.deepEqual(problems('backend.datadog', { api_key_secret: 'NOPE' }), ['SECRET_NOT_FOUND api_key_secret']);
  const c = render(
    { type: 'backend.datadog', id: 'agent', config: { mode: 'agent', agent_endpoint: 'datadog-agent:4317' } },
    ['metrics', 'traces'],
  );
  assert.deepEqual(c.exporters['otlp_grpc/agent'].tls, { insecure: true });
  assert.deepEqual(c.service.pipelines.traces.exporters, ['otlp_grpc/agent']);
  assert.equal(c.processors['cumulative_to_delta/agent'], undefined, 'the Agent converts cumulative itself');
  assert.deepEqual(
    problems('backend.datadog', { mode: 'agent', agent_endpoint: 'x:1', api_key_secret: 'DD_API_KEY' }),
    ['INVALID_VALUE api_key_secret'],
  );
});

test('Google Cloud: googlecloud exporter with the project, optional googleclientauth, and the host requirement', () => {
  const r = composeConfig({
    secretNames: secrets,
    blocks: [{ type: 'backend.googlecloud', id: 'gcp', config: { project: 'acme-prod-1', auth: 'googleclientauth' } }],
  });
  assert.ok(r.ok);
  const c = r.config as Cfg;
  assert.equal(c.exporters['googlecloud/gcp'].project, 'acme-prod-1');
  assert.equal(c.exporters['googlecloud/gcp'].authenticator, 'googleclientauth/gcp');
  assert.equal(c.exporters['googlecloud/gcp'].retry_on_failure, undefined, 'no such option at v0.158.0');
  assert.deepEqual(c.service.extensions, ['opamp', 'googleclientauth/gcp'], 'the supervisor defines opamp');
  assert.deepEqual(Object.keys(c.service.pipelines), ['metrics', 'logs', 'traces']);
  assert.match(r.requirements.join(), /GOOGLE_APPLICATION_CREDENTIALS/);
  assert.match(r.yaml, /^# Host requirement: Google credentials come from the gateway host/m);
  assert.deepEqual(problems('backend.googlecloud', { project: 'Bad_Project' }), ['INVALID_VALUE project']);
  assert.deepEqual(problems('backend.googlecloud', {}), ['INVALID_VALUE project']);
  assert.deepEqual(problems('backend.googlecloud', { project: 'acme-prod-1', quota_project: 'acme-billing' }), [
    'INVALID_VALUE quota_project',
  ]);
});

test('Grafana Cloud: OTLP gateway with basicauth client_auth, or remote write (metrics only)', () => {
  const otlp = render({
    type: 'backend.grafana_cloud',
    id: 'grafana',
    config: {
      endpoint: 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp',
      instance_id: '123456',
      token_secret: 'GRAFANA_TOKEN',
    },
  });
  assert.deepEqual(otlp.extensions['basicauth/grafana'], {
    client_auth: { username: '123456', password: '${secret:GRAFANA_TOKEN}' },
  });
  assert.deepEqual(otlp.exporters['otlp_http/grafana'].auth, { authenticator: 'basicauth/grafana' });
  assert.deepEqual(Object.keys(otlp.service.pipelines), ['metrics', 'logs', 'traces']);
  const rw = {
    mode: 'prometheus_remote_write',
    endpoint: 'https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push',
    instance_id: '987',
    token_secret: 'GRAFANA_TOKEN',
  };
  const c = render({ type: 'backend.grafana_cloud', id: 'g', config: rw });
  assert.equal(c.exporters['prometheus_remote_write/g'].endpoint, rw.endpoint);
  assert.deepEqual(Object.keys(c.service.pipelines), ['metrics']);
  assert.deepEqual(problems('backend.grafana_cloud', rw, ['logs']), ['SIGNAL_NOT_SUPPORTED signals']);
  assert.deepEqual(problems('backend.grafana_cloud', { ...rw, endpoint: 'https://x.grafana.net/api/prom' }), [
    'INVALID_VALUE endpoint',
  ]);
  assert.deepEqual(
    problems('backend.grafana_cloud', {
      endpoint: 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/v1/metrics',
      instance_id: '1',
      token_secret: 'GRAFANA_TOKEN',
    }),
    ['INVALID_VALUE endpoint'],
  );
});

test('Prometheus remote write: basic, bearer or no auth; the tenant header; metrics only', () => {
  const basic = render({
    type: 'backend.prometheus_remote_write',
    id: 'mimir',
    config: {
      endpoint: 'https://mimir.example.com/api/v1/push',
      auth: 'basic',
      username: 'flowgate',
      password_secret: 'PROM_PASSWORD',
      tenant_id: 'team-a',
    },
  });
  const e = basic.exporters['prometheus_remote_write/mimir'];
  assert.deepEqual(e.headers, { 'X-Scope-OrgID': 'team-a' });
  assert.deepEqual(e.auth, { authenticator: 'basicauth/mimir' });
  assert.equal(e.remote_write_queue.enabled, true);
  const bearer = render({
    type: 'backend.prometheus_remote_write',
    id: 'p',
    config: { endpoint: 'http://prom:9090/api/v1/write', auth: 'bearer', token_secret: 'PROM_PASSWORD' },
  });
  assert.deepEqual(bearer.extensions['bearertokenauth/p'], { token: '${secret:PROM_PASSWORD}' });
  assert.deepEqual(problems('backend.prometheus_remote_write', { endpoint: 'http://p/api/v1/write', auth: 'bearer' }), [
    'REQUIRED token_secret',
  ]);
  assert.deepEqual(
    problems('backend.prometheus_remote_write', { endpoint: 'http://p/api/v1/write', username: 'x' }, ['logs']),
    ['SIGNAL_NOT_SUPPORTED signals', 'INVALID_VALUE username'],
  );
});

test('OTLP: grpc or http, headers from secrets, TLS options, compression', () => {
  const grpc = render({
    type: 'backend.otlp',
    id: 'up',
    config: {
      endpoint: 'collector.example.com:4317',
      headers: [{ name: 'x-api-key', secret: 'OTLP_TOKEN' }],
      tls_ca_secret: 'CA_PEM',
      compression: 'zstd',
    },
  });
  const g = grpc.exporters['otlp_grpc/up'];
  assert.deepEqual(g.headers, { 'x-api-key': '${secret:OTLP_TOKEN}' });
  assert.deepEqual(g.tls, { ca_pem: '${secret:CA_PEM}' });
  assert.equal(g.compression, 'zstd');
  const http = render({
    type: 'backend.otlp',
    id: 'local',
    config: { protocol: 'http', endpoint: 'http://127.0.0.1:4318', tls_insecure: true },
  });
  assert.deepEqual(http.exporters['otlp_http/local'].tls, { insecure: true });
  assert.deepEqual(problems('backend.otlp', { protocol: 'http', endpoint: 'collector:4318' }), [
    'INVALID_VALUE endpoint',
  ]);
  assert.deepEqual(problems('backend.otlp', { endpoint: 'http://x:4317/v1/metrics' }), ['INVALID_VALUE endpoint']);
  assert.deepEqual(
    problems('backend.otlp', {
      endpoint: 'c:4317',
      headers: [
        { name: 'a', secret: 'OTLP_TOKEN' },
        { name: 'A', secret: 'MISSING', extra: 1 },
      ],
    }),
    ['UNKNOWN_FIELD headers[1].extra', 'SECRET_NOT_FOUND headers[1].secret', 'INVALID_VALUE headers[1].name'],
  );
  assert.deepEqual(
    secretsUsed(blockType('backend.otlp')!, { headers: [{ name: 'a', secret: 'B' }], tls_ca_secret: 'A' }),
    ['A', 'B'],
  );
});

test('unknown preset fields, unknown types and wrong values are problems with stable codes and paths', () => {
  assert.deepEqual(problems('backend.otlp', { endpoint: 'c:4317', endpont: 'typo', queue_size: -1 }), [
    'UNKNOWN_FIELD endpont',
    'INVALID_VALUE queue_size',
  ]);
  assert.deepEqual(problems('backend.splunk', {}), ['UNKNOWN_BLOCK_TYPE type']);
  assert.deepEqual(problems('backend.datadog', { site: 'datadoghq.org', api_key_secret: 'DD_API_KEY' }), [
    'INVALID_VALUE site',
  ]);
  assert.deepEqual(problems('backend.otlp', 'not an object'), ['INVALID_VALUE ']);
});
