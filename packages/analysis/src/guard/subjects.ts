// What the guard checks a configuration against: every used metric, as scenarios (series) the OTTL evaluator
// can run conditions on. From an upload the scenarios are the real series; from a gateway summary one
// scenario per combination of label values when those are known completely (few values), otherwise one
// scenario whose varying values are unknown. A metric read by dashboards that no inventory lists yet is
// checked by its name alone.
import type { InventoryMetric, LabelStats } from '../inventory/types.ts';
import { UNKNOWN, type AttrMap, type Scenario, type Unknown } from './ottl-eval.ts';

const MAX_SCENARIOS = 512;

export interface Subject {
  /** The metric's name as the gateway sees it. */
  name: string;
  metric: InventoryMetric | null;
  scenarios: Scenario[];
  /** The scenarios are the metric's real series (not combinations of per-label values). */
  exact: boolean;
  /** Data point and resource attribute keys, when known. */
  keys: { datapoint: Set<string>; resource: Set<string>; complete: boolean };
}

const attrMap = (entries: [string, string | Unknown][], complete = true): AttrMap => ({
  values: new Map(entries),
  complete,
});

function metricKeys(m: InventoryMetric): Scenario['metricKeys'] {
  const valueSets = new Map<string, Set<string> | Unknown>();
  for (const l of m.labels)
    valueSets.set(l.name, l.exact && l.examples.length === l.distinct ? new Set(l.examples) : UNKNOWN);
  // Every series known (an upload): every value is known.
  if (m.series_labels && m.series_labels.length === m.series) {
    for (const l of m.labels) valueSets.set(l.name, new Set());
    for (const s of m.series_labels)
      for (const [k, v] of Object.entries(s.attributes)) (valueSets.get(k) as Set<string> | undefined)?.add(v);
  }
  return { ...attrMap(m.labels.map((l) => [l.name, UNKNOWN])), valueSets };
}

const known = (l: LabelStats) => l.exact && l.examples.length === l.distinct;

/** Cartesian product of the labels' known values, up to MAX_SCENARIOS; unknown values beyond that. */
function combinations(labels: readonly LabelStats[]): [string, string | Unknown][][] | null {
  let out: [string, string | Unknown][][] = [[]];
  for (const l of labels) {
    const values: (string | Unknown)[] = known(l) ? l.examples : [UNKNOWN];
    if (out.length * values.length > MAX_SCENARIOS) return null;
    out = out.flatMap((combo) => values.map((v) => [...combo, [l.name, v] as [string, string | Unknown]]));
  }
  return out;
}

export function subjectOf(m: InventoryMetric): Subject {
  const base = {
    name: m.name,
    type: m.type,
    unit: m.unit,
    monotonic: m.monotonic,
    temporality: m.temporality,
    scopeName: null,
    metricKeys: metricKeys(m),
  };
  const keys = {
    datapoint: new Set(m.labels.map((l) => l.name)),
    resource: new Set(m.resource_labels.map((l) => l.name)),
    complete: true,
  };
  if (m.series_labels && m.series_labels.length === m.series && m.series <= MAX_SCENARIOS * 4)
    return {
      name: m.name,
      metric: m,
      exact: true,
      keys,
      scenarios: m.series_labels.map((s) => ({
        ...base,
        resource: attrMap(JSON.parse(s.resource) as [string, string][]),
        datapoint: attrMap(Object.entries(s.attributes)),
      })),
    };
  const points = combinations(m.labels);
  const resources = combinations(m.resource_labels);
  const fallback = (labels: readonly LabelStats[]) => [labels.map((l) => [l.name, UNKNOWN] as [string, Unknown])];
  const scenarios: Scenario[] = [];
  for (const r of resources ?? fallback(m.resource_labels))
    for (const p of points ?? fallback(m.labels)) {
      if (scenarios.length >= MAX_SCENARIOS) break;
      scenarios.push({ ...base, resource: attrMap(r), datapoint: attrMap(p) });
    }
  return { name: m.name, metric: m, exact: false, keys, scenarios };
}

/** A metric only known from usage: its name; nothing about its type or attributes. */
export function nameOnlySubject(name: string): Subject {
  const unknownMap = attrMap([], false);
  return {
    name,
    metric: null,
    exact: false,
    keys: { datapoint: new Set(), resource: new Set(), complete: false },
    scenarios: [
      {
        name,
        type: null,
        unit: null,
        monotonic: null,
        temporality: null,
        scopeName: null,
        resource: unknownMap,
        datapoint: unknownMap,
        metricKeys: { ...unknownMap, valueSets: new Map() },
      },
    ],
  };
}
