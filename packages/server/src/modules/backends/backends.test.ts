// Saved backends through the API: catalogue, create/read/update/delete with every problem reported and
// nothing stored on bad input, rendering, audit, and templates composed from backends (validated by the
// real collector where it is built, and saying so where it is not).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { collectorBinary } from '../../platform/collector.ts';

let fg: TestFlowgate;
let viewer: { token: string };
let editor: { token: string };
const admin = () => api(fg, fg.adminToken);
const API_KEY_VALUE = 'dd-api-key-value-5e1f-do-not-leak';

before(async () => {
  fg = await startTestFlowgate();
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
  await admin().put('/api/v1/secrets', { name: 'DD_API_KEY', value: API_KEY_VALUE });
  await admin().put('/api/v1/secrets', { name: 'PROM_PASSWORD', value: 'prom-pass' });
});
after(async () => {
  await fg?.close();
});

const datadog = {
  name: 'Datadog EU',
  type: 'backend.datadog',
  config: { site: 'datadoghq.eu', api_key_secret: 'DD_API_KEY' },
};
const prometheus = {
  name: 'Prometheus',
  type: 'backend.prometheus_remote_write',
  config: {
    endpoint: 'http://prometheus:9090/api/v1/write',
    auth: 'basic',
    username: 'gw',
    password_secret: 'PROM_PASSWORD',
  },
};
const backendCount = async () => (await fg.db.query('SELECT id FROM backends')).length;

test('the catalogue lists every preset with its JSON schema, secret fields marked, and defaults', async () => {
  const r = await api(fg, viewer.token).get('/api/v1/blocks');
  assert.equal(r.status, 200);
  const types = r.body.items
    .filter((b: { category: string }) => b.category === 'backend')
    .map((b: { type: string }) => b.type);
  assert.deepEqual(types, [
    'backend.datadog',
    'backend.googlecloud',
    'backend.grafana_cloud',
    'backend.prometheus_remote_write',
    'backend.otlp',
  ]);
  const dd = r.body.items.find((b: { type: string }) => b.type === 'backend.datadog');
  assert.equal(dd.schema.properties.api_key_secret['x-flowgate-secret'], true);
  assert.equal(dd.schema.additionalProperties, false);
  assert.equal(dd.defaults.site, 'datadoghq.com');
  assert.deepEqual(dd.signals, ['metrics', 'logs', 'traces']);
});

test('create, read, rename and delete a backend; secrets by name, audited; viewers read, editors cannot write', async () => {
  const created = await admin().post('/api/v1/backends', datadog);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const b = created.body;
  assert.deepEqual(b.signals, ['metrics', 'logs'], 'intake mode: no traces');
  assert.deepEqual(b.secrets, ['DD_API_KEY']);
  assert.equal(b.config.mode, 'intake', 'stored with defaults');
  assert.doesNotMatch(JSON.stringify(b), new RegExp(API_KEY_VALUE));

  assert.equal((await api(fg, viewer.token).get(`/api/v1/backends/${b.id}`)).body.name, 'Datadog EU');
  assert.equal((await api(fg, viewer.token).get('/api/v1/backends')).body.items.length, 1);
  const denied = await api(fg, editor.token).post('/api/v1/backends', { ...prometheus, name: 'by editor' });
  assert.equal(denied.status, 403);

  const dup = await admin().post('/api/v1/backends', datadog);
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'ALREADY_EXISTS');

  const renamed = await admin().patch(`/api/v1/backends/${b.id}`, {
    name: 'Datadog (EU)',
    config: { mode: 'agent', agent_endpoint: 'datadog-agent:4317' },
  });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.deepEqual(renamed.body.signals, ['metrics', 'logs', 'traces']);
  assert.deepEqual(renamed.body.secrets, []);

  const audit = await admin().get(`/api/v1/audit-logs?resource_type=backend&resource_id=${b.id}`);
  const actions = audit.body.items.map((e: { action: string }) => e.action).sort();
  assert.deepEqual(actions, ['backend.create', 'backend.update']);

  assert.equal((await admin().delete(`/api/v1/backends/${b.id}`)).status, 200);
  assert.equal((await admin().get(`/api/v1/backends/${b.id}`)).body.error.code, 'BACKEND_NOT_FOUND');
});

test('bad input: unknown fields, a missing secret, an unknown type → 422 with every problem; nothing stored', async () => {
  const before = await backendCount();
  const r = await admin().post('/api/v1/backends', {
    name: 'broken',
    type: 'backend.prometheus_remote_write',
    config: { endpoint: 'not a url', auth: 'basic', username: 'u', password_secret: 'NO_SUCH_SECRET', colour: 'red' },
  });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'INVALID_BLOCK_CONFIG');
  assert.deepEqual(
    r.body.error.details.problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`),
    ['UNKNOWN_FIELD colour', 'INVALID_VALUE endpoint', 'SECRET_NOT_FOUND password_secret'],
  );
  const unknown = await admin().post('/api/v1/backends', { name: 'x', type: 'backend.splunk', config: {} });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.error.details.problems[0].code, 'UNKNOWN_BLOCK_TYPE');
  assert.equal(await backendCount(), before);

  const saved = await admin().post('/api/v1/backends', { ...prometheus, name: 'Prometheus (patch test)' });
  const patched = await admin().patch(`/api/v1/backends/${saved.body.id}`, {
    config: { endpoint: 'http://p/x', auth: 'bearer' },
  });
  assert.equal(patched.status, 422);
  assert.deepEqual(
    patched.body.error.details.problems.map((p: { path: string }) => p.path),
    ['token_secret'],
  );
  const still = await admin().get(`/api/v1/backends/${saved.body.id}`);
  assert.deepEqual(still.body.config, saved.body.config, 'a refused update changes nothing');
  await admin().delete(`/api/v1/backends/${saved.body.id}`);
});

test('render: the exporter block YAML, where it goes, and live problems for an unsaved configuration', async () => {
  const saved = await admin().post('/api/v1/backends', { ...datadog, name: 'Datadog render' });
  const r = await api(fg, viewer.token).post(`/api/v1/backends/${saved.body.id}/render`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.valid, true);
  const y = parse(r.body.yaml);
  assert.equal(y.exporters['otlp_http/preview'].headers['dd-api-key'], '${secret:DD_API_KEY}');
  assert.deepEqual(r.body.pipelines.metrics.exporter_processors, ['cumulative_to_delta/preview']);
  assert.doesNotMatch(r.body.yaml, new RegExp(API_KEY_VALUE));

  const live = await api(fg, viewer.token).post('/api/v1/blocks/render', {
    type: 'backend.datadog',
    config: { api_key_secret: 'TYPO_KEY' },
    signals: ['traces'],
  });
  assert.equal(live.body.valid, false);
  assert.deepEqual(
    live.body.problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`),
    ['SECRET_NOT_FOUND api_key_secret', 'SIGNAL_NOT_SUPPORTED signals'],
  );
  await admin().delete(`/api/v1/backends/${saved.body.id}`);
});

test('a template from backends: composed, validated (collector check ran), version 1 holds the YAML', async () => {
  const dd = (await admin().post('/api/v1/backends', { ...datadog, name: 'DD for template' })).body;
  const prom = (await admin().post('/api/v1/backends', { ...prometheus, name: 'Prom for template' })).body;
  const r = await api(fg, editor.token).post('/api/v1/templates/from-backends', {
    name: 'dd-and-prom',
    backend_ids: [dd.id, prom.id],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.template.latest_version, 1);
  const c = parse(r.body.template.latest.config_yaml);
  assert.deepEqual(c.service.pipelines.metrics.exporters, [
    'forward/dd-for-template',
    'prometheus_remote_write/prom-for-template',
  ]);
  assert.deepEqual(c.service.pipelines['metrics/dd-for-template'].processors, ['cumulative_to_delta/dd-for-template']);
  assert.equal(r.body.validation.valid, true);
  const built = collectorBinary(fg.config) !== null;
  assert.equal(r.body.validation.collector_checked, built);
  assert.deepEqual(
    r.body.validation.warnings.map((w: { code: string }) => w.code),
    built ? [] : ['COLLECTOR_CHECK_SKIPPED'],
  );
  assert.match(r.body.template.latest.message, /DD for template, Prom for template/);

  // Deleting a backend a template was made from leaves the template as it was.
  await admin().delete(`/api/v1/backends/${dd.id}`);
  const t = await admin().get(`/api/v1/templates/${r.body.template.id}`);
  assert.equal(t.body.latest.config_yaml, r.body.template.latest.config_yaml);

  // Bad input: a signal remote write does not take; another org's or an unknown backend id.
  const before = (await admin().get('/api/v1/templates')).body.items.length;
  const bad = await api(fg, editor.token).post('/api/v1/templates/from-backends', {
    name: 'logs-to-prom',
    backend_ids: [prom.id],
    signals: ['logs'],
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(
    bad.body.error.details.problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`),
    ['SIGNAL_NOT_SUPPORTED backends["Prom for template"].signals'],
  );
  const gone = await api(fg, editor.token).post('/api/v1/templates/from-backends', { name: 'x', backend_ids: [dd.id] });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.code, 'BACKEND_NOT_FOUND');
  assert.equal((await admin().get('/api/v1/templates')).body.items.length, before, 'no template was created');
});

test('without a collector binary, a template from backends says the collector check was skipped', async () => {
  const bare = await startTestFlowgate({ FLOWGATE_GATEWAY_BIN_DIR: join(tmpdir(), 'flowgate-no-collector-here') });
  try {
    const a = api(bare, bare.adminToken);
    const b = await a.post('/api/v1/backends', {
      name: 'otlp',
      type: 'backend.otlp',
      config: { endpoint: 'collector:4317', tls_insecure: true },
    });
    const r = await a.post('/api/v1/templates/from-backends', { name: 'skipped', backend_ids: [b.body.id] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.validation.collector_checked, false);
    assert.deepEqual(
      r.body.validation.warnings.map((w: { code: string }) => w.code),
      ['COLLECTOR_CHECK_SKIPPED'],
    );
  } finally {
    await bare.close();
  }
});
