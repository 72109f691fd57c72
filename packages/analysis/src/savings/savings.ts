// Savings, measured (issue 12, item 6): items and bytes in vs. out per pipeline over hours (the gateways'
// measurement processor: `in` at the start of a pipeline, `out` before its exporters) → the share saved and
// what it is worth per month at each backend's prices. Pure arithmetic over the hourly history; the server
// picks the points (a gateway, a deployment's gateways, the org).
//   rates     items and bytes per minute = sums over the hours where both ends reported ÷ their seconds
//             (an hour measured at only one end would bias the ratio, so it is left out of both);
//   metrics   a data point is a sample; series ≈ data points per minute × scrape interval ÷ 60 (the history
//             has no series counts); priced with metricsCostPerMonth;
//   logs      bytes and records, priced with logsCostPerMonth; traces are not priced.
import { logsCostPerMonth, metricsCostPerMonth, type BackendUsd, type PriceModel } from '@flowgate/config-model';

export interface HourFlow {
  items: number;
  bytes: number;
  /** Seconds of measurement windows in the hour (3600 when complete). */
  seconds: number;
}

export interface FlowPoint {
  /** Start of the hour (ISO). */
  hour: string;
  pipeline: string;
  signal: 'metrics' | 'logs' | 'traces';
  in: HourFlow | null;
  out: HourFlow | null;
}

export interface Rates {
  items_per_min: number;
  bytes_per_min: number;
}

export interface SignalSavings {
  signal: FlowPoint['signal'];
  in: Rates;
  out: Rates;
  /** 1 − out ÷ in; null without data. */
  items_saved_share: number | null;
  bytes_saved_share: number | null;
  /** What the data costs per month as it comes in and as it goes out, and the difference; null for traces. */
  cost_in: BackendUsd | null;
  cost_out: BackendUsd | null;
  usd_per_month: BackendUsd | null;
  /** Hours that had both ends measured, of those given. */
  hours_measured: number;
  hours: number;
}

export interface HourSaving {
  hour: string;
  signal: FlowPoint['signal'];
  in_bytes: number;
  out_bytes: number;
  bytes_saved_share: number | null;
}

export interface SavingsOptions {
  prices: PriceModel;
  /** Scrape/export interval of the metrics, to turn data points into series. Default 60. */
  metricsIntervalSeconds?: number;
  /** Share of log records Datadog indexes. Default 1. */
  logsIndexedShare?: number;
}

const ratio = (out: number, inn: number) => (inn > 0 ? 1 - out / inn : null);
const diff = (a: BackendUsd, b: BackendUsd): BackendUsd => ({
  datadog: a.datadog - b.datadog,
  grafana_cloud: a.grafana_cloud - b.grafana_cloud,
  google_cloud: a.google_cloud - b.google_cloud,
});

function cost(signal: FlowPoint['signal'], r: Rates, o: SavingsOptions): BackendUsd | null {
  if (signal === 'metrics') {
    const series = (r.items_per_min * (o.metricsIntervalSeconds ?? 60)) / 60;
    return metricsCostPerMonth(o.prices, {
      datadog_custom_metrics: series,
      prometheus_series: series,
      samples_per_min: r.items_per_min,
    });
  }
  if (signal === 'logs')
    return logsCostPerMonth(o.prices, {
      bytes_per_min: r.bytes_per_min,
      records_per_min: r.items_per_min,
      indexed_share: o.logsIndexedShare ?? 1,
    });
  return null;
}

/** Savings per signal over the given hourly points. */
export function savings(points: readonly FlowPoint[], options: SavingsOptions): SignalSavings[] {
  const out: SignalSavings[] = [];
  for (const signal of ['metrics', 'logs', 'traces'] as const) {
    const mine = points.filter((p) => p.signal === signal);
    if (!mine.length) continue;
    const both = mine.filter((p) => p.in && p.out && p.in.seconds > 0 && p.out.seconds > 0);
    const rate = (side: 'in' | 'out'): Rates => {
      const seconds = both.reduce((s, p) => s + p[side]!.seconds, 0);
      const f = seconds ? 60 / seconds : 0;
      return {
        items_per_min: both.reduce((s, p) => s + p[side]!.items, 0) * f,
        bytes_per_min: both.reduce((s, p) => s + p[side]!.bytes, 0) * f,
      };
    };
    const rin = rate('in');
    const rout = rate('out');
    const cin = cost(signal, rin, options);
    const cout = cost(signal, rout, options);
    out.push({
      signal,
      in: rin,
      out: rout,
      items_saved_share: ratio(rout.items_per_min, rin.items_per_min),
      bytes_saved_share: ratio(rout.bytes_per_min, rin.bytes_per_min),
      cost_in: cin,
      cost_out: cout,
      usd_per_month: cin && cout ? diff(cin, cout) : null,
      hours_measured: new Set(both.map((p) => p.hour)).size,
      hours: new Set(mine.map((p) => p.hour)).size,
    });
  }
  return out;
}

/** Bytes in and out per hour and signal, summed over pipelines (the reduction-over-time chart). */
export function savingsOverTime(points: readonly FlowPoint[]): HourSaving[] {
  const by = new Map<string, HourSaving>();
  for (const p of points) {
    if (!p.in || !p.out) continue;
    const key = `${p.hour}\u0000${p.signal}`;
    const h = by.get(key) ?? { hour: p.hour, signal: p.signal, in_bytes: 0, out_bytes: 0, bytes_saved_share: null };
    h.in_bytes += p.in.bytes;
    h.out_bytes += p.out.bytes;
    by.set(key, h);
  }
  return [...by.values()]
    .map((h) => ({ ...h, bytes_saved_share: ratio(h.out_bytes, h.in_bytes) }))
    .sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : a.signal < b.signal ? -1 : 1));
}

export interface BeforeAfter {
  signal: FlowPoint['signal'];
  before: Rates;
  after: Rates;
  /** after ÷ before − 1 of what is exported (out): negative is a saving. */
  out_bytes_change: number | null;
  out_items_change: number | null;
  /** Exported data per month before and after, priced; the difference is the deployment's saving. */
  usd_per_month: BackendUsd | null;
}

/**
 * A deployment's before/after: what was exported in the window before `at` against the window since (the
 * hours given; the caller picks the week before and the time since).
 */
export function beforeAfter(points: readonly FlowPoint[], at: string, options: SavingsOptions): BeforeAfter[] {
  const atMs = Date.parse(at);
  const result: BeforeAfter[] = [];
  for (const signal of ['metrics', 'logs', 'traces'] as const) {
    const mine = points.filter((p) => p.signal === signal && p.out && p.out.seconds > 0);
    if (!mine.length) continue;
    const rate = (ps: FlowPoint[]): Rates => {
      const seconds = ps.reduce((s, p) => s + p.out!.seconds, 0);
      const f = seconds ? 60 / seconds : 0;
      return {
        items_per_min: ps.reduce((s, p) => s + p.out!.items, 0) * f,
        bytes_per_min: ps.reduce((s, p) => s + p.out!.bytes, 0) * f,
      };
    };
    // An hour is "before" when it ends by `at`.
    const before = rate(mine.filter((p) => Date.parse(p.hour) + 3_600_000 <= atMs));
    const after = rate(mine.filter((p) => Date.parse(p.hour) >= atMs));
    const change = (a: number, b: number) => (b > 0 ? a / b - 1 : null);
    const cb = cost(signal, before, options);
    const ca = cost(signal, after, options);
    result.push({
      signal,
      before,
      after,
      out_bytes_change: change(after.bytes_per_min, before.bytes_per_min),
      out_items_change: change(after.items_per_min, before.items_per_min),
      usd_per_month: cb && ca ? diff(cb, ca) : null,
    });
  }
  return result;
}
