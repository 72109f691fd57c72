// drop_labels: a used metric whose data point attributes include labels no reader depends on. Removing them
// makes some series identical; those are merged, per type:
//   * sums (counters and up-down counters) and histograms: summed (per bucket for histograms) — what
//     `sum by (…)` over the original series gives;
//   * gauges: by max unless the readers themselves aggregate it by sum or min (then that). Why max and not
//     "last": the v0.158.0 transform processor's aggregate_on_attributes has sum, max, min, mean, median
//     and count but no last, and max keeps the peaks alerts look for (Adaptive Metrics likewise keeps the
//     aggregation the queries use). The user may pick another; it is only recommended when it is safe;
//   * summaries: never (quantiles cannot be merged).
// Safe means: no reader needs the label, and every reader reads the metric under an aggregation the merge
// commutes with (aggregation.ts) — otherwise the item is skipped with the reason.
import type { InventoryMetric, LabelStats } from '../inventory/types.ts';
import { mergeInvisibleTo } from './aggregation.ts';
import { prometheusLabelName } from './naming.ts';
import { needs, type MetricReaders } from './readers.ts';
import type { Aggregation } from './types.ts';

export interface DropLabelsPlan {
  labels: string[];
  aggregation: Aggregation;
  seriesAfter: number;
  seriesAfterFrom: 'exact' | 'estimate';
  bytesPerMinSaved: number;
}

export type DropLabelsResult = { plan: DropLabelsPlan } | { skipped: string } | null;

/** Series once `dropped` labels are removed: exact from the upload's series, else estimated. */
export function seriesAfterDropping(
  m: InventoryMetric,
  dropped: ReadonlySet<string>,
): { series: number; from: 'exact' | 'estimate' } {
  if (m.series_labels && m.series_labels.length === m.series) {
    const keys = new Set<string>();
    for (const s of m.series_labels) {
      const kept = Object.entries(s.attributes)
        .filter(([k]) => !dropped.has(k))
        .sort((a, b) => (a[0] < b[0] ? -1 : 1));
      keys.add(`${s.resource}\u0000${JSON.stringify(kept)}`);
    }
    return { series: keys.size, from: 'exact' };
  }
  // Without the joint distribution: divide by the dropped labels' distinct counts, bounded by what the kept
  // labels and the number of resources allow.
  const distinct = (l: LabelStats) => Math.max(1, l.distinct);
  const droppedProduct = m.labels.filter((l) => dropped.has(l.name)).reduce((p, l) => p * distinct(l), 1);
  const kept = m.labels.filter((l) => !dropped.has(l.name));
  const resources = m.resource_labels.reduce((mx, l) => Math.max(mx, distinct(l)), 1);
  const lower = Math.max(resources, ...kept.map(distinct));
  const upper = Math.min(m.series, kept.reduce((p, l) => p * distinct(l), 1) * resources);
  return {
    series: Math.round(Math.min(upper, Math.max(lower, m.series / droppedProduct))),
    from: 'estimate',
  };
}

/** Bytes a data point attribute costs on the wire (KeyValue framing, key, AnyValue string), on average. */
function attributeBytes(l: LabelStats): number {
  const avgValue = l.examples.length ? l.examples.reduce((s, v) => s + v.length, 0) / l.examples.length : 8;
  return 2 + 2 + l.name.length + 2 + 2 + avgValue;
}

function defaultAggregation(m: InventoryMetric, gauge: Aggregation): Aggregation | null {
  if (m.type === 'summary') return null;
  if (m.type === 'gauge') return gauge;
  return 'sum';
}

export function planDropLabels(
  m: InventoryMetric,
  r: MetricReaders,
  options: { gaugeAggregation?: Aggregation; minSeriesSaved: number },
): DropLabelsResult {
  if (r.used !== true || !r.need || (r.need.all && r.need.except.size === 0)) return null;
  const need = r.need;
  const candidates = m.labels.filter((l) => l.distinct > 1 && !needs(need, prometheusLabelName(l.name)));
  if (!candidates.length) return null;
  const labels = candidates.map((l) => l.name).sort();
  if (m.type === 'summary') return { skipped: 'a summary cannot be merged: its quantiles do not add up' };
  const base = defaultAggregation(m, options.gaugeAggregation ?? 'max')!;
  const tries: Aggregation[] =
    m.type === 'gauge' ? [base, ...(['max', 'sum', 'min'] as const).filter((a) => a !== base)] : [base];
  const names = new Set(r.names);
  let reason = '';
  let aggregation: Aggregation | null = null;
  for (const a of tries) {
    // An explicit user choice for gauges is kept or nothing is recommended.
    if (m.type === 'gauge' && options.gaugeAggregation && a !== options.gaugeAggregation) break;
    const bad = r.readers.map((by) => ({ by, v: mergeInvisibleTo(by.query, names, a) })).find((x) => !x.v.ok);
    if (!bad) {
      aggregation = a;
      break;
    }
    if (!reason && !bad.v.ok)
      reason = `${bad.by.title}${bad.by.panel ? ` / ${bad.by.panel}` : ''}${bad.by.rule ? ` / ${bad.by.rule}` : ''}: ${bad.v.reason}`;
  }
  if (!aggregation) return { skipped: reason || 'no reader query could be checked' };
  const after = seriesAfterDropping(m, new Set(labels));
  if (m.series - after.series < options.minSeriesSaved)
    return { skipped: `dropping ${labels.join(', ')} would merge no series` };
  const ratio = m.series ? after.series / m.series : 1;
  const pointsPerMinAfter = m.datapoints_per_min * ratio;
  const attrs = candidates.reduce((s, l) => s + attributeBytes(l), 0);
  const bytesAfter = Math.max(0, m.bytes_per_min * ratio - pointsPerMinAfter * attrs);
  return {
    plan: {
      labels,
      aggregation,
      seriesAfter: after.series,
      seriesAfterFrom: after.from,
      bytesPerMinSaved: Math.round(m.bytes_per_min - bytesAfter),
    },
  };
}
