// The org's usage joined with what it sends (the inventory's metric names): every metric sent appears,
// used or not. A sent metric is read when a usage entry of the same family reads it (Prometheus and
// OTLP spellings compared by metricFamilyKey) or when a pattern matches one of its Prometheus series.
import { allExcept, only, union, toJson, type LabelNeed } from '../promql/label-need.ts';
import type { MetricUsage } from './merge.ts';
import { metricFamilyKey, metricPatternTest, prometheusSeriesNames } from './names.ts';

const needOf = (m: MetricUsage): LabelNeed => (m.labels_used === 'all' ? allExcept(m.all_except) : only(m.labels_used));

function combine(name: string, readers: MetricUsage[]): MetricUsage {
  const effective = readers.filter((r) => r.used !== false);
  const used = effective.some((r) => r.used === true) ? true : effective.length ? ('unknown' as const) : false;
  let labels: LabelNeed | null = null;
  for (const r of effective) labels = labels ? union(labels, needOf(r)) : needOf(r);
  const json = labels ? toJson(labels) : { all: false as const, only: [] };
  const seen = new Set<string>();
  const usedBy = readers
    .flatMap((r) => r.used_by)
    .filter((u) => {
      const k = `${u.source_id}\u0000${u.title}\u0000${u.panel ?? ''}\u0000${u.rule ?? ''}\u0000${u.query}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
  return {
    name,
    pattern: null,
    negated: false,
    used,
    labels_used: json.all ? 'all' : json.only,
    all_except: json.all ? json.except : [],
    used_by: usedBy,
  };
}

/**
 * Usage entries plus one entry per inventory name not already listed under that exact name. Returns
 * the list sorted by name.
 */
export function withInventory(usage: readonly MetricUsage[], inventoryNames: readonly string[]): MetricUsage[] {
  if (inventoryNames.length === 0) return [...usage];
  const byName = new Map(usage.map((m) => [m.name, m]));
  const byFamily = new Map<string, MetricUsage[]>();
  for (const m of usage) {
    if (m.pattern !== null) continue;
    const k = metricFamilyKey(m.name);
    byFamily.set(k, [...(byFamily.get(k) ?? []), m]);
  }
  const patterns = usage
    .filter((m) => m.pattern !== null)
    .map((m) => ({ m, test: metricPatternTest(m.pattern!, m.negated) }));
  const out = new Map(byName);
  for (const name of new Set(inventoryNames)) {
    const readers = [...(byFamily.get(metricFamilyKey(name)) ?? [])];
    const series = prometheusSeriesNames(name);
    for (const p of patterns) if (series.some(p.test)) readers.push(p.m);
    const existing = byName.get(name);
    out.set(
      name,
      existing && readers.length <= 1
        ? existing
        : combine(name, existing ? [existing, ...readers.filter((r) => r !== existing)] : readers),
    );
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
