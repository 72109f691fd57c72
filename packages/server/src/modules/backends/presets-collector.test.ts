// Every preset, in each of its modes, composed into a whole configuration, passes the REAL collector's
// `validate` (otelcol-flowgate v0.158.0 from gateway/dist; skipped with the reason when not built).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeConfig, type BlockInstance } from '@flowgate/config-model';
import { collectorBinary, createLimiter } from '../../platform/collector.ts';
import { collectorValidate } from '../validation/collector-validate.ts';

const bin = collectorBinary({ gatewayBinDir: null });
const secretNames = new Set(['DD_API_KEY', 'GRAFANA_TOKEN', 'PROM_PASSWORD', 'OTLP_TOKEN', 'CA_PEM']);
const limiter = createLimiter(1);

const variants: Record<string, BlockInstance> = {
  'Datadog intake (EU)': {
    type: 'backend.datadog',
    id: 'dd',
    config: { site: 'datadoghq.eu', api_key_secret: 'DD_API_KEY', histograms_mode: 'counters' },
  },
  'Datadog Agent (gRPC)': {
    type: 'backend.datadog',
    id: 'agent',
    config: { mode: 'agent', agent_endpoint: 'datadog-agent:4317' },
  },
  'Datadog Agent (HTTP, TLS)': {
    type: 'backend.datadog',
    id: 'agent',
    config: { mode: 'agent', agent_protocol: 'http', agent_endpoint: 'https://datadog-agent:4318', agent_tls: true },
  },
  'Google Cloud (ADC, region)': {
    type: 'backend.googlecloud',
    id: 'gcp',
    config: { project: 'acme-prod-1', region: 'europe-west1' },
  },
  'Google Cloud (googleclientauth, emulator)': {
    type: 'backend.googlecloud',
    id: 'gcp',
    config: {
      project: 'acme-prod-1',
      auth: 'googleclientauth',
      quota_project: 'acme-billing',
      metric_endpoint: 'localhost:8085',
      log_endpoint: 'localhost:8086',
      trace_endpoint: 'localhost:8087',
      use_insecure: true,
    },
  },
  'Grafana Cloud OTLP': {
    type: 'backend.grafana_cloud',
    id: 'grafana',
    config: {
      endpoint: 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp',
      instance_id: '123456',
      token_secret: 'GRAFANA_TOKEN',
    },
  },
  'Mimir remote write': {
    type: 'backend.grafana_cloud',
    id: 'mimir',
    config: {
      mode: 'prometheus_remote_write',
      endpoint: 'https://mimir.example.com/api/v1/push',
      instance_id: 'gw',
      token_secret: 'GRAFANA_TOKEN',
      tenant_id: 'team-a',
    },
  },
  'Prometheus remote write (bearer)': {
    type: 'backend.prometheus_remote_write',
    id: 'prom',
    config: { endpoint: 'http://prometheus:9090/api/v1/write', auth: 'bearer', token_secret: 'PROM_PASSWORD' },
  },
  'OTLP gRPC (headers, CA)': {
    type: 'backend.otlp',
    id: 'up',
    config: {
      endpoint: 'collector.example.com:4317',
      headers: [{ name: 'x-api-key', secret: 'OTLP_TOKEN' }],
      tls_ca_secret: 'CA_PEM',
      tls_server_name: 'collector.internal',
    },
  },
  'OTLP HTTP (insecure, zstd, json)': {
    type: 'backend.otlp',
    id: 'local',
    config: {
      protocol: 'http',
      endpoint: 'http://127.0.0.1:4318',
      tls_insecure: true,
      compression: 'zstd',
      encoding: 'json',
    },
  },
};

for (const [name, block] of Object.entries(variants)) {
  test(`${name}: the real collector accepts the composed configuration`, async (t) => {
    if (!bin) return t.skip('collector binary not built (npm run gateway:build)');
    const r = composeConfig({ blocks: [block], secretNames });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    const check = await collectorValidate(bin, r.yaml, limiter);
    assert.equal(check.ran, true, JSON.stringify(check.warnings));
    assert.deepEqual(check.errors, [], r.yaml);
  });
}

test('all presets together in one configuration: the real collector accepts it', async (t) => {
  if (!bin) return t.skip('collector binary not built (npm run gateway:build)');
  const blocks = Object.values(variants).map((b, i) => ({ ...b, id: `${b.id}-${i}` }));
  const r = composeConfig({ blocks, secretNames });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  const check = await collectorValidate(bin, r.yaml, limiter);
  assert.deepEqual(check.errors, []);
  assert.equal(check.ran, true);
});

test('the collector check is not a rubber stamp: a broken exporter setting is rejected', async (t) => {
  if (!bin) return t.skip('collector binary not built (npm run gateway:build)');
  const r = composeConfig({ blocks: [variants['Prometheus remote write (bearer)']!], secretNames });
  assert.ok(r.ok);
  const broken = r.yaml.replace('max_elapsed_time: 300s', 'max_elapsed_time: soon');
  const check = await collectorValidate(bin, broken, limiter);
  assert.equal(check.errors.length, 1);
  assert.match(check.errors[0]!.message, /max_elapsed_time|soon/);
});
