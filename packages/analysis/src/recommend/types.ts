// Inputs and outputs of the recommender (issue 12, item 2). Usage is taken in the shape of the usage API
// (issue 11: GET /api/v1/usage/metrics items); the optional fields are what the usage engine adds beyond it.
import type { BackendUsd, PriceModel } from '@flowgate/config-model/prices.ts';
import type { InventoryMetric, SeenIn } from '../inventory/types.ts';
import type { MetricType } from '../inventory/otlp.ts';

/** A dashboard panel, variable or rule that reads a metric. */
export interface UsedBy {
  source_id: string;
  source: string;
  title: string;
  panel?: string;
  rule?: string;
  /** The query as written in the source (Grafana variables not replaced). */
  query: string;
  kind?: string;
  url?: string;
  /** The recorded series through which a recording rule reads the metric. */
  via?: string;
  /** Why the query does not parse (its metrics are "unknown"). */
  unparseable?: string;
  /** A recording rule whose output nothing reads: evidence only, it does not make the metric used. */
  unread_output?: boolean;
}

/** One item of the usage API: a metric name (or a name pattern) and what reads it. */
export interface MetricUsage {
  /** A Prometheus metric name as queried, or `{__name__=~"…"}` for a pattern. */
  name: string;
  used: true | false | 'unknown';
  labels_used: string[] | 'all';
  used_by: UsedBy[];
  /** Anchored regular expression (RE2 syntax) when the entry is a name pattern. */
  pattern?: string | null;
  negated?: boolean;
  /** With labels_used "all": labels no reader depends on (`without (cpu)`). */
  all_except?: string[];
}

/** A usage source (dashboard upload, rule file, Grafana or Prometheus connector) and when it was read. */
export interface UsageSource {
  id: string;
  name: string;
  kind: string;
  /** ISO time of the last successful read; null when it never was. */
  read_at: string | null;
  /** The last read's error, if it failed: its usage is not known, so nothing is recommended. */
  error?: string | null;
}

export type RecommendationKind = 'drop_metric' | 'drop_labels' | 'keep_only';
export type Aggregation = 'sum' | 'max' | 'min';

export interface Reader {
  source_id: string;
  source: string;
  title: string;
  panel?: string;
  rule?: string;
  query: string;
  url?: string;
}

export interface Evidence {
  /** One sentence a user reads first. */
  summary: string;
  /** The usage sources consulted, and when each was read. */
  sources: { id: string; name: string; kind: string; read_at: string | null }[];
  /** What reads the metric (drop_labels, keep_only: the kept metrics' readers are not listed). */
  readers: Reader[];
  /** Recording rules that read the metric but whose output nothing reads. */
  unread_rules: Reader[];
  /** The Prometheus names the usage was matched against (the metric as a backend stores it). */
  names_checked: string[];
  /** Where the numbers come from. */
  numbers: {
    series: number;
    series_after: number;
    /** `exact`: counted from the upload's series; `estimate`: from per-label distinct counts. */
    series_after_from: 'exact' | 'estimate';
    bytes_from: 'measured' | 'estimate';
  };
  seen_in: SeenIn[];
  /** Caveats a user should know before applying (counter resets, new metrics of a job). */
  notes: string[];
}

export interface Recommendation {
  /** Stable: a hash of what it does (kind, metric, labels, aggregation, kept names). */
  id: string;
  kind: RecommendationKind;
  /** The metric name as the gateway sees it; `job="…"` for keep_only. */
  metric: string;
  metric_type: MetricType | null;
  /** drop_labels: the data point attributes removed. */
  labels?: string[];
  /** drop_labels: how the series that become identical are merged. */
  aggregation?: Aggregation;
  /** keep_only: the job (resource service.name) and the names it keeps and drops. */
  job?: string;
  keep?: string[];
  drop?: string[];
  /** keep_only: the drop_metric ids it stands for. */
  replaces?: string[];
  series_saved: number;
  bytes_per_min_saved: number | null;
  /** series_saved ÷ the inventory's series. */
  share: number;
  /** What applying this item alone saves per month, at the org's volume. */
  usd_per_month: BackendUsd;
  evidence: Evidence;
}

/** A candidate that was not recommended, and why (shown so a user understands what stays). */
export interface Skipped {
  metric: string;
  labels?: string[];
  reason: string;
}

export interface RecommendationTotals {
  series_before: number;
  series_after: number;
  bytes_per_min_before: number | null;
  bytes_per_min_after: number | null;
  /** What applying every item saves per month. */
  usd_per_month: BackendUsd;
  cost_before: BackendUsd;
  cost_after: BackendUsd;
}

export interface RecommendationSet {
  items: Recommendation[];
  /** drop_metric items a keep_only stands for (not in items, not in the totals; their ids still resolve). */
  replaced: Recommendation[];
  totals: RecommendationTotals;
  skipped: Skipped[];
  /** Set when nothing could be recommended safely (no usage source, a source that failed). */
  withheld: { reason: string; sources: string[] } | null;
}

export interface RecommendOptions {
  prices?: PriceModel;
  /** How gauges are merged when labels are dropped; the readers' own aggregation wins when they agree. */
  gaugeAggregation?: Aggregation;
  /** Smallest series saving worth a drop_labels item. Default 1. */
  minSeriesSaved?: number;
  /** Offer keep_only for a job where it lists fewer names than the drops it replaces. Default true. */
  keepOnly?: boolean;
  /** Fewest drops a keep_only replaces. Default 10. */
  keepOnlyMinDrops?: number;
}

export interface RecommendInput {
  inventory: readonly InventoryMetric[];
  usage: readonly MetricUsage[];
  sources: readonly UsageSource[];
  options?: RecommendOptions;
}
