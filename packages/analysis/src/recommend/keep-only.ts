// keep_only: for a job (the resource's service.name: the Prometheus job, or the OTLP service) whose unread
// metrics outnumber its read ones, one allow-list of the names it keeps renders simpler than one drop per
// unread name. It drops the same data today — and also any metric the job starts to expose later, until a
// dashboard reads it (said in the evidence). It stands for the drop_metric items of metrics seen in that job
// only; a metric seen in several jobs keeps its own drop.
import type { BackendUsd, MetricVolume } from '@flowgate/config-model';
import { addVolume, ZERO_VOLUME } from '@flowgate/config-model';
import type { InventoryMetric } from '../inventory/types.ts';
import { recommendationId } from './ids.ts';
import type { Evidence, Recommendation } from './types.ts';

/** The jobs a metric was seen in, when known completely; null when it is not. */
export function jobsOf(m: InventoryMetric): string[] | null {
  const service = m.resource_labels.find((l) => l.name === 'service.name');
  if (!service) return [];
  return service.examples.length === service.distinct ? service.examples : null;
}

export function planKeepOnly(
  inventory: readonly InventoryMetric[],
  items: readonly Recommendation[],
  ctx: {
    minDrops: number;
    sources: Evidence['sources'];
    share: (series: number) => number;
    saving: (volume: MetricVolume) => BackendUsd;
    volumeOf: (name: string) => MetricVolume;
  },
): { items: Recommendation[]; replaced: Recommendation[] } {
  const drops = new Map(items.filter((r) => r.kind === 'drop_metric').map((r) => [r.metric, r]));
  const byJob = new Map<string, { metrics: InventoryMetric[]; replaceable: Recommendation[] }>();
  for (const m of inventory) {
    const jobs = jobsOf(m);
    for (const job of jobs ?? []) {
      let j = byJob.get(job);
      if (!j) byJob.set(job, (j = { metrics: [], replaceable: [] }));
      j.metrics.push(m);
      const drop = drops.get(m.name);
      if (drop && jobs!.length === 1) j.replaceable.push(drop);
    }
  }
  const out: Recommendation[] = [];
  const replaced: Recommendation[] = [];
  for (const [job, j] of [...byJob.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const dropped = new Set(j.replaceable.map((r) => r.metric));
    const keep = j.metrics
      .map((m) => m.name)
      .filter((n) => !dropped.has(n))
      .sort();
    if (j.replaceable.length < ctx.minDrops || keep.length >= j.replaceable.length) continue;
    const series = j.replaceable.reduce((s, r) => s + r.series_saved, 0);
    const volume = j.replaceable.reduce((v, r) => addVolume(v, ctx.volumeOf(r.metric)), ZERO_VOLUME);
    const drop = [...dropped].sort();
    const metric = `job="${job}"`;
    out.push({
      id: recommendationId({ kind: 'keep_only', metric, job, keep }),
      kind: 'keep_only',
      metric,
      metric_type: null,
      job,
      keep,
      drop,
      replaces: j.replaceable.map((r) => r.id).sort(),
      series_saved: series,
      bytes_per_min_saved: j.replaceable.reduce((s, r) => s + (r.bytes_per_min_saved ?? 0), 0),
      share: ctx.share(series),
      usd_per_month: ctx.saving(volume),
      evidence: {
        summary:
          `${job}: keep the ${keep.length} metric(s) something reads, drop the other ${drop.length} ` +
          '(one allow-list instead of a drop per name).',
        sources: ctx.sources,
        readers: [],
        unread_rules: j.replaceable.flatMap((r) => r.evidence.unread_rules),
        names_checked: j.replaceable.flatMap((r) => r.evidence.names_checked),
        numbers: { series, series_after: 0, series_after_from: 'exact', bytes_from: 'measured' },
        seen_in: j.metrics[0]?.seen_in ?? [],
        notes: [
          `Metrics ${job} starts to expose later are dropped too, until a dashboard or rule reads them and the ` +
            'recommendations are applied again.',
        ],
      },
    });
    replaced.push(...j.replaceable);
  }
  return { items: out, replaced };
}
