// The metric building blocks (packages/config-model/src/blocks/metrics/): validation with paths and codes,
// and the shape of their renders. What the renders do in a real collector: e2e/reduce-collector.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { blockType, blockTypes, type BlockContext } from '@flowgate/config-model';

const ctx: BlockContext = { secretNames: new Set(), signals: ['metrics'] };
const problems = (type: string, config: unknown, c: BlockContext = ctx) =>
  blockType(type)!
    .validate(config as never, c)
    .map((p) => [p.path, p.code]);
const render = (type: string, config: unknown, id = 'x') => blockType(type)!.render(config as never, ctx, id);
/** A rendered processor's config. */
const proc = (r: ReturnType<typeof render>, id: string) => (r.processors ?? {})[id] as Record<string, unknown>;

test('the three metric blocks are in the one table, with valid defaults and a metrics-only signal', () => {
  for (const type of ['metrics.drop', 'metrics.keep_only', 'metrics.drop_labels']) {
    const b = blockType(type)!;
    assert.ok(blockTypes.includes(b));
    assert.equal(b.category, 'metrics');
    assert.deepEqual(b.signals, ['metrics']);
    assert.ok(Value.Check(b.schema, b.defaults()), `${type} defaults match its schema`);
  }
});

test('metrics.drop: every problem with its path', () => {
  assert.deepEqual(problems('metrics.drop', { names: [], patterns: [] }), [['names', 'REQUIRED']]);
  assert.deepEqual(
    problems('metrics.drop', { names: ['a', '', 'a'], patterns: ['ok_.*', '(unclosed', 'x(?=y)', ''] }),
    [
      ['names[1]', 'REQUIRED'],
      ['names[2]', 'DUPLICATE'],
      ['patterns[1]', 'INVALID_PATTERN'],
      ['patterns[2]', 'INVALID_PATTERN'],
      ['patterns[3]', 'INVALID_PATTERN'],
    ],
  );
  assert.deepEqual(problems('metrics.drop', { names: ['a'], patterns: [] }, { ...ctx, signals: ['logs'] }), [
    ['', 'SIGNAL_NOT_SUPPORTED'],
  ]);
});

test('metrics.drop renders a filter with OTTL conditions on metric.name (quotes and backslashes escaped)', () => {
  const r = render('metrics.drop', { names: ['b"q', 'a'], patterns: ['go_\\w+'], job: 'node' }, 'unused');
  assert.deepEqual(r.pipelines, { metrics: { processors: ['filter/unused'] } });
  assert.deepEqual(r.processors, {
    'filter/unused': {
      error_mode: 'ignore',
      metric_conditions: [
        'resource.attributes["service.name"] == "node" and ContainsValue(["a", "b\\"q"], metric.name)',
        'resource.attributes["service.name"] == "node" and IsMatch(metric.name, "^(?:go_\\\\w+)$")',
      ],
    },
  });
  assert.deepEqual(proc(render('metrics.drop', { names: ['one'], patterns: [] }), 'filter/x').metric_conditions, [
    'metric.name == "one"',
  ]);
});

test('metrics.keep_only: an empty allow-list is refused; the render drops what is not kept', () => {
  assert.deepEqual(problems('metrics.keep_only', { keep: [], patterns: [] }), [['keep', 'REQUIRED']]);
  const r = render('metrics.keep_only', { keep: ['up', 'node_load1'], patterns: ['node_cpu_.*'], job: 'node' });
  assert.deepEqual(proc(r, 'filter/x').metric_conditions, [
    'resource.attributes["service.name"] == "node" and not (ContainsValue(["node_load1", "up"], metric.name) or ' +
      'IsMatch(metric.name, "^(?:node_cpu_.*)$"))',
  ]);
});

test('metrics.drop_labels: one rule per metric; the render deletes, then aggregates', () => {
  assert.deepEqual(problems('metrics.drop_labels', { rules: [] }), [['rules', 'REQUIRED']]);
  assert.deepEqual(
    problems('metrics.drop_labels', {
      rules: [
        { metrics: ['a', 'b'], labels: ['pod'], aggregation: 'sum' },
        { metrics: ['b'], labels: [' '], aggregation: 'avg' },
        { metrics: [], labels: [], aggregation: 'max' },
      ],
    }),
    [
      ['rules[1].labels[0]', 'REQUIRED'],
      ['rules[1].aggregation', 'INVALID_VALUE'],
      ['rules[1].metrics[0]', 'CONFLICT'],
      ['rules[2].metrics', 'REQUIRED'],
      ['rules[2].labels', 'REQUIRED'],
    ],
  );
  const r = render('metrics.drop_labels', {
    rules: [{ metrics: ['temp'], labels: ['sensor', 'board'], aggregation: 'max' }],
  });
  assert.deepEqual(proc(r, 'transform/x'), {
    error_mode: 'ignore',
    metric_statements: [
      {
        context: 'datapoint',
        conditions: ['metric.name == "temp"'],
        statements: ['delete_key(datapoint.attributes, "board")', 'delete_key(datapoint.attributes, "sensor")'],
      },
      { context: 'metric', conditions: ['metric.name == "temp"'], statements: ['aggregate_on_attributes("max")'] },
    ],
  });
});
