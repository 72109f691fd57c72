// An org's inventory is the merge of its sources (gateway summaries, uploads): one entry per metric name
// saying where it was seen. Data points and bytes add up. Series add up too — unless every source kept its
// series' labels (uploads), then the same series seen twice counts once and label counts are exact; a
// gateway summary only gives per-label distinct counts, so the merge keeps the largest (a lower bound).
import type { InventoryMetric, LabelStats, SeriesLabels } from './types.ts';

const MAX_EXAMPLES = 5;

function statsFrom(valuesByKey: Map<string, Set<string>>): LabelStats[] {
  return [...valuesByKey.entries()]
    .map(([name, values]) => ({
      name,
      distinct: values.size,
      exact: true,
      examples: [...values].sort().slice(0, MAX_EXAMPLES),
    }))
    .sort((a, b) => b.distinct - a.distinct || (a.name < b.name ? -1 : 1));
}

function mergeStats(lists: LabelStats[][]): LabelStats[] {
  const by = new Map<string, LabelStats>();
  for (const list of lists)
    for (const l of list) {
      const prev = by.get(l.name);
      if (!prev) {
        by.set(l.name, { ...l, examples: [...l.examples] });
        continue;
      }
      const examples = [...new Set([...prev.examples, ...l.examples])].sort();
      by.set(l.name, {
        name: l.name,
        distinct: Math.max(prev.distinct, l.distinct, Math.min(examples.length, prev.distinct + l.distinct)),
        exact: false,
        examples: examples.slice(0, MAX_EXAMPLES),
      });
    }
  return [...by.values()].sort((a, b) => b.distinct - a.distinct || (a.name < b.name ? -1 : 1));
}

function mergeExact(
  parts: InventoryMetric[],
): Pick<InventoryMetric, 'series' | 'labels' | 'resource_labels' | 'series_labels'> {
  const series = new Map<string, SeriesLabels>();
  for (const p of parts)
    for (const s of p.series_labels!) {
      const key = `${s.resource}\u0000${JSON.stringify(Object.entries(s.attributes).sort())}`;
      if (!series.has(key)) series.set(key, s);
    }
  const labels = new Map<string, Set<string>>();
  const resource = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, k: string, v: string) => {
    let set = map.get(k);
    if (!set) map.set(k, (set = new Set()));
    set.add(v);
  };
  for (const s of series.values()) {
    for (const [k, v] of Object.entries(s.attributes)) add(labels, k, v);
    for (const [k, v] of JSON.parse(s.resource) as [string, string][]) add(resource, k, v);
  }
  return {
    series: series.size,
    labels: statsFrom(labels),
    resource_labels: statsFrom(resource),
    series_labels: [...series.values()],
  };
}

export function mergeInventories(lists: readonly (readonly InventoryMetric[])[]): InventoryMetric[] {
  const byName = new Map<string, InventoryMetric[]>();
  for (const list of lists) for (const m of list) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  const out: InventoryMetric[] = [];
  for (const [name, parts] of byName) {
    const first = parts[0]!;
    if (parts.length === 1) {
      out.push(first);
      continue;
    }
    const exact = parts.every((p) => p.series_labels && p.series_labels.length === p.series);
    const sum = (f: (m: InventoryMetric) => number) => parts.reduce((s, p) => s + f(p), 0);
    const promKnown = parts.every((p) => p.prometheus_series !== null);
    const merged: InventoryMetric = {
      ...first,
      name,
      datapoints: sum((p) => p.datapoints),
      bytes: sum((p) => p.bytes),
      datapoints_per_min: sum((p) => p.datapoints_per_min),
      bytes_per_min: sum((p) => p.bytes_per_min),
      prometheus_series: promKnown ? sum((p) => p.prometheus_series!) : null,
      seen_in: parts.flatMap((p) => p.seen_in),
      ...(exact
        ? mergeExact(parts)
        : {
            series: sum((p) => p.series),
            labels: mergeStats(parts.map((p) => p.labels)),
            resource_labels: mergeStats(parts.map((p) => p.resource_labels)),
            series_labels: undefined,
          }),
    };
    if (!exact) delete merged.series_labels;
    // The same series seen by two sources counts once: its Prometheus series too.
    const partsSeries = sum((p) => p.series);
    if (exact && merged.prometheus_series !== null && partsSeries)
      merged.prometheus_series = Math.round((merged.prometheus_series * merged.series) / partsSeries);
    out.push(merged);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
