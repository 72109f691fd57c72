import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition, parseStatement, OttlSyntaxError } from './ottl-parse.ts';
import { truth, UNKNOWN, type Scenario } from './ottl-eval.ts';

const scenario: Scenario = {
  name: 'http.server.duration',
  type: 'histogram',
  unit: 's',
  monotonic: null,
  temporality: 'cumulative',
  scopeName: 'io.opentelemetry.sdk',
  resource: { values: new Map([['service.name', 'shop']]), complete: true },
  datapoint: {
    values: new Map<string, string | typeof UNKNOWN>([
      ['route', '/a'],
      ['pod', UNKNOWN],
    ]),
    complete: true,
  },
  metricKeys: { values: new Map(), complete: true, valueSets: new Map() },
};
const t = (text: string, ctx: 'metric' | 'datapoint' = 'datapoint') => truth(parseCondition(text), scenario, ctx);

test('conditions: precedence, literals, escapes, lists, enums, legacy paths', () => {
  assert.equal(t('metric.name == "http.server.duration" and not (metric.unit == "ms" or false)'), true);
  assert.equal(t('true or metric.name == "x" and false'), true, 'and binds tighter than or');
  assert.equal(t('not not true'), true);
  assert.equal(t('metric.type == METRIC_DATA_TYPE_HISTOGRAM'), true);
  assert.equal(t('metric.type == "Histogram"'), true, 'older configs compare with the type name');
  assert.equal(t('name == "http.server.duration"', 'metric'), true, 'unprefixed path in the metric context');
  assert.equal(t('attributes["route"] == "/a"'), true, 'unprefixed attributes in the datapoint context');
  assert.equal(t('datapoint.attributes["missing"] == nil'), true);
  assert.equal(t('datapoint.attributes["pod"] == "p1"'), UNKNOWN);
  assert.equal(t('datapoint.attributes["pod"] == "p1" and false'), false, 'false wins over unknown in and');
  assert.equal(t('datapoint.attributes["pod"] == "p1" or true'), true, 'true wins over unknown in or');
  assert.equal(t('IsMatch(resource.attributes["service.name"], "^sh")'), true);
  assert.equal(t('IsMatch(metric.name, "duration\\\\.x")'), false, 'escaped backslash reaches the regexp');
  assert.equal(t('ContainsValue(["a", "http.server.duration"], metric.name)'), true);
  assert.equal(t('instrumentation_scope.name == "io.opentelemetry.sdk"'), true);
  assert.equal(t('datapoint.value_double > -1'), UNKNOWN, 'values are not in the inventory');
  assert.equal(t('Len(metric.name) > 3'), UNKNOWN, 'functions the guard does not implement');
  assert.equal(t('metric.name == "say \\"hi\\""'), false);
});

test('statements: editor, arguments, where; syntax errors are reported', () => {
  const s = parseStatement(
    'delete_key(datapoint.attributes, "pod") where metric.name == "x" and IsMatch(metric.name, "y")',
  );
  assert.equal(s.editor.name, 'delete_key');
  assert.deepEqual(s.editor.args[0], { kind: 'path', segments: ['datapoint', 'attributes'], keys: [] });
  assert.equal(s.where!.kind, 'and');
  assert.equal(parseStatement('keep_keys(attributes, ["a", "b"])').where, null);
  assert.deepEqual(parseStatement('limit(attributes, 10, [])').editor.args[1], { kind: 'literal', value: 10 });
  for (const bad of ['metric.name == "x', 'metric.name ==', '(a == 1', 'a == 1 b', 'IsMatch(a, "x"', '@'])
    assert.throws(() => parseCondition(bad), OttlSyntaxError, bad);
  assert.throws(() => parseStatement('metric.name == "x"'), OttlSyntaxError);
  assert.throws(() => parseStatement('set(a, 1) whence b'), OttlSyntaxError);
});
