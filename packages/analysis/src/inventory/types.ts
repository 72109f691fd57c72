// The per-metric inventory: what the gateway's measurement processor reports for each metric name
// (docs/measurement.md, `metrics[]` of a summary point), plus where it was seen and the per-minute rates.
// Uploads (a Prometheus exposition, an OTLP JSON export) are counted into the same shape, so the
// recommendations cannot tell — and need not care — where an inventory came from.
import type { MetricType } from './otlp.ts';

export interface LabelStats {
  name: string;
  /** Distinct values; exact for uploads (`exact: true`), possibly an estimate from a gateway. */
  distinct: number;
  exact: boolean;
  /** A few values, sorted. */
  examples: string[];
}

/** Where a metric was seen: an upload or a gateway's summary. */
export interface SeenIn {
  kind: 'upload' | 'gateway';
  id: string;
  name: string;
}

/** One series' labels, kept when the inventory was counted from a complete upload. */
export interface SeriesLabels {
  /** Resource attributes of the series, as one key (series never merge across resources). */
  resource: string;
  attributes: Record<string, string>;
}

export interface InventoryMetric {
  /** The name as the gateway sees it: after the prometheus receiver, or as an OTLP SDK sent it. */
  name: string;
  type: MetricType;
  unit: string;
  /** Sums only. */
  monotonic: boolean | null;
  /** Sums and histograms. */
  temporality: 'cumulative' | 'delta' | null;
  /** Distinct resource + data point attribute sets in the window. */
  series: number;
  datapoints: number;
  /** Protobuf bytes of the metric's share of the requests (its Metric message plus resource/scope overhead). */
  bytes: number;
  datapoints_per_min: number;
  bytes_per_min: number;
  /**
   * Series a Prometheus-compatible backend stores for it (a classic histogram point is one series per bucket,
   * plus _sum and _count; a summary one per quantile plus _sum and _count). Null when not known (a gateway
   * summary does not carry bucket counts).
   */
  prometheus_series: number | null;
  /** Data point attributes, most distinct values first. */
  labels: LabelStats[];
  resource_labels: LabelStats[];
  /** How it reached the gateway: scraped by the prometheus receiver, or pushed over OTLP. */
  origin: 'prometheus' | 'otlp';
  /** Every series' labels when counted from a complete upload: exact arithmetic for dropping labels. */
  series_labels?: SeriesLabels[];
  seen_in: SeenIn[];
}

export interface Inventory {
  metrics: InventoryMetric[];
  /** Length of the window the counts cover (one scrape interval for an exposition). */
  window_seconds: number;
  /** Totals over all metrics. */
  totals: { metrics: number; series: number; datapoints: number; bytes: number };
}

/** A problem in an upload, with where it is. */
export interface UploadProblem {
  /** 1-based line (expositions) or a JSON path (OTLP JSON). */
  line?: number;
  path?: string;
  message: string;
}

/** Thrown for an upload that is not what it claims to be (stable code for the API's error). */
export class InventoryUploadError extends Error {
  readonly code = 'INVENTORY_UPLOAD_INVALID';
  constructor(
    message: string,
    readonly problems: UploadProblem[],
  ) {
    super(message);
    this.name = 'InventoryUploadError';
  }
}
