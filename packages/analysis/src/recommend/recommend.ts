// Inventory × usage × prices → recommendations (issue 12, item 2).
//   drop_metric  nothing reads the metric: no panel, variable or rule of any consulted source, under any of the
//                names a Prometheus backend stores it by, nor a name pattern matching one of them. An
//                "unknown" read (a query that does not parse) counts as read.
//   drop_labels  see drop-labels.ts.
//   keep_only    a job (resource service.name) whose unread metrics outnumber its read ones: one allow-list
//                instead of many drops (keep-only.ts).
// Nothing is recommended when there is no usage source, or when a source failed or was never read: its
// dashboards might read anything.
import {
  DEFAULT_PRICE_MODEL,
  addVolume,
  metricsCostPerMonth,
  metricsSavingPerMonth,
  ZERO_VOLUME,
  type BackendUsd,
  type MetricVolume,
  type PriceModel,
} from '@flowgate/config-model';
import type { InventoryMetric } from '../inventory/types.ts';
import { planDropLabels } from './drop-labels.ts';
import { recommendationId } from './ids.ts';
import { planKeepOnly } from './keep-only.ts';
import { UsageIndex, type MetricReaders } from './readers.ts';
import type {
  Evidence,
  Reader,
  Recommendation,
  RecommendationSet,
  RecommendInput,
  Skipped,
  UsageSource,
  UsedBy,
} from './types.ts';

const ZERO_USD: BackendUsd = { datadog: 0, grafana_cloud: 0, google_cloud: 0 };
const round2 = (usd: BackendUsd): BackendUsd => ({
  datadog: Math.round(usd.datadog * 100) / 100,
  grafana_cloud: Math.round(usd.grafana_cloud * 100) / 100,
  google_cloud: Math.round(usd.google_cloud * 100) / 100,
});

/** The metric's volume in the units the backends bill (see config-model/prices.ts). */
export function metricVolume(m: InventoryMetric, prices: PriceModel): MetricVolume {
  const perSeries = prices.datadog.custom_metrics_per_series;
  const promSeries = m.prometheus_series ?? m.series * (m.type === 'histogram' ? 12 : m.type === 'summary' ? 5 : 1);
  const quantiles = m.type === 'summary' && m.prometheus_series !== null ? promSeries / Math.max(1, m.series) : null;
  const pointsPerSeriesPerMin = m.series ? m.datapoints_per_min / m.series : 0;
  return {
    datadog_custom_metrics: m.series * (quantiles ?? perSeries[m.type]),
    prometheus_series: promSeries,
    samples_per_min: promSeries * pointsPerSeriesPerMin,
  };
}

const scale = (v: MetricVolume, f: number): MetricVolume => ({
  datadog_custom_metrics: v.datadog_custom_metrics * f,
  prometheus_series: v.prometheus_series * f,
  samples_per_min: v.samples_per_min * f,
});

const reader = (by: UsedBy): Reader => ({
  source_id: by.source_id,
  source: by.source,
  title: by.title,
  ...(by.panel !== undefined ? { panel: by.panel } : {}),
  ...(by.rule !== undefined ? { rule: by.rule } : {}),
  query: by.query,
  ...(by.url !== undefined ? { url: by.url } : {}),
});

const RESET_NOTE =
  'Counters are summed as the gateway receives them: a reset of one merged series looks like a reset of the ' +
  'sum to rate(); increase() and rate() are exact between resets.';

export function recommend(input: RecommendInput): RecommendationSet {
  const opts = input.options ?? {};
  const prices = opts.prices ?? DEFAULT_PRICE_MODEL;
  const inventory = input.inventory;
  const seriesBefore = inventory.reduce((s, m) => s + m.series, 0);
  const bytesKnown = inventory.every((m) => Number.isFinite(m.bytes_per_min));
  const bytesBefore = bytesKnown ? inventory.reduce((s, m) => s + m.bytes_per_min, 0) : null;
  const totalVolume = inventory.reduce((v, m) => addVolume(v, metricVolume(m, prices)), ZERO_VOLUME);
  const costBefore = metricsCostPerMonth(prices, totalVolume);
  const sources = input.sources.map((s) => ({ id: s.id, name: s.name, kind: s.kind, read_at: s.read_at }));

  const empty = (reason: string, failing: UsageSource[]): RecommendationSet => ({
    items: [],
    replaced: [],
    skipped: [],
    withheld: { reason, sources: failing.map((s) => s.id) },
    totals: {
      series_before: seriesBefore,
      series_after: seriesBefore,
      bytes_per_min_before: bytesBefore,
      bytes_per_min_after: bytesBefore,
      usd_per_month: ZERO_USD,
      cost_before: round2(costBefore),
      cost_after: round2(costBefore),
    },
  });
  if (input.sources.length === 0)
    return empty('no usage source: add the dashboards and rules that read these metrics first', []);
  const failing = input.sources.filter((s) => s.error || !s.read_at);
  if (failing.length)
    return empty(
      `usage of ${failing.map((s) => s.name).join(', ')} is not known (${failing[0]!.error ?? 'never read'}): ` +
        'nothing can be called unread until every source has been read',
      failing,
    );

  const index = new UsageIndex(input.usage);
  const items: Recommendation[] = [];
  const skipped: Skipped[] = [];
  const removed = new Map<string, MetricVolume>();
  const share = (n: number) => (seriesBefore ? n / seriesBefore : 0);
  const evidence = (m: InventoryMetric, r: MetricReaders, e: Partial<Evidence> & Pick<Evidence, 'summary'>) =>
    ({
      sources,
      readers: r.readers.map(reader),
      unread_rules: r.unreadRules.map(reader),
      names_checked: r.names,
      numbers: { series: m.series, series_after: 0, series_after_from: 'exact', bytes_from: 'measured' },
      seen_in: m.seen_in,
      notes: [],
      ...e,
    }) satisfies Evidence;

  for (const m of inventory) {
    const r = index.readersOf(m);
    if (r.used === false) {
      const vol = metricVolume(m, prices);
      removed.set(m.name, vol);
      const unread = r.unreadRules.length
        ? ` (${r.unreadRules.length} recording rule(s) read it, but nothing reads what they record)`
        : '';
      items.push({
        id: recommendationId({ kind: 'drop_metric', metric: m.name }),
        kind: 'drop_metric',
        metric: m.name,
        metric_type: m.type,
        series_saved: m.series,
        bytes_per_min_saved: Math.round(m.bytes_per_min),
        share: share(m.series),
        usd_per_month: round2(metricsSavingPerMonth(prices, totalVolume, vol)),
        evidence: evidence(m, r, {
          summary: `No dashboard panel, variable or rule of ${sources.length} source(s) reads ${m.name}${unread}.`,
          readers: [],
        }),
      });
      continue;
    }
    const plan = planDropLabels(m, r, {
      ...(opts.gaugeAggregation ? { gaugeAggregation: opts.gaugeAggregation } : {}),
      minSeriesSaved: opts.minSeriesSaved ?? 1,
    });
    if (!plan) continue;
    if ('skipped' in plan) {
      skipped.push({ metric: m.name, reason: plan.skipped });
      continue;
    }
    const p = plan.plan;
    const saved = m.series - p.seriesAfter;
    const vol = scale(metricVolume(m, prices), m.series ? saved / m.series : 0);
    removed.set(m.name, vol);
    items.push({
      id: recommendationId({ kind: 'drop_labels', metric: m.name, labels: p.labels, aggregation: p.aggregation }),
      kind: 'drop_labels',
      metric: m.name,
      metric_type: m.type,
      labels: p.labels,
      aggregation: p.aggregation,
      series_saved: saved,
      bytes_per_min_saved: p.bytesPerMinSaved,
      share: share(saved),
      usd_per_month: round2(metricsSavingPerMonth(prices, totalVolume, vol)),
      evidence: evidence(m, r, {
        summary:
          `${r.readers.length} quer${r.readers.length === 1 ? 'y reads' : 'ies read'} ${m.name}, none by ` +
          `${p.labels.join(', ')}; merging its series by ${p.aggregation} leaves their results unchanged.`,
        numbers: {
          series: m.series,
          series_after: p.seriesAfter,
          series_after_from: p.seriesAfterFrom,
          bytes_from: 'estimate',
        },
        notes: m.type === 'sum' && m.monotonic ? [RESET_NOTE] : [],
      }),
    });
  }

  let replaced: Recommendation[] = [];
  let finalItems = items;
  if (opts.keepOnly ?? true) {
    const keepOnly = planKeepOnly(inventory, items, {
      minDrops: opts.keepOnlyMinDrops ?? 10,
      sources,
      share,
      saving: (vol) => round2(metricsSavingPerMonth(prices, totalVolume, vol)),
      volumeOf: (name) => removed.get(name) ?? ZERO_VOLUME,
    });
    replaced = keepOnly.replaced;
    const gone = new Set(replaced.map((r) => r.id));
    finalItems = [...items.filter((r) => !gone.has(r.id)), ...keepOnly.items];
  }
  finalItems.sort((a, b) => b.series_saved - a.series_saved || (a.metric < b.metric ? -1 : 1));

  const seriesSaved = items.reduce((s, r) => s + r.series_saved, 0);
  const bytesSaved = items.reduce((s, r) => s + (r.bytes_per_min_saved ?? 0), 0);
  const removedTotal = [...removed.values()].reduce(addVolume, ZERO_VOLUME);
  const saving = metricsSavingPerMonth(prices, totalVolume, removedTotal);
  return {
    items: finalItems,
    replaced,
    skipped,
    withheld: null,
    totals: {
      series_before: seriesBefore,
      series_after: seriesBefore - seriesSaved,
      bytes_per_min_before: bytesBefore,
      bytes_per_min_after: bytesBefore === null ? null : Math.max(0, Math.round(bytesBefore - bytesSaved)),
      usd_per_month: round2(saving),
      cost_before: round2(costBefore),
      cost_after: round2({
        datadog: costBefore.datadog - saving.datadog,
        grafana_cloud: costBefore.grafana_cloud - saving.grafana_cloud,
        google_cloud: costBefore.google_cloud - saving.google_cloud,
      }),
    },
  };
}
