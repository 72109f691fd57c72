// Recommendations → building-block instances (stored in a template version, rendered to processors):
//   keep_only items   one metrics.keep_only per job,
//   drop_metric items one metrics.drop with every name,
//   drop_labels items one metrics.drop_labels, one rule per (labels, aggregation) group.
// In that order in the pipeline: the filters shrink the data before the transform merges series.
import type { BlockInstance } from '@flowgate/config-model';
import type { MetricsDropConfig } from '@flowgate/config-model/blocks/metrics/drop.ts';
import type { MetricsDropLabelsConfig } from '@flowgate/config-model/blocks/metrics/drop-labels.ts';
import type { MetricsKeepOnlyConfig } from '@flowgate/config-model/blocks/metrics/keep-only.ts';
import type { Recommendation } from './types.ts';

/** A component-id-safe suffix for a job name. */
const idPart = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'job';

export function recommendationsToBlocks(items: readonly Recommendation[], prefix = 'reduce'): BlockInstance[] {
  const blocks: BlockInstance[] = [];
  const usedIds = new Set<string>();
  const uniqueId = (id: string) => {
    let candidate = id;
    for (let n = 2; usedIds.has(candidate); n++) candidate = `${id}-${n}`;
    usedIds.add(candidate);
    return candidate;
  };
  for (const r of [...items].filter((x) => x.kind === 'keep_only').sort((a, b) => (a.job! < b.job! ? -1 : 1))) {
    const config: MetricsKeepOnlyConfig = { keep: [...r.keep!], patterns: [], job: r.job! };
    blocks.push({ type: 'metrics.keep_only', id: uniqueId(`${prefix}-keep-${idPart(r.job!)}`), config });
  }
  const drops = items.filter((x) => x.kind === 'drop_metric').map((x) => x.metric);
  if (drops.length) {
    const config: MetricsDropConfig = { names: [...new Set(drops)].sort(), patterns: [] };
    blocks.push({ type: 'metrics.drop', id: uniqueId(`${prefix}-drop`), config });
  }
  const groups = new Map<string, MetricsDropLabelsConfig['rules'][number]>();
  for (const r of items.filter((x) => x.kind === 'drop_labels')) {
    const labels = [...r.labels!].sort();
    const key = JSON.stringify([labels, r.aggregation]);
    const rule = groups.get(key) ?? { metrics: [], labels, aggregation: r.aggregation ?? 'sum' };
    rule.metrics.push(r.metric);
    groups.set(key, rule);
  }
  if (groups.size) {
    const config: MetricsDropLabelsConfig = {
      rules: [...groups.values()].map((g) => ({ ...g, metrics: [...g.metrics].sort() })),
    };
    blocks.push({ type: 'metrics.drop_labels', id: uniqueId(`${prefix}-labels`), config });
  }
  return blocks;
}
