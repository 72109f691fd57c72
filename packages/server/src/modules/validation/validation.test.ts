import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { systemScope } from '../../platform/scope.ts';
import { collectorBinary } from '../../platform/collector.ts';
import { insertGateway, updateGateway } from '../gateways/gateways.store.ts';

let fg: TestFlowgate;
let viewer: { token: string };

const GOOD = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 0.0.0.0:4318
processors:
  batch: {}
exporters:
  otlp_http:
    endpoint: https://otlp.example.com
    headers:
      authorization: \${secret:BACKEND_TOKEN}
service:
  extensions: [opamp]
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlp_http]
`;

type Issue = { code: string; message: string; path: string | null; line: number | null; column: number | null };

before(async () => {
  fg = await startTestFlowgate();
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  const put = await api(fg, fg.adminToken).put('/api/v1/secrets', {
    name: 'BACKEND_TOKEN',
    value: 'backend-token-value-123',
  });
  assert.equal(put.status, 201, JSON.stringify(put.body));
});
after(async () => {
  await fg?.close();
});

const validate = (body: { config_yaml: string; gateway_ids?: string[] }, token = fg.adminToken) =>
  api(fg, token).post(`/api/v1/validation?org_id=${fg.defaultOrgId}`, body);
const codes = (issues: Issue[]) => issues.map((i) => i.code);

async function gatewayWithComponents(
  name: string,
  available: Record<string, Record<string, Record<string, string>>> | null,
  orgId = fg.defaultOrgId,
) {
  const scope = systemScope(orgId);
  const row = await insertGateway(fg.db, scope, {
    instanceId: `inst-${name}`,
    instanceUid: null,
    name,
    nameIsCustom: true,
    hostname: null,
    ipAddress: null,
    metadata: {},
    registrationTokenId: null,
  });
  if (available) await updateGateway(fg.db, scope, row.id, { available_components: available });
  return row.id;
}

test('a good configuration is valid (a viewer may validate); the secret it references exists', async () => {
  const r = await validate({ config_yaml: GOOD }, viewer.token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.errors, []);
  // Without a collector binary the answer says only the structure was checked.
  const skipped = collectorBinary(fg.config) ? [] : ['COLLECTOR_CHECK_SKIPPED'];
  assert.deepEqual(codes(r.body.warnings), skipped);
  assert.equal(r.body.valid, true);
  assert.equal(r.body.collector_checked, collectorBinary(fg.config) !== null);
});

test('without a collector binary: valid structure, collector_checked false and a COLLECTOR_CHECK_SKIPPED warning', async () => {
  const bare = await startTestFlowgate({ FLOWGATE_GATEWAY_BIN_DIR: join(tmpdir(), 'flowgate-no-collector-here') });
  try {
    await api(bare, bare.adminToken).put('/api/v1/secrets', { name: 'BACKEND_TOKEN', value: 'k' });
    const r = await api(bare, bare.adminToken).post('/api/v1/validation', { config_yaml: GOOD });
    assert.equal(r.body.valid, true, JSON.stringify(r.body));
    assert.equal(r.body.collector_checked, false);
    assert.deepEqual(codes(r.body.warnings), ['COLLECTOR_CHECK_SKIPPED']);
    assert.match(r.body.warnings[0].message, /collector's own validate did not run/);
  } finally {
    await bare.close();
  }
});

test('every problem is reported at once, each with code, path, line and column', async () => {
  const yaml = `receivers:
  otlp:
    protocols:
      http: {}
processors:
  batch: {}
  not_a_processor: {}
  attributes/unused: {}
exporters:
  debug: {}
  otlp_http:
    endpoint: https://x.example.com
    headers:
      x-api-key: abc-literal-key
      authorization: \${secret:NOPE}
bogus_section: {}
service:
  pipelines:
    metrics:
      receivers: [otlp, ghost]
      processors: [batch, not_a_processor]
      exporters: [debug]
    logs/x:
      receivers: [otlp]
      exporters: []
    tracez:
      receivers: [otlp]
      exporters: [debug, debug]
`;
  const r = await validate({ config_yaml: yaml });
  assert.equal(r.status, 200);
  assert.equal(r.body.valid, false);
  const errors = r.body.errors as Issue[];
  const byCode = (code: string) => errors.filter((e) => e.code === code);
  assert.deepEqual(
    byCode('UNKNOWN_COMPONENT_TYPE').map((e) => [e.path, e.line, e.column]),
    [['processors::not_a_processor', 7, 3]],
  );
  assert.deepEqual(
    byCode('SECRET_NOT_FOUND').map((e) => [e.path, e.line]),
    [['exporters::otlp_http::headers::authorization', 15]],
  );
  assert.deepEqual(
    byCode('UNKNOWN_KEY').map((e) => [e.path, e.line, e.column]),
    [['bogus_section', 16, 1]],
  );
  assert.deepEqual(
    byCode('UNDEFINED_COMPONENT').map((e) => [e.path, e.line]),
    [['service::pipelines::metrics::receivers[1]', 20]],
  );
  assert.match(byCode('UNDEFINED_COMPONENT')[0]!.message, /receiver "ghost".*not defined/);
  assert.deepEqual(
    byCode('EMPTY_PIPELINE_LIST').map((e) => e.path),
    ['service::pipelines::logs/x::exporters'],
  );
  assert.deepEqual(
    byCode('INVALID_PIPELINE_ID').map((e) => [e.path, e.line]),
    [['service::pipelines::tracez', 26]],
  );
  assert.deepEqual(
    byCode('DUPLICATE_REFERENCE').map((e) => e.path),
    ['service::pipelines::tracez::exporters[1]'],
  );
  assert.equal(errors.length, 7, JSON.stringify(errors, null, 1));
  const warnings = r.body.warnings as Issue[];
  assert.deepEqual(
    warnings.filter((w) => w.code === 'UNUSED_COMPONENT').map((w) => w.path),
    ['processors::attributes/unused', 'exporters::otlp_http'],
  );
  const literal = warnings.filter((w) => w.code === 'LITERAL_CREDENTIAL');
  assert.deepEqual(
    literal.map((w) => [w.path, w.line]),
    [['exporters::otlp_http::headers::x-api-key', 14]],
  );
  assert.match(literal[0]!.message, /secret/);
  assert.equal(r.body.collector_checked, false, 'the collector would only repeat the structural errors');
  for (const i of [...errors, ...warnings]) assert.ok(i.line && i.column && i.path, JSON.stringify(i));
});

test('YAML syntax errors come with line and column and stop further checks', async () => {
  const r = await validate({ config_yaml: 'receivers:\n  otlp: {\nservice: [\n' });
  assert.equal(r.body.valid, false);
  assert.ok(r.body.errors.length >= 1);
  for (const e of r.body.errors as Issue[]) {
    assert.equal(e.code, 'YAML_SYNTAX');
    assert.equal(typeof e.line, 'number');
    assert.equal(typeof e.column, 'number');
  }
});

test(
  'extensions.opamp is refused, and so is a service.extensions ' +
    "list without opamp: it would cut the supervisor's link",
  async () => {
    const withOpamp = GOOD.replace(
      'exporters:\n',
      'extensions:\n  opamp:\n    server:\n      ws:\n        endpoint: wss://evil.example.com/v1/opamp\n' +
        '  health_check: {}\nexporters:\n',
    ).replace('extensions: [opamp]', 'extensions: [health_check]');
    const r = await validate({ config_yaml: withOpamp });
    assert.equal(r.body.valid, false);
    assert.deepEqual(codes(r.body.errors), ['OPAMP_EXTENSION_IN_CONFIG', 'OPAMP_EXTENSION_REMOVED']);
    assert.match(r.body.errors[0].message, /supervisor/);
    assert.match(r.body.errors[1].message, /opamp/);
    assert.equal(r.body.errors[0].path, 'extensions::opamp');
    // Keeping opamp in the list (defined by the supervisor, not here) is fine.
    const keep = await validate({
      config_yaml: GOOD.replace('exporters:\n', 'extensions:\n  health_check: {}\nexporters:\n').replace(
        'extensions: [opamp]',
        'extensions: [health_check, opamp]',
      ),
    });
    assert.deepEqual(keep.body.errors, [], JSON.stringify(keep.body.errors));
  },
);

test('a pipeline that references an undefined component is an error at that reference', async () => {
  const r = await validate({
    config_yaml: GOOD.replace('processors: [batch]', 'processors: [batch, transform/missing]'),
  });
  assert.deepEqual(
    r.body.errors.map((e: Issue) => [e.code, e.path, e.line]),
    [['UNDEFINED_COMPONENT', 'service::pipelines::metrics::processors[1]', 18]],
  );
});

test(
  "components are checked against the target gateways' " +
    "AvailableComponents; aliases count; other orgs' gateways are 404",
  async () => {
    const full = await gatewayWithComponents('gw-full', {
      receivers: { otlp: {} },
      processors: { batch: {}, filter: {} },
      exporters: { otlp_http: {}, debug: {} },
      extensions: { opamp: {} },
    });
    const lean = await gatewayWithComponents('gw-lean', {
      receivers: { otlp: {} },
      processors: {},
      exporters: { otlp_http: {} },
      extensions: {},
    });
    const unreported = await gatewayWithComponents('gw-silent', null);
    const ok = await validate({ config_yaml: GOOD, gateway_ids: [full] });
    assert.equal(ok.body.valid, true, JSON.stringify(ok.body));
    // otlphttp is the deprecated alias of otlp_http: the gateway reported the current name.
    const alias = await validate({ config_yaml: GOOD.replace(/otlp_http/g, 'otlphttp'), gateway_ids: [full] });
    assert.deepEqual(alias.body.errors, []);

    const r = await validate({ config_yaml: GOOD, gateway_ids: [full, lean] });
    assert.equal(r.body.valid, false);
    assert.deepEqual(
      r.body.errors.map((e: Issue) => [e.code, e.path]),
      [['COMPONENT_NOT_AVAILABLE', 'processors::batch']],
    );
    assert.match(r.body.errors[0].message, /gw-lean/);
    assert.doesNotMatch(r.body.errors[0].message, /gw-full/);

    const silent = await validate({ config_yaml: GOOD, gateway_ids: [unreported] });
    assert.equal(silent.body.valid, true);
    assert.deepEqual(
      codes(silent.body.warnings),
      collectorBinary(fg.config) ? ['COMPONENTS_NOT_REPORTED'] : ['COMPONENTS_NOT_REPORTED', 'COLLECTOR_CHECK_SKIPPED'],
    );

    const other = await api(fg, fg.adminToken).post('/api/v1/orgs', { name: 'Validation other org' });
    const foreign = await gatewayWithComponents('gw-foreign', { receivers: { otlp: {} } }, other.body.id);
    const refused = await validate({ config_yaml: GOOD, gateway_ids: [full, foreign] });
    assert.equal(refused.status, 404);
    assert.equal(refused.body.error.code, 'GATEWAY_NOT_FOUND');
  },
);

test("the real collector's validate runs with its error text (skipped where the binary is not built)", async (t) => {
  if (!collectorBinary(fg.config)) {
    t.skip('collector binary not built (npm run gateway:build)');
    return;
  }
  // Structurally fine, but the debug exporter has no "loud" verbosity: only the collector knows.
  const yaml = GOOD.replace('exporters:\n', 'exporters:\n  debug:\n    verbosity: loud\n').replace(
    'exporters: [otlp_http]',
    'exporters: [otlp_http, debug]',
  );
  const r = await validate({ config_yaml: yaml });
  assert.equal(r.body.collector_checked, true);
  assert.equal(r.body.valid, false);
  assert.deepEqual(codes(r.body.errors), ['COLLECTOR_REJECTED']);
  const e = r.body.errors[0] as Issue;
  assert.match(e.message, /loud/);
  assert.equal(e.path, 'exporters::debug');
  assert.equal(e.line, 9);
  // The collector is given placeholders, never the server's environment, files or URLs.
  const refs = GOOD.replace('endpoint: https://otlp.example.com', 'endpoint: ${env:DATABASE_URL}').replace(
    'processors:\n  batch: {}',
    'processors:\n  batch:\n    metadata_keys: ["${file:/etc/hostname}"]',
  );
  const clean = await validate({ config_yaml: refs });
  assert.equal(clean.body.collector_checked, true);
  assert.deepEqual(clean.body.errors, [], JSON.stringify(clean.body.errors));
});
