import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_PRICE_MODEL, metricsCostPerMonth, blockType } from '@flowgate/config-model';
import { inventoryFromExposition, inventoryFromOtlpJson } from '../inventory/upload.ts';
import { mergeInventories } from '../inventory/merge.ts';
import { metricVolume, recommend } from './recommend.ts';
import { resolveIds } from './ids.ts';
import { recommendationsToBlocks } from './to-blocks.ts';
import type { MetricUsage, UsageSource } from './types.ts';

const nodeText = readFileSync(
  new URL('../../testdata/exposition/node-exporter-e2e-output.prom', import.meta.url),
  'utf8',
);
const node = inventoryFromExposition(nodeText, { job: 'node', instance: 'node-1:9100', intervalSeconds: 15 });
const SOURCES: UsageSource[] = [
  { id: 'src-1', name: 'Node Exporter Full', kind: 'grafana_dashboard', read_at: '2026-12-07T10:00:00Z' },
];

const reads = (
  name: string,
  query: string,
  labels: string[] | 'all',
  extra: Partial<MetricUsage> = {},
): MetricUsage => ({
  name,
  used: true,
  labels_used: labels,
  used_by: [{ source_id: 'src-1', source: 'Node Exporter Full', title: 'Node Exporter Full', panel: name, query }],
  ...extra,
});

const run = (usage: MetricUsage[], opts: Parameters<typeof recommend>[0]['options'] = {}, inventory = node.metrics) =>
  recommend({ inventory, usage, sources: SOURCES, options: { keepOnly: false, ...opts } });

const item = (set: ReturnType<typeof recommend>, metric: string) => set.items.find((i) => i.metric === metric);

test('drop_metric: what nothing reads, with the sources consulted and what it saves', () => {
  const set = run([reads('node_load1', 'node_load1', 'all')]);
  const load = item(set, 'node_load1');
  assert.equal(load, undefined, 'a read metric is not dropped');
  const mem = item(set, 'node_memory_MemFree_bytes')!;
  assert.equal(mem.kind, 'drop_metric');
  assert.equal(mem.series_saved, 1);
  assert.deepEqual(mem.evidence.sources, [
    { id: 'src-1', name: 'Node Exporter Full', kind: 'grafana_dashboard', read_at: '2026-12-07T10:00:00Z' },
  ]);
  assert.match(mem.evidence.summary, /No dashboard panel, variable or rule of 1 source/);
  assert.deepEqual(mem.evidence.names_checked, ['node_memory_MemFree_bytes']);
  assert.ok(mem.usd_per_month.datadog > 0 && mem.usd_per_month.grafana_cloud > 0 && mem.usd_per_month.google_cloud > 0);
  assert.equal(mem.share, 1 / node.totals.series);
  // Everything but node_load1 is dropped.
  assert.equal(set.totals.series_after, 1);
  assert.equal(set.totals.series_before, node.totals.series);
});

test('an unknown read never counts as unread; name patterns protect every metric they match', () => {
  const set = run([
    { name: 'node_disk_io_now', used: 'unknown', labels_used: 'all', used_by: [] },
    reads('{__name__=~"node_network_.*"}', 'sum(rate({__name__=~"node_network_.*"}[5m]))', [], {
      pattern: 'node_network_.*',
    }),
    // No `pattern` field: parsed from the name the usage API returns.
    reads('{__name__=~"(?i)NODE_VMSTAT_.*"}', 'x', 'all'),
  ]);
  assert.equal(item(set, 'node_disk_io_now'), undefined);
  const dropped = (prefix: string) => set.items.some((i) => i.kind === 'drop_metric' && i.metric.startsWith(prefix));
  assert.ok(!dropped('node_network_'));
  assert.ok(!dropped('node_vmstat_'));
  // The pattern's query sums everything it reads: its labels may go, merged by sum.
  const up = item(set, 'node_network_up')!;
  assert.deepEqual([up.kind, up.labels, up.aggregation], ['drop_labels', ['device'], 'sum']);
  assert.ok(item(set, 'node_disk_reads_completed_total'), 'not matched by a pattern: dropped');
  // A negated pattern reads everything but what it names.
  const negated = run([
    reads('{__name__!~"node_.*"}', 'count({__name__!~"node_.*"})', 'all', { pattern: 'node_.*', negated: true }),
  ]);
  assert.ok(item(negated, 'node_load1'));
  assert.equal(item(negated, 'go_goroutines'), undefined);
});

test('a recording rule whose output nothing reads does not keep its inputs', () => {
  const set = run([
    {
      name: 'node_load5',
      used: false,
      labels_used: [],
      used_by: [
        {
          source_id: 'src-1',
          source: 'rules',
          title: 'node.rules',
          rule: 'instance:load5',
          query: 'node_load5',
          unread_output: true,
        },
      ],
    },
  ]);
  const load5 = item(set, 'node_load5')!;
  assert.equal(load5.kind, 'drop_metric');
  assert.equal(load5.evidence.unread_rules.length, 1);
  assert.match(load5.evidence.summary, /nothing reads what they record/);
});

test('nothing is recommended without a usage source, or while a source failed or was never read', () => {
  const none = recommend({ inventory: node.metrics, usage: [], sources: [] });
  assert.equal(none.items.length, 0);
  assert.match(none.withheld!.reason, /no usage source/);
  assert.equal(none.totals.series_after, none.totals.series_before);
  const failed = recommend({
    inventory: node.metrics,
    usage: [],
    sources: [...SOURCES, { id: 'g', name: 'Grafana prod', kind: 'grafana', read_at: null, error: 'HTTP 401' }],
  });
  assert.equal(failed.items.length, 0);
  assert.deepEqual(failed.withheld!.sources, ['g']);
  assert.match(failed.withheld!.reason, /Grafana prod.*HTTP 401/);
});

test('keep_only: one allow-list for a job whose unread metrics outnumber its read ones', () => {
  const usage = [
    reads('node_load1', 'node_load1', 'all'),
    reads('node_memory_MemFree_bytes', 'node_memory_MemFree_bytes', 'all'),
    reads('up', 'up{job="node"}', 'all'),
  ];
  const set = recommend({ inventory: node.metrics, usage, sources: SOURCES });
  const keep = set.items.find((i) => i.kind === 'keep_only')!;
  assert.equal(keep.job, 'node');
  assert.equal(keep.metric, 'job="node"');
  assert.deepEqual(keep.keep, ['node_load1', 'node_memory_MemFree_bytes', 'up']);
  assert.equal(keep.drop!.length, node.metrics.length - 3);
  assert.equal(keep.replaces!.length, keep.drop!.length);
  assert.equal(set.items.length, 1, 'the drops it stands for are not listed twice');
  assert.equal(set.replaced.length, keep.drop!.length);
  assert.equal(set.totals.series_after, 3);
  assert.ok(keep.evidence.notes.some((n) => /later/.test(n)));
  // Applying the whole set, or the keep_only alone, or one replaced drop alone.
  assert.deepEqual(resolveIds(set).items, set.items);
  const one = set.replaced[0]!;
  assert.deepEqual(resolveIds(set, [one.id]).items, [one]);
  assert.deepEqual(resolveIds(set, [keep.id, one.id]).items, [keep], 'a drop the keep_only covers is redundant');
  // With few unread metrics a keep_only is not simpler.
  const few = recommend({
    inventory: node.metrics.filter((m) => m.name.startsWith('node_load')),
    usage: [reads('node_load1', 'node_load1', 'all')],
    sources: SOURCES,
  });
  assert.ok(few.items.every((i) => i.kind === 'drop_metric'));
});

test('ids are stable across recomputations; an id whose recommendation no longer holds is stale', () => {
  const usage = [reads('node_load1', 'node_load1', 'all')];
  const a = run(usage);
  const b = run([...usage].reverse());
  assert.deepEqual(
    a.items.map((i) => i.id),
    b.items.map((i) => i.id),
  );
  assert.equal(new Set(a.items.map((i) => i.id)).size, a.items.length, 'unique');
  const load5 = item(a, 'node_load5')!;
  // A dashboard now reads node_load5: its drop is stale.
  const later = run([...usage, reads('node_load5', 'node_load5', 'all')]);
  assert.deepEqual(resolveIds(later, [load5.id, item(a, 'node_load15')!.id]), {
    items: [item(later, 'node_load15')],
    stale: [load5.id],
  });
});

test('totals and prices: savings add up to the difference of the costs before and after', () => {
  const set = run([reads('node_load1', 'node_load1', 'all')]);
  const volume = node.metrics.reduce(
    (v, m) => {
      const x = metricVolume(m, DEFAULT_PRICE_MODEL);
      return {
        datadog_custom_metrics: v.datadog_custom_metrics + x.datadog_custom_metrics,
        prometheus_series: v.prometheus_series + x.prometheus_series,
        samples_per_min: v.samples_per_min + x.samples_per_min,
      };
    },
    { datadog_custom_metrics: 0, prometheus_series: 0, samples_per_min: 0 },
  );
  const before = metricsCostPerMonth(DEFAULT_PRICE_MODEL, volume);
  assert.equal(set.totals.cost_before.datadog, Math.round(before.datadog * 100) / 100);
  // 3,032 series at $0.05; Grafana bills max(series, DPM) with 15 s scrapes: 4 DPM per series.
  assert.equal(set.totals.cost_before.datadog, 151.6);
  assert.equal(set.totals.cost_before.grafana_cloud, Math.round(((3032 * 4) / 1000) * 6.5 * 100) / 100);
  for (const k of ['datadog', 'grafana_cloud', 'google_cloud'] as const)
    assert.ok(
      Math.abs(set.totals.cost_before[k] - set.totals.cost_after[k] - set.totals.usd_per_month[k]) < 0.02,
      `${k}: before − after = saving`,
    );
  assert.equal(set.totals.bytes_per_min_before, node.totals.bytes * 4);
  assert.ok(set.totals.bytes_per_min_after! < set.totals.bytes_per_min_before! / 100);
});

test('recommendationsToBlocks: valid block instances that name the metrics as the gateway sees them', () => {
  const usage = [
    reads('node_cpu_seconds_total', 'sum by (mode) (rate(node_cpu_seconds_total[5m]))', ['mode']),
    reads('node_load1', 'node_load1', 'all'),
  ];
  const set = recommend({ inventory: node.metrics, usage, sources: SOURCES });
  const blocks = recommendationsToBlocks(set.items);
  assert.deepEqual(
    blocks.map((b) => [b.type, b.id]),
    [
      ['metrics.keep_only', 'reduce-keep-node'],
      ['metrics.drop_labels', 'reduce-labels'],
    ],
  );
  assert.deepEqual(blocks[1]!.config, {
    rules: [{ metrics: ['node_cpu_seconds_total'], labels: ['cpu'], aggregation: 'sum' }],
  });
  const ctx = { secretNames: new Set<string>(), signals: ['metrics'] as const };
  for (const b of blocks) assert.deepEqual(blockType(b.type)!.validate(b.config as never, ctx), []);
  const drops = recommendationsToBlocks(run(usage).items);
  assert.equal(drops[0]!.type, 'metrics.drop');
  assert.equal((drops[0]!.config as { names: string[] }).names.length, node.metrics.length - 2);
});

test('several uploads merge into one inventory: a series seen twice counts once, jobs are kept apart', () => {
  const other = inventoryFromExposition(nodeText, { job: 'node', instance: 'node-2:9100', intervalSeconds: 15 });
  const again = inventoryFromExposition(nodeText, { job: 'node', instance: 'node-1:9100', intervalSeconds: 15 });
  const merged = mergeInventories([node.metrics, other.metrics, again.metrics]);
  const cpu = merged.find((m) => m.name === 'node_cpu_seconds_total')!;
  assert.equal(cpu.series, 128, 'two hosts × 64; the repeated upload of node-1 adds none');
  assert.equal(cpu.resource_labels.find((l) => l.name === 'service.instance.id')!.distinct, 2);
  const otlp = inventoryFromOtlpJson(
    JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
          scopeMetrics: [{ metrics: [{ name: 'up', gauge: { dataPoints: [{ asDouble: 1 }] } }] }],
        },
      ],
    }),
  );
  const up = mergeInventories([node.metrics, otlp.metrics]).find((m) => m.name === 'up')!;
  assert.deepEqual(up.resource_labels.find((l) => l.name === 'service.name')!.examples, ['api', 'node']);
});
