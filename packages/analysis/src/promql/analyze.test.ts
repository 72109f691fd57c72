import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzePromql, guessMetricNames } from './analyze.ts';
import { toJson, type LabelNeedJson } from './label-need.ts';
import { replaceVariables } from './variables.ts';

/** metric (or pattern) → labels needed, for one query after variable replacement. */
function reads(expr: string): Record<string, LabelNeedJson> {
  const r = analyzePromql(replaceVariables(expr).expr);
  assert.ok(r.ok, `${expr} should parse: ${'error' in r ? r.error : ''}`);
  return Object.fromEntries(r.reads.map((s) => [s.metric ?? `~${s.negated ? '!' : ''}${s.pattern}`, toJson(s.labels)]));
}
const onlyOf = (...l: string[]): LabelNeedJson => ({ all: false, only: l.sort() });
const allBut = (...l: string[]): LabelNeedJson => ({ all: true, except: l.sort() });

test('sum by (mode) depends on mode only; a raw selector on all labels; without (cpu) on all but cpu', () => {
  assert.deepEqual(reads('sum by (mode)(rate(node_cpu_seconds_total[5m]))'), {
    node_cpu_seconds_total: onlyOf('mode'),
  });
  assert.deepEqual(reads('node_cpu_seconds_total'), { node_cpu_seconds_total: allBut() });
  assert.deepEqual(reads('rate(node_cpu_seconds_total[5m])'), { node_cpu_seconds_total: allBut() });
  assert.deepEqual(reads('sum without (cpu) (rate(node_cpu_seconds_total[5m]))'), {
    node_cpu_seconds_total: allBut('cpu'),
  });
});

test('matchers are read; an aggregation without grouping needs no other label', () => {
  assert.deepEqual(reads('sum(rate(http_requests_total{job="api", code=~"5.."}[5m]))'), {
    http_requests_total: onlyOf('code', 'job'),
  });
  assert.deepEqual(reads('count(count(node_cpu_seconds_total{instance="$node"}) by (cpu))'), {
    node_cpu_seconds_total: onlyOf('cpu', 'instance'),
  });
});

test('topk and bottomk keep their input series whole: the consumer still sees every label', () => {
  assert.deepEqual(reads('topk(5, rate(x_total[5m]))'), { x_total: allBut() });
  assert.deepEqual(reads('sum by (job) (topk by (instance) (3, x))'), { x: onlyOf('instance', 'job') });
});

test('binary operators: on / ignoring / group_left / group_right and set operators', () => {
  assert.deepEqual(reads('sum by (job) (a * on (instance) group_left (nodename) node_uname_info)'), {
    a: onlyOf('instance', 'job'),
    node_uname_info: onlyOf('instance', 'nodename'),
  });
  assert.deepEqual(reads('sum by (job) (a / ignoring (mode) b)'), { a: allBut('mode'), b: allBut('mode') });
  assert.deepEqual(reads('sum by (job) (a and on (instance) b)'), {
    a: onlyOf('instance', 'job'),
    b: onlyOf('instance'),
  });
  assert.deepEqual(reads('sum by (job) (info_metric * on (instance) group_right (team) c)'), {
    info_metric: onlyOf('instance', 'team'),
    c: onlyOf('instance', 'job'),
  });
  // Against a scalar no label matching happens.
  assert.deepEqual(reads('sum by (job) (a) * 100'), { a: onlyOf('job') });
  // Without a modifier, vectors match on every label.
  assert.deepEqual(reads('sum by (job) (a / b)'), { a: allBut(), b: allBut() });
});

test('label_replace / label_join read their source labels; histogram_quantile reads le', () => {
  assert.deepEqual(reads('sum by (host) (label_replace(up, "host", "$1", "instance", "(.*):.*"))'), {
    up: onlyOf('host', 'instance'),
  });
  assert.deepEqual(reads('count by (id) (label_join(kube_pod_info, "id", "/", "namespace", "pod"))'), {
    kube_pod_info: onlyOf('id', 'namespace', 'pod'),
  });
  assert.deepEqual(reads('histogram_quantile(0.99, sum by (le, route) (rate(http_duration_seconds_bucket[5m])))'), {
    http_duration_seconds_bucket: onlyOf('le', 'route'),
  });
});

test('__name__ matchers become patterns; a selector without a name reads every metric', () => {
  assert.deepEqual(reads('sum by (job) ({__name__=~"node_disk_.*", job="x"})'), { '~node_disk_.*': onlyOf('job') });
  assert.deepEqual(reads('count({__name__!~"go_.*"})'), { '~!go_.*': onlyOf() });
  assert.deepEqual(reads('count({job="x"})'), { '~.*': onlyOf('job') });
  assert.deepEqual(reads('{"my.dotted.metric", job="a"}'), { 'my.dotted.metric': allBut() });
});

test('info() reads target_info for the labels it joins, not every metric', () => {
  assert.deepEqual(reads('sum by (k8s_cluster_name) (info(rate(http_requests_total[5m]), {k8s_cluster_name=~".+"}))'), {
    http_requests_total: onlyOf('instance', 'job', 'k8s_cluster_name'),
    target_info: allBut(),
  });
});

test('Grafana variables are replaced by what their position needs, and listed', () => {
  const r = replaceVariables(
    'topk($n, sum by ($group) (rate(${prefix}_requests_total{instance=~"$node"}[$__rate_interval]))) > $threshold offset $shift',
    [{ name: 'shift', type: 'interval' }],
  );
  assert.equal(
    r.expr,
    'topk(1, sum by (__fgvar_group__) (rate(__fgvar_prefix___requests_total{instance=~"__fgvar_node__"}[5m]))) > 1 offset 5m',
  );
  assert.deepEqual(
    r.replaced.map((x) => x.variable),
    ['n', 'group', 'prefix', 'node', '__rate_interval', 'threshold', 'shift'],
  );
  // A grouping label that is a variable could be any label: the selector depends on all of them.
  assert.deepEqual(reads('sum by ($group) (rate(${prefix}_requests_total[$__rate_interval]))'), {
    '~.*_requests_total': allBut(),
  });
  assert.equal(replaceVariables('rate(x[$__interval]) * $__interval_ms / [[scale]]').expr, 'rate(x[5m]) * 300000 / 1');
  // `$1` in label_replace is a regex group, not a variable.
  assert.deepEqual(replaceVariables('label_replace(up, "a", "$1", "b", "(.*)")').replaced, []);
});

test('a query that does not parse says why and where; its probable metric names are guessed', () => {
  const r = analyzePromql('sum(rate(http_requests_total{job="api"}[5m])');
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /ends too early/);
  const r2 = analyzePromql('rate(x[5m]) +* y');
  assert.match((r2 as { error: string }).error, /line 1, column \d+: unexpected/);
  assert.deepEqual(guessMetricNames('sum by (job) (rate(http_requests_total{job="api"}[5m]) / on(instance) up'), [
    'http_requests_total',
    'up',
  ]);
});
