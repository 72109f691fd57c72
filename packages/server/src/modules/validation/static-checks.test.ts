import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
// The pure checks of @flowgate/config-model (shared with the UI) that the API tests do not reach.
import {
  configRefs,
  replaceConfigRefs,
  secretNamesIn,
  distributionComponents,
  componentSetsFromAvailable,
  validateCollectorConfig,
} from '@flowgate/config-model';

const codes = (yaml: string) => validateCollectorConfig(yaml).errors.map((e) => `${e.code} ${e.path}`);

test('references: schemes, the bare env form, and the $$ escape', () => {
  assert.deepEqual(
    configRefs('a ${secret:A} b ${env:B} c ${C} d $${secret:NOT} e ${file:/x}').map((r) => [r.scheme, r.value]),
    [
      ['secret', 'A'],
      ['env', 'B'],
      ['env', 'C'],
      ['file', '/x'],
    ],
  );
  assert.deepEqual(secretNamesIn('x: ${secret:A}\ny: "${secret:A}-${secret:B}"\n'), ['A', 'B']);
  const out = replaceConfigRefs('k: ${secret:A}\nlist: ["${secret:A}"]\n${secret:A}: keys are left\n', (r) =>
    r.scheme === 'secret' ? 'x: [1]' : null,
  );
  assert.deepEqual(parse(out), { k: 'x: [1]', list: ['x: [1]'], '${secret:A}': 'keys are left' });
});

test('structure: empty, not a map, invalid ids, unknown service keys, unknown reference schemes', () => {
  assert.deepEqual(codes('# nothing\n'), ['EMPTY_CONFIG null']);
  assert.deepEqual(codes('- a\n- b\n'), ['NOT_A_MAP null']);
  const yaml = `receivers:
  "9bad": {}
  otlp/: {}
  otlp: {protocols: {http: {endpoint: "\${vault:x}"}}}
exporters:
  debug: {}
service:
  pipeline: {}
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [debug]
`;
  assert.deepEqual(codes(yaml).sort(), [
    'INVALID_COMPONENT_ID receivers::9bad',
    'INVALID_COMPONENT_ID receivers::otlp/',
    'UNKNOWN_KEY service::pipeline',
    'UNKNOWN_PROVIDER receivers::otlp::protocols::http::endpoint',
  ]);
});

test('connectors must be used as an exporter and as a receiver', () => {
  const yaml = (receiverSide: boolean) => `receivers:
  otlp: {}
connectors:
  forward: {}
exporters:
  debug: {}
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [forward]
    traces/out:
      receivers: [${receiverSide ? 'forward' : 'otlp'}]
      exporters: [debug]
`;
  assert.deepEqual(codes(yaml(true)), []);
  assert.deepEqual(codes(yaml(false)), ['CONNECTOR_UNPAIRED connectors::forward']);
});

test(
  'the catalogue: current types and deprecated aliases are the same component, ' + 'for the distribution and a gateway',
  () => {
    assert.ok(distributionComponents.exporters.has('otlp_http') && distributionComponents.exporters.has('otlphttp'));
    const gw = componentSetsFromAvailable({ exporters: { otlp_grpc: {} }, receivers: {} })!;
    assert.ok(gw.exporters.has('otlp'));
    assert.ok(!gw.exporters.has('otlp_http'));
    assert.equal(componentSetsFromAvailable(null), null);
    assert.equal(componentSetsFromAvailable({}), null);
  },
);
