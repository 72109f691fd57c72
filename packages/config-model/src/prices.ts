// The price model: what a backend charges for what Flowgate removes, per org (settings key `prices`; null
// means these defaults). Logs now; the reduce issue adds metric prices beside them. Defaults are public
// list prices with their source and the date they were read; real contracts are usually lower, so the
// model is editable. Savings are priced at the marginal list price (above any free allotment).
import { Type, type Static } from '@sinclair/typebox';

const Price = (description: string) => Type.Number({ minimum: 0, maximum: 1_000_000, description });

export const LogPrices = Type.Object(
  {
    datadog: Type.Object(
      {
        ingest_per_gb: Price('USD per GB of logs ingested'),
        index_per_million_events: Price('USD per million log events indexed (15-day retention)'),
        indexed_share: Type.Number({
          minimum: 0,
          maximum: 1,
          description: 'Share of ingested events that are indexed',
        }),
      },
      { additionalProperties: false },
    ),
    google_cloud: Type.Object(
      { ingest_per_gib: Price('USD per GiB ingested into Cloud Logging (includes 30 days of storage)') },
      { additionalProperties: false },
    ),
    grafana_cloud: Type.Object(
      { ingest_per_gb: Price('USD per GB of logs written, with the included 30-day retention') },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type LogPrices = Static<typeof LogPrices>;

export const PriceModel = Type.Object(
  {
    currency: Type.Literal('USD'),
    logs: LogPrices,
  },
  { additionalProperties: false, description: 'Prices per backend; null in settings means the defaults' },
);
export type PriceModel = Static<typeof PriceModel>;

export const PriceSource = Type.Object({
  url: Type.String(),
  as_of: Type.String({ description: 'When the list price was read (YYYY-MM)' }),
  note: Type.String(),
});
export type PriceSource = Static<typeof PriceSource>;

export const DEFAULT_PRICES: PriceModel = {
  currency: 'USD',
  logs: {
    datadog: { ingest_per_gb: 0.1, index_per_million_events: 1.7, indexed_share: 1 },
    google_cloud: { ingest_per_gib: 0.5 },
    grafana_cloud: { ingest_per_gb: 0.5 },
  },
};

export const PRICE_SOURCES: { logs: Record<keyof LogPrices, PriceSource> } = {
  logs: {
    datadog: {
      url: 'https://www.datadoghq.com/pricing/list/',
      as_of: '2026-12',
      note:
        'Log Management: $0.10 per GB ingested; indexing with 15-day retention $1.70 per million events billed ' +
        'annually ($2.55 on demand). Every ingested event is assumed indexed unless indexed_share says otherwise.',
    },
    google_cloud: {
      url: 'https://cloud.google.com/stackdriver/pricing',
      as_of: '2026-12',
      note: 'Cloud Logging: $0.50 per GiB ingested into log buckets, 30 days of storage included; the first 50 GiB per project per month are free.',
    },
    grafana_cloud: {
      url: 'https://grafana.com/docs/grafana-cloud/cost-management-and-billing/understand-your-invoice/logs-invoice/',
      as_of: '2026-12',
      note: 'Grafana Cloud Logs: $0.40 per GB written (after 50 GB free) plus $0.10 per GB for the minimum 30-day retention = $0.50 per GB.',
    },
  },
};

export const LogCost = Type.Object({
  datadog: Type.Number({ description: 'USD: ingestion plus indexing' }),
  google_cloud: Type.Number(),
  grafana_cloud: Type.Number(),
});
export type LogCost = Static<typeof LogCost>;

const GB = 1e9;
const GIB = 1024 ** 3;

/** What logs of this volume cost at each backend (bytes and events over the same period). */
export function logCost(prices: LogPrices, volume: { bytes: number; events: number }): LogCost {
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  const dd = prices.datadog;
  return {
    datadog: round(
      (volume.bytes / GB) * dd.ingest_per_gb + (volume.events * dd.indexed_share * dd.index_per_million_events) / 1e6,
    ),
    google_cloud: round((volume.bytes / GIB) * prices.google_cloud.ingest_per_gib),
    grafana_cloud: round((volume.bytes / GB) * prices.grafana_cloud.ingest_per_gb),
  };
}

/** The org's prices: the stored model, or the defaults when none is stored. */
export function effectivePrices(stored: PriceModel | null | undefined): PriceModel {
  return stored ?? DEFAULT_PRICES;
}
