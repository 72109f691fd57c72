// Which usage entries read an inventory metric: entries whose name is one of the metric's Prometheus names,
// and name patterns matching one of them. Their union says whether the metric is read and which labels the
// readers depend on.
import type { InventoryMetric } from '../inventory/types.ts';
import { namePatternTest, prometheusNames, usagePattern } from './naming.ts';
import type { MetricUsage, UsedBy } from './types.ts';

/** Labels the readers depend on: only these, or all but these. */
export type LabelNeed = { all: true; except: Set<string> } | { all: false; only: Set<string> };

export function unionNeed(a: LabelNeed | null, b: LabelNeed): LabelNeed {
  if (!a) return b;
  if (a.all && b.all) return { all: true, except: new Set([...a.except].filter((l) => b.except.has(l))) };
  if (a.all && !b.all) return { all: true, except: new Set([...a.except].filter((l) => !b.only.has(l))) };
  if (!a.all && b.all) return unionNeed(b, a);
  return { all: false, only: new Set([...(a as { only: Set<string> }).only, ...(b as { only: Set<string> }).only]) };
}

export const needs = (need: LabelNeed, label: string) => (need.all ? !need.except.has(label) : need.only.has(label));

const needOf = (u: MetricUsage): LabelNeed =>
  u.used === 'unknown'
    ? { all: true, except: new Set() }
    : u.labels_used === 'all'
      ? { all: true, except: new Set(u.all_except ?? []) }
      : { all: false, only: new Set(u.labels_used) };

export interface MetricReaders {
  /** The Prometheus names the metric may be queried by. */
  names: string[];
  used: true | false | 'unknown';
  /** Null when nothing reads it. */
  need: LabelNeed | null;
  /** Queries that read it (recording rules whose output nothing reads are left out). */
  readers: UsedBy[];
  /** Recording rules that read it without anything reading their output. */
  unreadRules: UsedBy[];
}

export class UsageIndex {
  private readonly exact = new Map<string, MetricUsage[]>();
  private readonly patterns: { usage: MetricUsage; test: (name: string) => boolean }[] = [];

  constructor(usage: readonly MetricUsage[]) {
    for (const u of usage) {
      const p = usagePattern(u);
      if (p) this.patterns.push({ usage: u, test: namePatternTest(p.pattern, p.negated) });
      else this.exact.set(u.name, [...(this.exact.get(u.name) ?? []), u]);
    }
  }

  readersOf(m: InventoryMetric): MetricReaders {
    const names = prometheusNames(m);
    const entries = new Set<MetricUsage>();
    for (const n of names) for (const u of this.exact.get(n) ?? []) entries.add(u);
    for (const p of this.patterns) if (names.some(p.test)) entries.add(p.usage);
    let need: LabelNeed | null = null;
    let used: MetricReaders['used'] = false;
    const readers: UsedBy[] = [];
    const unreadRules: UsedBy[] = [];
    const seen = new Set<string>();
    for (const u of entries) {
      if (u.used !== false) {
        need = unionNeed(need, needOf(u));
        if (u.used === true) used = true;
        else if (used === false) used = 'unknown';
      }
      for (const by of u.used_by) {
        const key = `${by.source_id}\u0000${by.title}\u0000${by.panel ?? ''}\u0000${by.rule ?? ''}\u0000${by.query}`;
        if (seen.has(key)) continue;
        seen.add(key);
        (by.unread_output ? unreadRules : readers).push(by);
      }
    }
    return { names, used, need, readers, unreadRules };
  }
}
