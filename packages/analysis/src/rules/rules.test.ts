import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyzeRules, readRuleFile, readRulesApiResponse, type RulesRead } from './read.ts';
import { analyzeDashboards, readDashboardUpload } from '../dashboards/read.ts';
import { mergeUsage, type MetricUsage } from '../usage/merge.ts';
import type { SourceAnalysis } from '../usage/types.ts';

const fixture = (name: string) => readFileSync(new URL(`../../testdata/${name}`, import.meta.url), 'utf8');
const rulesOf = (content: string): RulesRead => {
  const r = readRuleFile(content);
  assert.ok(!('ok' in r), 'message' in r ? r.message : '');
  return r as RulesRead;
};
const dashboardAnalysis = (d: unknown): SourceAnalysis => {
  const r = readDashboardUpload(JSON.stringify(d));
  assert.ok(r.ok);
  return analyzeDashboards(r.dashboards);
};
const byName = (usage: MetricUsage[]) => new Map(usage.map((m) => [m.name, m]));

test('a PrometheusRule resource: alerts and recording rules, with their groups', () => {
  const read = rulesOf(fixture('kube-prometheus-node-exporter.prometheusrule.yaml'));
  assert.equal(read.groups, 2);
  const a = analyzeRules(read);
  assert.equal(a.summary.recording_rules, 15);
  assert.ok(a.summary.alerting_rules >= 20);
  assert.equal(a.summary.unparseable, 0);
  assert.equal(read.queries[0]!.location.rule_file, 'node-exporter-rules');
});

test('a dashboard that reads only recorded series makes the rules’ input metrics used, transitively', () => {
  const rules = analyzeRules(rulesOf(fixture('kube-prometheus-node-exporter.prometheusrule.yaml')));
  const dashboard = readDashboardUpload(fixture('kube-prometheus-node-rsrc-use.dashboard.json'));
  assert.ok(dashboard.ok);
  const dash = analyzeDashboards(dashboard.dashboards);
  // Only the dashboard: recorded series are read, node_cpu_seconds_total is not.
  const alone = byName(mergeUsage([{ id: 'd', name: 'USE', analysis: dash }]));
  assert.equal(alone.get('instance:node_cpu_utilisation:rate5m')?.used, true);
  assert.equal(alone.get('node_cpu_seconds_total'), undefined);

  // With the rules (but no alert reads these): the recording rules carry usage to their inputs.
  const alertsRemoved = { ...rules, queries: rules.queries.filter((q) => q.kind === 'recording') };
  const usage = byName(
    mergeUsage([
      { id: 'd', name: 'USE', analysis: dash },
      { id: 'r', name: 'node rules', analysis: alertsRemoved },
    ]),
  );
  const cpu = usage.get('node_cpu_seconds_total')!;
  assert.equal(cpu.used, true);
  assert.ok(
    cpu.used_by.some(
      (u) => u.rule === 'instance:node_cpu_utilisation:rate5m' && u.via === 'instance:node_cpu_utilisation:rate5m',
    ),
  );
  // instance:node_load1_per_cpu:ratio reads instance:node_num_cpu:sum, which reads node_cpu_seconds_total.
  assert.ok(cpu.used_by.some((u) => u.rule === 'instance:node_num_cpu:sum'));
  assert.equal(usage.get('instance:node_num_cpu:sum')!.used, true);
  assert.equal(usage.get('node_load1')!.used, true);
  // Rules whose series the dashboard does not read do not make their inputs used.
  const lo = usage.get('instance:node_network_receive_bytes_excluding_lo:rate5m');
  assert.equal(lo, undefined);
  const drops = usage.get('node_network_receive_drop_total')!;
  assert.equal(drops.used, true, 'read through instance:node_network_receive_drop_physical:rate5m');
  assert.ok(
    drops.used_by.some((u) => u.unread_output && u.rule === 'instance:node_network_receive_drop_excluding_lo:rate5m'),
  );
});

test('recording rules pass on exactly the labels their readers need', () => {
  const rules = analyzeRules(
    rulesOf(`groups:
  - name: http
    rules:
      - record: job_code:http_requests:rate5m
        expr: sum by (job, code) (rate(http_requests_total[5m]))
      - record: pod:cpu:rate5m
        expr: rate(container_cpu_usage_seconds_total[5m])
      - record: unread:series
        expr: sum(unread_input_total)
`),
  );
  const dash = dashboardAnalysis({
    title: 'Readers',
    panels: [
      { id: 1, title: 'Errors', targets: [{ expr: 'sum by (job) (job_code:http_requests:rate5m{code=~"5.."})' }] },
      { id: 2, title: 'CPU', targets: [{ expr: 'sum by (pod) (pod:cpu:rate5m)' }] },
    ],
  });
  const usage = byName(
    mergeUsage([
      { id: 'd', name: 'dash', analysis: dash },
      { id: 'r', name: 'rules', analysis: rules },
    ]),
  );
  assert.deepEqual(usage.get('http_requests_total')!.labels_used, ['code', 'job']);
  assert.deepEqual(usage.get('container_cpu_usage_seconds_total')!.labels_used, ['pod']);
  assert.equal(usage.get('unread_input_total')!.used, false);
  assert.equal(usage.get('unread:series'), undefined);
});

test('several YAML documents in one file; an invalid expression is kept as unknown with its reason', () => {
  const read = rulesOf(`groups:
  - name: a
    rules:
      - alert: Down
        expr: up == 0
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: second}
spec:
  groups:
    - name: b
      rules:
        - alert: Broken
          expr: sum(rate(http_requests_total{job="api"}[5m]) > 1
        - record: no_expr
`);
  assert.equal(read.groups, 2);
  assert.equal(read.problems.length, 1);
  assert.match(read.problems[0]!.message, /has no expr/);
  const a = analyzeRules(read);
  assert.equal(a.summary.unparseable, 1);
  const problem = a.problems.find((p) => p.kind === 'unparseable_query')!;
  assert.equal(problem.location?.rule, 'Broken');
  const usage = byName(mergeUsage([{ id: 'r', name: 'rules', analysis: a }]));
  assert.equal(usage.get('up')!.used, true);
  assert.equal(usage.get('http_requests_total')!.used, 'unknown');
  assert.equal(usage.get('http_requests_total')!.labels_used, 'all');
  assert.match(usage.get('http_requests_total')!.used_by[0]!.unparseable!, /ends too early/);
});

test('bad rule files: malformed YAML with its line, YAML that holds no groups', () => {
  const malformed = readRuleFile('groups:\n  - name: a\n    rules: [\n');
  assert.equal((malformed as { reason: string }).reason, 'malformed');
  assert.match((malformed as { message: string }).message, /line \d+, column \d+/);
  assert.equal((readRuleFile('just: a mapping\n') as { reason: string }).reason, 'not_rules');
  assert.equal((readRuleFile('- a\n- b\n') as { reason: string }).reason, 'not_rules');
});

test('the rules API answer (GET /api/v1/rules)', () => {
  const read = readRulesApiResponse({
    status: 'success',
    data: {
      groups: [
        {
          name: 'g',
          file: '/etc/prometheus/rules.yml',
          rules: [
            { type: 'recording', name: 'r:x', query: 'sum by (job) (x_total)', health: 'ok' },
            { type: 'alerting', name: 'A', query: 'r:x > 1', state: 'inactive' },
          ],
        },
      ],
    },
  });
  assert.ok(!('ok' in read));
  const usage = byName(mergeUsage([{ id: 'p', name: 'prom', analysis: analyzeRules(read as RulesRead) }]));
  assert.deepEqual(usage.get('x_total')!.labels_used, ['job']);
  assert.equal((readRulesApiResponse('<html>') as { reason: string }).reason, 'not_rules');
});
