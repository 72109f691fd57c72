// Every source of an org merged into per-metric usage: which metrics are read, which of their labels
// the readers depend on, and by what (the evidence).
//
// Readers are panel, variable and annotation queries and alerting rules. A recording rule reads its
// inputs on behalf of whoever reads the series it records: when that series is read, the rule's
// expression is analysed again with the labels its readers need, which makes the inputs used with
// exactly those labels — transitively, through chains of recording rules. A recording rule whose series
// nothing reads is listed as evidence but does not make its inputs used. A query that does not parse
// makes the names it probably reads "unknown" (treated as used, with all labels).
import { analyzePromql } from '../promql/analyze.ts';
import { ALL, fromJson, toJson, union, type LabelNeed } from '../promql/label-need.ts';
import { metricPatternTest } from './names.ts';
import type { AnalyzedQuery, SelectorReadJson, SourceAnalysis } from './types.ts';

export interface UsageSourceInput {
  id: string;
  name: string;
  analysis: SourceAnalysis;
}

export interface UsedBy {
  source_id: string;
  source: string;
  kind: AnalyzedQuery['kind'];
  /** Dashboard title, or the rule group for rules. */
  title: string;
  panel?: string;
  rule?: string;
  query: string;
  url?: string;
  /** The recorded series whose readers make this recording rule's inputs used. */
  via?: string;
  /** Why the query does not parse (its metrics are "unknown"). */
  unparseable?: string;
  /** A recording rule whose series nothing reads: evidence only, does not make the metric used. */
  unread_output?: boolean;
}

export interface MetricUsage {
  /** Metric name, or `{__name__=~"…"}` for a pattern. */
  name: string;
  /** Anchored regular expression when the entry is a pattern. */
  pattern: string | null;
  negated: boolean;
  used: true | false | 'unknown';
  labels_used: string[] | 'all';
  /** With labels_used "all": labels no reader depends on (`without (cpu)`). */
  all_except: string[];
  used_by: UsedBy[];
}

type Mode = 'parsed' | 'unknown' | 'unread';

interface Acc {
  name: string;
  pattern: string | null;
  negated: boolean;
  parsed: boolean;
  unknown: boolean;
  labels: LabelNeed | null;
  usedBy: Map<string, UsedBy>;
}

export const patternName = (pattern: string, negated: boolean) =>
  `{__name__${negated ? '!~' : '=~'}${JSON.stringify(pattern)}}`;

function usedByOf(source: UsageSourceInput, q: AnalyzedQuery, extra: Partial<UsedBy> = {}): UsedBy {
  const l = q.location;
  const panel = l.panel_title ?? (l.variable !== undefined ? `variable $${l.variable}` : undefined);
  return {
    source_id: source.id,
    source: source.name,
    kind: q.kind,
    title: l.dashboard_title ?? l.rule_group ?? source.name,
    ...(panel !== undefined ? { panel } : {}),
    ...(l.rule ? { rule: l.rule } : {}),
    query: q.expr,
    ...(l.url ? { url: l.url } : {}),
    ...(!q.ok ? { unparseable: q.error ?? 'does not parse' } : {}),
    ...extra,
  };
}

const sameNeed = (a: LabelNeed, b: LabelNeed) => JSON.stringify(toJson(a)) === JSON.stringify(toJson(b));

export function mergeUsage(sources: readonly UsageSourceInput[]): MetricUsage[] {
  const acc = new Map<string, Acc>();
  const recording = new Map<string, { source: UsageSourceInput; q: AnalyzedQuery }[]>();
  for (const source of sources)
    for (const q of source.analysis.queries)
      if (q.kind === 'recording' && q.records) {
        const list = recording.get(q.records) ?? [];
        list.push({ source, q });
        recording.set(q.records, list);
      }
  const recordedNames = [...recording.keys()];
  const recordedNeed = new Map<string, { need: LabelNeed; unknown: boolean }>();
  const work: string[] = [];

  const readRecorded = (name: string, need: LabelNeed, mode: Mode) => {
    if (mode === 'unread' || !recording.has(name)) return;
    const prev = recordedNeed.get(name);
    const next = {
      need: prev ? union(prev.need, need) : need,
      unknown: (prev?.unknown ?? false) || mode === 'unknown',
    };
    if (prev && sameNeed(prev.need, next.need) && prev.unknown === next.unknown) return;
    recordedNeed.set(name, next);
    work.push(name);
  };

  const contribute = (read: SelectorReadJson | string, need: LabelNeed, entry: UsedBy, mode: Mode) => {
    const metric = typeof read === 'string' ? read : read.metric;
    const pattern = typeof read === 'string' ? null : read.pattern;
    const negated = typeof read === 'string' ? false : read.negated;
    const key = metric ?? patternName(pattern ?? '.*', negated);
    let a = acc.get(key);
    if (!a) {
      a = {
        name: key,
        pattern: metric === null ? pattern : null,
        negated,
        parsed: false,
        unknown: false,
        labels: null,
        usedBy: new Map(),
      };
      acc.set(key, a);
    }
    const entryKey = `${entry.source_id}\u0000${entry.title}\u0000${entry.panel ?? ''}\u0000${entry.rule ?? ''}\u0000${entry.query}`;
    const prev = a.usedBy.get(entryKey);
    if (!prev || (prev.unread_output && !entry.unread_output)) a.usedBy.set(entryKey, entry);
    if (mode === 'unread') return;
    if (mode === 'parsed') a.parsed = true;
    else a.unknown = true;
    const effective = mode === 'unknown' ? ALL : need;
    a.labels = a.labels ? union(a.labels, effective) : effective;
    if (metric !== null) readRecorded(metric, effective, mode);
    else {
      const test = metricPatternTest(pattern ?? '.*', negated);
      for (const name of recordedNames) if (test(name)) readRecorded(name, effective, mode);
    }
  };

  const readQuery = (
    source: UsageSourceInput,
    q: AnalyzedQuery,
    extra: Partial<UsedBy>,
    mode: Mode,
    reads?: SelectorReadJson[],
  ) => {
    const entry = usedByOf(source, q, extra);
    if (!q.ok) for (const g of q.guessed ?? []) contribute(g, ALL, entry, mode === 'unread' ? 'unread' : 'unknown');
    else for (const r of reads ?? q.reads) contribute(r, fromJson(r.labels), entry, mode);
  };

  for (const source of sources)
    for (const q of source.analysis.queries) if (q.kind !== 'recording') readQuery(source, q, {}, 'parsed');

  while (work.length) {
    const name = work.shift()!;
    const { need, unknown } = recordedNeed.get(name)!;
    for (const { source, q } of recording.get(name) ?? []) {
      const mode: Mode = unknown ? 'unknown' : 'parsed';
      if (!q.ok) {
        readQuery(source, q, { via: name }, mode);
        continue;
      }
      const result = analyzePromql(q.parsed_expr, need);
      readQuery(
        source,
        q,
        { via: name },
        mode,
        result.reads.map((r) => ({ ...r, labels: toJson(r.labels) })),
      );
    }
  }
  for (const [name, rules] of recording)
    if (!recordedNeed.has(name))
      for (const { source, q } of rules) readQuery(source, q, { unread_output: true }, 'unread');

  // Patterns read every exact name they match.
  const patterns = [...acc.values()].filter((a) => a.pattern !== null);
  const exact = [...acc.values()].filter((a) => a.pattern === null);
  for (const p of patterns) {
    const test = metricPatternTest(p.pattern!, p.negated);
    for (const e of exact) {
      if (!test(e.name)) continue;
      for (const [k, v] of p.usedBy) if (!e.usedBy.has(k)) e.usedBy.set(k, v);
      e.parsed ||= p.parsed;
      e.unknown ||= p.unknown;
      if (p.labels) e.labels = e.labels ? union(e.labels, p.labels) : p.labels;
    }
  }
  return [...acc.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(toMetricUsage);
}

function toMetricUsage(a: Acc): MetricUsage {
  const used = a.parsed ? true : a.unknown ? ('unknown' as const) : false;
  const labels = a.unknown ? ALL : a.labels;
  const json = labels ? toJson(labels) : { all: false as const, only: [] };
  return {
    name: a.name,
    pattern: a.pattern,
    negated: a.negated,
    used,
    labels_used: json.all ? 'all' : json.only.filter((l) => l !== '__name__'),
    all_except: json.all ? json.except : [],
    used_by: [...a.usedBy.values()],
  };
}
