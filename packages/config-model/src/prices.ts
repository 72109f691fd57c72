// The price model: what Datadog, Grafana Cloud and Google Cloud charge for the metrics and logs a gateway
// forwards, so every saving Flowgate shows is in dollars per month. Defaults are public list prices and name
// their source and the date they were read; an org overrides any of them in its settings (a partial model,
// deep-merged over the defaults). Savings are priced at the margin: allotments included with hosts or plans
// are not deducted, because dropping a series saves its marginal price. Pure functions, no I/O.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Usd = (description: string) => Type.Number({ minimum: 0, description });

export const PriceSource = Type.Object(
  {
    url: Type.String({ description: 'Where the price was read' }),
    as_of: Type.String({ description: 'When it was read (YYYY-MM-DD)' }),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const PriceTier = Type.Object(
  {
    up_to_million_samples: Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()], {
      description: 'Upper bound of the tier in million samples per month; null for the last, open-ended tier',
    }),
    usd_per_million: Usd('USD per million samples within the tier'),
  },
  { additionalProperties: false },
);

export const PriceModel = Type.Object(
  {
    currency: Type.Literal('USD'),
    datadog: Type.Object(
      {
        custom_metric_per_month: Usd('USD per custom metric (one metric name + tag combination) per month'),
        custom_metrics_per_series: Type.Object(
          {
            gauge: Type.Number({ minimum: 0 }),
            sum: Type.Number({ minimum: 0 }),
            histogram: Type.Number({ minimum: 0 }),
            exponential_histogram: Type.Number({ minimum: 0 }),
            summary: Type.Number({ minimum: 0 }),
          },
          {
            additionalProperties: false,
            description:
              'Custom metrics one OTLP series counts as: a histogram becomes a distribution (count, sum, min, ' +
              'max, avg), a summary count, sum and its quantiles',
          },
        ),
        log_ingested_per_gb: Usd('USD per GB of logs ingested'),
        log_indexed_per_million: Usd('USD per million log events indexed (15-day retention)'),
        source: PriceSource,
      },
      { additionalProperties: false },
    ),
    grafana_cloud: Type.Object(
      {
        metrics_per_1k_series: Usd('USD per 1,000 billable series per month'),
        included_dpm_per_series: Type.Number({
          exclusiveMinimum: 0,
          description: 'Data points per minute included per series; billable series = max(series, DPM / this)',
        }),
        logs_per_gb: Usd('USD per GB of logs (ingest and 30-day retention)'),
        source: PriceSource,
      },
      { additionalProperties: false },
    ),
    google_cloud: Type.Object(
      {
        samples_tiers: Type.Array(PriceTier, {
          minItems: 1,
          description: 'Managed Service for Prometheus: tiered price per million samples ingested per month',
        }),
        logs_per_gib: Usd('USD per GiB of logs ingested (includes 30 days of storage)'),
        logs_free_gib_per_month: Type.Number({ minimum: 0, description: 'Free GiB per project and month' }),
        source: PriceSource,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type PriceModel = Static<typeof PriceModel>;

export const DEFAULT_PRICE_MODEL: PriceModel = {
  currency: 'USD',
  datadog: {
    custom_metric_per_month: 0.05,
    custom_metrics_per_series: { gauge: 1, sum: 1, histogram: 5, exponential_histogram: 5, summary: 5 },
    log_ingested_per_gb: 0.1,
    log_indexed_per_million: 1.7,
    source: {
      url: 'https://www.datadoghq.com/pricing/',
      as_of: '2026-12-07',
      note:
        'List prices, annual billing: custom metrics $5 per 100 per month beyond the per-host allotment; logs ' +
        '$0.10/GB ingested, $1.70 per million events indexed (15 days). Counting rules: ' +
        'docs.datadoghq.com/account_management/billing/custom_metrics/',
    },
  },
  grafana_cloud: {
    metrics_per_1k_series: 6.5,
    included_dpm_per_series: 1,
    logs_per_gb: 0.5,
    source: {
      url: 'https://grafana.com/pricing/',
      as_of: '2026-12-07',
      note:
        'Pro plan list prices beyond the free tier: metrics $6.50 per 1k billable series (billable = max(active ' +
        'series, DPM / 1), 95th percentile); logs $0.40/GB written + $0.10/GB for 30-day retention. ' +
        'grafana.com/docs/grafana-cloud/cost-management-and-billing/understand-your-invoice/',
    },
  },
  google_cloud: {
    samples_tiers: [
      { up_to_million_samples: 50_000, usd_per_million: 0.06 },
      { up_to_million_samples: 250_000, usd_per_million: 0.048 },
      { up_to_million_samples: 500_000, usd_per_million: 0.036 },
      { up_to_million_samples: null, usd_per_million: 0.024 },
    ],
    logs_per_gib: 0.5,
    logs_free_gib_per_month: 50,
    source: {
      url: 'https://cloud.google.com/stackdriver/pricing',
      as_of: '2026-12-07',
      note:
        'Managed Service for Prometheus samples: $0.06/million for the first 50 billion per month, then $0.048, ' +
        '$0.036 and $0.024; Cloud Logging $0.50/GiB with 50 GiB free per project and month.',
    },
  },
};

/** One problem of a price model, with its path (`google_cloud.samples_tiers[1].usd_per_million`). */
export interface PriceProblem {
  path: string;
  code: 'NEGATIVE_PRICE' | 'INVALID_VALUE' | 'REQUIRED' | 'UNKNOWN_FIELD' | 'TIERS_NOT_ASCENDING' | 'TIERS_UNBOUNDED';
  message: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Deep merge of an org's partial model over the defaults (arrays replace, objects merge). */
export function resolvePriceModel(override: unknown, base: PriceModel = DEFAULT_PRICE_MODEL): unknown {
  const merge = (a: unknown, b: unknown): unknown => {
    if (!isObject(a) || !isObject(b)) return b === undefined ? a : b;
    const out: Json = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  };
  return merge(structuredClone(base), override ?? {});
}

const jsonPath = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');

/** Every problem of a (resolved) price model, each with its path and a stable code; [] when it is valid. */
export function validatePriceModel(model: unknown): PriceProblem[] {
  const problems: PriceProblem[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(PriceModel, model)) {
    const path = jsonPath(e.path) || '$';
    if (seen.has(path)) continue;
    seen.add(path);
    if (typeof e.value === 'number' && e.value < 0)
      problems.push({ path, code: 'NEGATIVE_PRICE', message: `${path} must not be negative (got ${e.value})` });
    else if (e.value === undefined) problems.push({ path, code: 'REQUIRED', message: `${path} is required` });
    else if (/unexpected property|additional/i.test(e.message))
      problems.push({ path, code: 'UNKNOWN_FIELD', message: `${path}: ${e.message}` });
    else problems.push({ path, code: 'INVALID_VALUE', message: `${path}: ${e.message}` });
  }
  if (isObject(model) && isObject(model.google_cloud) && Array.isArray(model.google_cloud.samples_tiers)) {
    const tiers = model.google_cloud.samples_tiers as { up_to_million_samples?: unknown }[];
    let previous = 0;
    tiers.forEach((t, i) => {
      const bound = t?.up_to_million_samples;
      const path = `google_cloud.samples_tiers[${i}].up_to_million_samples`;
      if (bound === null && i !== tiers.length - 1)
        problems.push({ path, code: 'TIERS_NOT_ASCENDING', message: 'only the last tier may be open-ended (null)' });
      if (typeof bound === 'number') {
        if (bound <= previous)
          problems.push({ path, code: 'TIERS_NOT_ASCENDING', message: `tiers must ascend (${bound} ≤ ${previous})` });
        previous = bound;
      }
    });
    if (tiers.length && tiers[tiers.length - 1]?.up_to_million_samples !== null)
      problems.push({
        path: `google_cloud.samples_tiers[${tiers.length - 1}].up_to_million_samples`,
        code: 'TIERS_UNBOUNDED',
        message: 'the last tier must be open-ended (null) so every volume has a price',
      });
  }
  return problems;
}

/** Minutes in the month the prices are per (730 hours, the convention of cloud price lists). */
export const MINUTES_PER_MONTH = 730 * 60;

export interface BackendUsd {
  datadog: number;
  grafana_cloud: number;
  google_cloud: number;
}

/** What a set of metrics costs the backends, in the units they bill. */
export interface MetricVolume {
  /** Datadog custom metrics (OTLP series × custom metrics per series of their type). */
  datadog_custom_metrics: number;
  /** Series a Prometheus-compatible backend stores. */
  prometheus_series: number;
  /** Prometheus samples per minute (prometheus_series × scrapes per minute). */
  samples_per_min: number;
}

export const ZERO_VOLUME: MetricVolume = { datadog_custom_metrics: 0, prometheus_series: 0, samples_per_min: 0 };

export const addVolume = (a: MetricVolume, b: MetricVolume): MetricVolume => ({
  datadog_custom_metrics: a.datadog_custom_metrics + b.datadog_custom_metrics,
  prometheus_series: a.prometheus_series + b.prometheus_series,
  samples_per_min: a.samples_per_min + b.samples_per_min,
});

export const subtractVolume = (a: MetricVolume, b: MetricVolume): MetricVolume => ({
  datadog_custom_metrics: Math.max(0, a.datadog_custom_metrics - b.datadog_custom_metrics),
  prometheus_series: Math.max(0, a.prometheus_series - b.prometheus_series),
  samples_per_min: Math.max(0, a.samples_per_min - b.samples_per_min),
});

/** Cost of `millions` (per month) over ascending tiers. */
export function tieredCost(tiers: PriceModel['google_cloud']['samples_tiers'], millions: number): number {
  let cost = 0;
  let lower = 0;
  for (const t of tiers) {
    const upper = t.up_to_million_samples ?? Infinity;
    if (millions <= lower) break;
    cost += (Math.min(millions, upper) - lower) * t.usd_per_million;
    lower = upper;
  }
  return cost;
}

/** USD per month the metrics of `volume` cost at each backend. */
export function metricsCostPerMonth(model: PriceModel, volume: MetricVolume): BackendUsd {
  const dpm = volume.samples_per_min;
  const billableSeries = Math.max(volume.prometheus_series, dpm / model.grafana_cloud.included_dpm_per_series);
  return {
    datadog: volume.datadog_custom_metrics * model.datadog.custom_metric_per_month,
    grafana_cloud: (billableSeries / 1000) * model.grafana_cloud.metrics_per_1k_series,
    google_cloud: tieredCost(model.google_cloud.samples_tiers, (dpm * MINUTES_PER_MONTH) / 1e6),
  };
}

/**
 * USD per month a part of the metrics saves when removed from `total`: the difference of the totals, so tiered
 * prices are charged at the org's volume.
 */
export function metricsSavingPerMonth(model: PriceModel, total: MetricVolume, removed: MetricVolume): BackendUsd {
  const before = metricsCostPerMonth(model, total);
  const after = metricsCostPerMonth(model, subtractVolume(total, removed));
  return {
    datadog: before.datadog - after.datadog,
    grafana_cloud: before.grafana_cloud - after.grafana_cloud,
    google_cloud: before.google_cloud - after.google_cloud,
  };
}

export interface LogVolume {
  bytes_per_min: number;
  records_per_min: number;
  /** Share of the records Datadog indexes (0–1). Default 1. */
  indexed_share?: number;
}

/** USD per month of logs at each backend (GB = 10^9 bytes for Datadog and Grafana, GiB = 2^30 for Google). */
export function logsCostPerMonth(model: PriceModel, volume: LogVolume): BackendUsd {
  const bytes = volume.bytes_per_min * MINUTES_PER_MONTH;
  const records = volume.records_per_min * MINUTES_PER_MONTH;
  const gib = bytes / 2 ** 30;
  return {
    datadog:
      (bytes / 1e9) * model.datadog.log_ingested_per_gb +
      ((records * (volume.indexed_share ?? 1)) / 1e6) * model.datadog.log_indexed_per_million,
    grafana_cloud: (bytes / 1e9) * model.grafana_cloud.logs_per_gb,
    google_cloud: Math.max(0, gib - model.google_cloud.logs_free_gib_per_month) * model.google_cloud.logs_per_gib,
  };
}
