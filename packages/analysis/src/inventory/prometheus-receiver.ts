// What the collector's prometheus receiver (contrib v0.158.0, receiver/prometheusreceiver/internal) makes of
// one scrape of an exposition, so an uploaded exposition is counted as the gateway would see it:
//   * metric names are kept as exposed — `_total` stays on counters — because `trim_metric_suffixes`
//     defaults to false at v0.158.0 (README of the receiver; checked against the real collector's output);
//   * a histogram family (`_bucket{le}`, `_sum`, `_count`) becomes ONE OTLP histogram named after the family,
//     a summary (`{quantile}`, `_sum`, `_count`) one OTLP summary; a point without `_count` is not emitted;
//   * counters become monotonic cumulative sums, gauges gauges, untyped/unknown gauges, info and stateset
//     non-monotonic sums; gaugehistogram is not supported by the receiver (dropped);
//   * every metric carries the metadata entry prometheus.type, its HELP as description, and its OpenMetrics
//     UNIT translated to UCUM; `_created` gives the start time;
//   * job and instance become the resource (service.name, server.address unless a loopback or unspecified
//     host, service.instance.id, server.port, url.scheme); exposed job/instance labels are renamed
//     exported_job/exported_instance (honor_labels: false); empty label values are dropped;
//   * the scrape adds up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling
//     and scrape_series_added.
import type { Exposition, ExpositionType, FamilyMetadata, Sample } from './exposition.ts';
import { str, type KeyValue, type Metric, type MetricsRequest, type ResourceMetrics } from './otlp.ts';

export const PROMETHEUS_RECEIVER_SCOPE =
  'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver';

export interface ScrapeOptions {
  job?: string;
  /** host:port of the target. */
  instance?: string;
  scheme?: 'http' | 'https';
  /** Scope version: the collector's build version. */
  receiverVersion?: string;
  /** Scrape time, nanoseconds since the epoch (decimal string). */
  timeUnixNano?: string;
  /** The receiver's trim_metric_suffixes option (default false, as at v0.158.0). */
  trimMetricSuffixes?: boolean;
  /** Add the five scrape metrics (up, scrape_*) the receiver emits. Default true. */
  scrapeMetrics?: boolean;
}

const TRIMMABLE = ['_bucket', '_count', '_sum', '_total', '_info', '_created'];

const WORD_TO_UCUM: Record<string, string> = {
  days: 'd',
  hours: 'h',
  minutes: 'min',
  seconds: 's',
  milliseconds: 'ms',
  microseconds: 'us',
  nanoseconds: 'ns',
  bytes: 'By',
  kibibytes: 'KiBy',
  mebibytes: 'MiBy',
  gibibytes: 'GiBy',
  tibibytes: 'TiBy',
  kilobytes: 'KBy',
  megabytes: 'MBy',
  gigabytes: 'GBy',
  terabytes: 'TBy',
  meters: 'm',
  volts: 'V',
  amperes: 'A',
  joules: 'J',
  watts: 'W',
  grams: 'g',
  celsius: 'Cel',
  hertz: 'Hz',
  ratio: '1',
  percent: '%',
};
const PER_WORD_TO_UCUM: Record<string, string> = {
  second: 's',
  minute: 'm',
  hour: 'h',
  day: 'd',
  week: 'w',
  month: 'mo',
  year: 'y',
};

export function unitWordToUcum(unit: string | undefined): string {
  if (!unit) return '';
  const [base = '', per] = unit.split('_per_', 2);
  let ucum = WORD_TO_UCUM[base] ?? base;
  if (per) ucum += `/${PER_WORD_TO_UCUM[per] ?? per}`;
  return ucum;
}

export function normalizeMetricName(name: string): string {
  for (const s of TRIMMABLE) if (name.endsWith(s) && name !== s) return name.slice(0, -s.length);
  return name;
}

/** The receiver's TrimPromSuffixes (only with trim_metric_suffixes: true). */
function trimPromSuffixes(name: string, otlpType: OtlpKind, unit: string | undefined): string {
  let tokens = name.split('_');
  if (tokens.length === 1) return name;
  if (otlpType === 'sum' && tokens[tokens.length - 1] === 'total') tokens = tokens.slice(0, -1);
  const unitTokens = (unit ?? '').split('_');
  if (unit && tokens.length > unitTokens.length) {
    const tail = tokens.slice(tokens.length - unitTokens.length);
    if (tail.every((t, i) => t === unitTokens[i])) tokens = tokens.slice(0, tokens.length - unitTokens.length);
  }
  return tokens.join('_');
}

type OtlpKind = 'sum' | 'gauge' | 'histogram' | 'summary' | 'none';

function otlpKind(type: ExpositionType | undefined): { kind: OtlpKind; monotonic: boolean } {
  switch (type) {
    case 'counter':
      return { kind: 'sum', monotonic: true };
    case 'histogram':
      return { kind: 'histogram', monotonic: true };
    case 'summary':
      return { kind: 'summary', monotonic: true };
    case 'info':
    case 'stateset':
      return { kind: 'sum', monotonic: false };
    case 'gaugehistogram':
      return { kind: 'none', monotonic: false };
    default:
      return { kind: 'gauge', monotonic: false };
  }
}

interface Family {
  name: string;
  /** The name its metadata was declared under (`foo` for an OpenMetrics counter exposed as foo_total). */
  metaName: string;
  meta: FamilyMetadata;
  kind: OtlpKind;
  monotonic: boolean;
  groups: Map<string, Group>;
}

interface Group {
  labels: [string, string][];
  ts: number | undefined;
  value?: number;
  count?: number;
  sum?: number;
  created?: number;
  bounds: { boundary: number; value: number }[];
}

/** metadataForMetric of the receiver: the family a sample belongs to and the metadata it uses. */
function familyOf(sampleName: string, metadata: Map<string, FamilyMetadata>): { name: string; metaName: string } {
  if (metadata.has(sampleName)) return { name: sampleName, metaName: sampleName };
  const normalized = normalizeMetricName(sampleName);
  const meta = metadata.get(normalized);
  if (meta) {
    if (meta.type === 'counter')
      return { name: sampleName.endsWith('_created') ? `${normalized}_total` : sampleName, metaName: normalized };
    return { name: normalized, metaName: normalized };
  }
  return { name: sampleName, metaName: sampleName };
}

const NOT_ATTRIBUTES = new Set(['__name__', 'job', 'instance', '__scheme__', '__metrics_path__']);

function attributesOf(labels: [string, string][], boundaryLabel: string | null): KeyValue[] {
  return labels
    .filter(([k, v]) => v !== '' && k !== boundaryLabel && !NOT_ATTRIBUTES.has(k) && !k.startsWith('otel_scope_'))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => str(k, v));
}

/** honor_labels: false — an exposed job/instance label is kept as exported_job/exported_instance. */
function targetLabels(labels: [string, string][]): [string, string][] {
  return labels.map(([k, v]) => (k === 'job' || k === 'instance' ? [`exported_${k}`, v] : [k, v]));
}

function isDiscernibleHost(host: string): boolean {
  if (host === 'localhost' || host === '' || host === '0.0.0.0' || host === '::' || host === '::1') return false;
  return !/^127\./.test(host);
}

function resourceOf(job: string, instance: string, scheme: string): KeyValue[] {
  const m = /^(.*):(\d+)$/.exec(instance);
  const host = m ? m[1]!.replace(/^\[(.*)\]$/, '$1') : instance;
  const port = m ? m[2]! : '';
  return [
    str('service.name', job),
    ...(isDiscernibleHost(host) ? [str('server.address', host)] : []),
    str('service.instance.id', instance),
    str('server.port', port),
    str('url.scheme', scheme),
  ];
}

function boundaryOf(family: Family, s: Sample): number | null {
  const label = family.kind === 'histogram' ? 'le' : 'quantile';
  const raw = s.labels.find(([k]) => k === label)?.[1];
  if (raw === undefined || raw === '') return null;
  const lower = raw.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  const n = Number(raw);
  return Number.isNaN(n) ? null : n;
}

function toMetric(f: Family, time: string, trim: boolean): Metric | null {
  const base: Metric = {
    name: trim ? trimPromSuffixes(f.name, f.kind, f.meta.unit) : f.name,
    ...(f.meta.help ? { description: f.meta.help } : {}),
    ...(unitWordToUcum(f.meta.unit) ? { unit: unitWordToUcum(f.meta.unit) } : {}),
    metadata: [str('prometheus.type', f.meta.type === 'untyped' || !f.meta.type ? 'unknown' : f.meta.type)],
  };
  const groups = [...f.groups.values()];
  const timeOf = (g: Group) => (g.ts !== undefined ? String(BigInt(g.ts) * 1_000_000n) : time);
  // timestampFromFloat64 of the receiver: whole seconds, then the fraction as nanoseconds.
  const startOf = (g: Group) => {
    if (!g.created) return {} as Record<string, never>;
    const secs = Math.trunc(g.created);
    return { startTimeUnixNano: String(BigInt(secs) * 1_000_000_000n + BigInt(Math.trunc((g.created - secs) * 1e9))) };
  };
  if (f.kind === 'histogram') {
    const points = groups
      .filter((g) => g.count !== undefined)
      .map((g) => {
        const sorted = [...g.bounds].sort((a, b) => a.boundary - b.boundary);
        const finite = sorted.length && sorted[sorted.length - 1]!.boundary === Infinity ? sorted.slice(0, -1) : sorted;
        const counts = finite.map((b, i) => Math.max(0, b.value - (i ? finite[i - 1]!.value : 0)));
        counts.push(Math.max(0, g.count! - (finite.length ? finite[finite.length - 1]!.value : 0)));
        return {
          attributes: attributesOf(g.labels, 'le'),
          ...startOf(g),
          timeUnixNano: timeOf(g),
          count: String(Math.trunc(g.count!)),
          ...(g.sum !== undefined ? { sum: g.sum } : {}),
          bucketCounts: counts.map((c) => String(Math.trunc(c))),
          explicitBounds: finite.map((b) => b.boundary),
        };
      });
    return points.length ? { ...base, histogram: { dataPoints: points, aggregationTemporality: 2 } } : null;
  }
  if (f.kind === 'summary') {
    const points = groups
      .filter((g) => g.count !== undefined)
      .map((g) => ({
        attributes: attributesOf(g.labels, 'quantile'),
        ...startOf(g),
        timeUnixNano: timeOf(g),
        count: String(Math.trunc(g.count!)),
        ...(g.sum !== undefined ? { sum: g.sum } : {}),
        quantileValues: [...g.bounds]
          .sort((a, b) => a.boundary - b.boundary)
          .map((b) => ({ quantile: b.boundary, value: b.value })),
      }));
    return points.length ? { ...base, summary: { dataPoints: points } } : null;
  }
  const points = groups
    .filter((g) => g.value !== undefined)
    .map((g) => ({
      attributes: attributesOf(g.labels, null),
      ...(f.kind === 'sum' ? startOf(g) : {}),
      timeUnixNano: timeOf(g),
      asDouble: g.value!,
    }));
  if (!points.length) return null;
  if (f.kind === 'sum')
    return { ...base, sum: { dataPoints: points, aggregationTemporality: 2, isMonotonic: f.monotonic } };
  return { ...base, gauge: { dataPoints: points } };
}

function scrapeMetric(name: string, help: string, value: number, time: string, unit?: string): Metric {
  return {
    name,
    description: help,
    ...(unit ? { unit } : {}),
    gauge: { dataPoints: [{ timeUnixNano: time, asDouble: value }] },
    metadata: [str('prometheus.type', 'gauge')],
  };
}

/** One scrape of the exposition as the prometheus receiver emits it (one ResourceMetrics, one scope). */
export function scrapeToOtlp(exposition: Exposition, options: ScrapeOptions = {}): MetricsRequest {
  const time = options.timeUnixNano ?? '1796688000000000000';
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let scraped = 0;
  for (const s of exposition.samples) {
    scraped++;
    const { name, metaName } = familyOf(s.name, exposition.metadata);
    const meta = exposition.metadata.get(metaName) ?? {};
    let f = families.get(name);
    if (!f) {
      const { kind, monotonic } = otlpKind(meta.type);
      families.set(name, (f = { name, metaName, meta, kind, monotonic, groups: new Map() }));
    }
    if (f.kind === 'none') continue;
    const labels = targetLabels(s.labels);
    // Prometheus keeps the first of duplicate samples (same name and labels) and drops the others.
    const seriesKey = JSON.stringify([s.name, [...labels].sort()]);
    if (seen.has(seriesKey)) continue;
    seen.add(seriesKey);
    const boundaryLabel = f.kind === 'histogram' ? 'le' : f.kind === 'summary' ? 'quantile' : null;
    const groupLabels = labels.filter(([k, v]) => k !== boundaryLabel && v !== '');
    const groupKey = JSON.stringify([...groupLabels].sort());
    let g = f.groups.get(groupKey);
    if (!g) f.groups.set(groupKey, (g = { labels: groupLabels, ts: s.timestampMs, bounds: [] }));
    if (f.kind === 'histogram' || f.kind === 'summary') {
      if (s.name.endsWith('_sum')) g.sum = s.value;
      else if (s.name.endsWith('_count')) g.count = s.value;
      else if (s.name === `${f.metaName}_created`) g.created = s.value;
      else {
        const boundary = boundaryOf(f, s);
        if (boundary !== null) g.bounds.push({ boundary, value: s.value });
      }
    } else if (f.kind === 'sum' && s.name === `${f.metaName}_created`) g.created = s.value;
    else g.value = s.value;
  }
  const metrics: Metric[] = [];
  for (const f of families.values()) {
    const m = toMetric(f, time, options.trimMetricSuffixes ?? false);
    if (m) metrics.push(m);
  }
  if (options.scrapeMetrics ?? true)
    metrics.push(
      scrapeMetric('up', 'The scraping was successful', 1, time),
      scrapeMetric('scrape_duration_seconds', 'Duration of the scrape', 0.01, time, 's'),
      scrapeMetric('scrape_samples_scraped', 'The number of samples the target exposed', scraped, time),
      scrapeMetric(
        'scrape_samples_post_metric_relabeling',
        'The number of samples remaining after metric relabeling was applied',
        scraped,
        time,
      ),
      scrapeMetric('scrape_series_added', 'The approximate number of new series in this scrape', 0, time),
    );
  const rm: ResourceMetrics = {
    resource: {
      attributes: resourceOf(options.job ?? 'upload', options.instance ?? 'upload:80', options.scheme ?? 'http'),
    },
    scopeMetrics: [
      {
        scope: { name: PROMETHEUS_RECEIVER_SCOPE, version: options.receiverVersion ?? '0.158.0-flowgate.1' },
        metrics,
      },
    ],
  };
  return { resourceMetrics: [rm] };
}
