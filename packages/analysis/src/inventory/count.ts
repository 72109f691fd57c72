// Counting OTLP metrics into the per-metric inventory the way the gateway's measurement processor does
// (gateway/components/flowgatemeasureprocessor): series are distinct resource + data point attribute sets;
// a metric's bytes are its share of its ResourceMetrics' framed size, split over the metrics of that resource in
// proportion to their framed Metric sizes (so the shares add up to the request size exactly).
import { dataPoints, metricType, valueText, type KeyValue, type Metric, type MetricsRequest } from './otlp.ts';
import { delimited, metricSize, resourceMetricsOverhead, scopeMetricsOverhead } from './proto-size.ts';
import type { Inventory, InventoryMetric, LabelStats, SeenIn, SeriesLabels } from './types.ts';

const MAX_EXAMPLES = 5;

/** Splits `total` over weights without losing a byte: part k gets ⌊total·cum_k/sum⌋ − ⌊total·cum_(k−1)/sum⌋. */
export class Proportional {
  private cum = 0;
  private given = 0;
  constructor(
    private readonly total: number,
    private readonly sum: number,
  ) {}
  next(weight: number): number {
    if (this.sum === 0) return 0;
    this.cum += weight;
    const upto = Math.floor((this.total * this.cum) / this.sum);
    const share = upto - this.given;
    this.given = upto;
    return share;
  }
}

interface Acc {
  metric: Metric;
  name: string;
  series: Map<string, SeriesLabels>;
  datapoints: number;
  bytes: number;
  promSeries: number;
  labels: Map<string, Set<string>>;
  resourceLabels: Map<string, Set<string>>;
  origin: 'prometheus' | 'otlp';
}

const attrsKey = (attrs: readonly KeyValue[] | undefined) =>
  JSON.stringify(
    (attrs ?? [])
      .map((kv) => [kv.key, valueText(kv.value)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  );

const PROMETHEUS_SCOPE = 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver';

function isFromPrometheus(m: Metric, scopeName: string | undefined): boolean {
  return scopeName === PROMETHEUS_SCOPE || (m.metadata ?? []).some((kv) => kv.key === 'prometheus.type');
}

/** Series a Prometheus backend stores for one data point of this metric. */
function prometheusSeriesOf(m: Metric, index: number): number {
  if (m.histogram) return (m.histogram.dataPoints?.[index]?.bucketCounts?.length ?? 1) + 2;
  if (m.summary) return (m.summary.dataPoints?.[index]?.quantileValues?.length ?? 0) + 2;
  // A native (exponential) histogram is one series in Prometheus.
  return 1;
}

function addValues(map: Map<string, Set<string>>, attrs: readonly KeyValue[] | undefined) {
  for (const kv of attrs ?? []) {
    let values = map.get(kv.key);
    if (!values) map.set(kv.key, (values = new Set()));
    values.add(valueText(kv.value));
  }
}

function labelStats(map: Map<string, Set<string>>): LabelStats[] {
  return [...map.entries()]
    .map(([name, values]) => ({
      name,
      distinct: values.size,
      exact: true,
      examples: [...values].sort().slice(0, MAX_EXAMPLES),
    }))
    .sort((a, b) => b.distinct - a.distinct || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface CountOptions {
  /** What the counted requests span: one scrape interval for an exposition. Default 60. */
  windowSeconds?: number;
  seenIn?: SeenIn[];
  /** Keep every series' labels on each metric (exact drop_labels arithmetic). Default true. */
  keepSeriesLabels?: boolean;
}

/** Counts the metrics of one or more export requests (one window) into the per-metric inventory. */
export function countMetrics(requests: readonly MetricsRequest[], options: CountOptions = {}): Inventory {
  const windowSeconds = options.windowSeconds ?? 60;
  const perMin = 60 / windowSeconds;
  const acc = new Map<string, Acc>();
  let totalBytes = 0;
  for (const req of requests)
    for (const rm of req.resourceMetrics ?? []) {
      // Framed sizes first: the resource's framed size is shared among its metrics by their sizes.
      const sizes: number[] = [];
      let rmSize = resourceMetricsOverhead(rm);
      let metricsSize = 0;
      for (const sm of rm.scopeMetrics ?? []) {
        let smSize = scopeMetricsOverhead(sm);
        for (const m of sm.metrics ?? []) {
          const framed = delimited(2, metricSize(m));
          sizes.push(framed);
          smSize += framed;
          metricsSize += framed;
        }
        rmSize += delimited(2, smSize);
      }
      const rmFramed = delimited(1, rmSize);
      totalBytes += rmFramed;
      const share = new Proportional(rmFramed, metricsSize);
      const resourceKey = attrsKey(rm.resource?.attributes);
      let index = 0;
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) {
          const bytes = share.next(sizes[index++]!);
          let a = acc.get(m.name);
          if (!a) {
            a = {
              metric: m,
              name: m.name,
              series: new Map(),
              datapoints: 0,
              bytes: 0,
              promSeries: 0,
              labels: new Map(),
              resourceLabels: new Map(),
              origin: isFromPrometheus(m, sm.scope?.name) ? 'prometheus' : 'otlp',
            };
            acc.set(m.name, a);
          }
          a.bytes += bytes;
          addValues(a.resourceLabels, rm.resource?.attributes);
          dataPoints(m).forEach((p, i) => {
            a.datapoints++;
            addValues(a.labels, p.attributes);
            const key = `${resourceKey}\u0000${attrsKey(p.attributes)}`;
            if (!a.series.has(key)) {
              a.series.set(key, {
                resource: resourceKey,
                attributes: Object.fromEntries((p.attributes ?? []).map((kv) => [kv.key, valueText(kv.value)])),
              });
              a.promSeries += prometheusSeriesOf(m, i);
            }
          });
        }
    }

  const metrics: InventoryMetric[] = [];
  for (const a of acc.values()) {
    const type = metricType(a.metric);
    if (!type) continue;
    const m = a.metric;
    const temporality =
      m.sum?.aggregationTemporality ??
      m.histogram?.aggregationTemporality ??
      m.exponentialHistogram?.aggregationTemporality;
    metrics.push({
      name: a.name,
      type,
      unit: m.unit ?? '',
      monotonic: m.sum ? !!m.sum.isMonotonic : null,
      temporality: type === 'gauge' || type === 'summary' ? null : temporality === 1 ? 'delta' : 'cumulative',
      series: a.series.size,
      datapoints: a.datapoints,
      bytes: a.bytes,
      datapoints_per_min: a.datapoints * perMin,
      bytes_per_min: a.bytes * perMin,
      prometheus_series: a.promSeries,
      labels: labelStats(a.labels),
      resource_labels: labelStats(a.resourceLabels),
      origin: a.origin,
      ...(options.keepSeriesLabels === false ? {} : { series_labels: [...a.series.values()] }),
      seen_in: options.seenIn ?? [],
    });
  }
  metrics.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return {
    metrics,
    window_seconds: windowSeconds,
    totals: {
      metrics: metrics.length,
      series: metrics.reduce((s, m) => s + m.series, 0),
      datapoints: metrics.reduce((s, m) => s + m.datapoints, 0),
      bytes: totalBytes,
    },
  };
}
