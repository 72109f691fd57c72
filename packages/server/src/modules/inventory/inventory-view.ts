// Pure: stored points → what the inventory API answers. Per-minute figures are a window's counts scaled
// to 60 seconds. Where one gateway has several pipelines of a signal (fan-out from one receiver, or a
// routing connector), a metric or log group is taken from the pipeline where it is largest: pipelines fed
// by the same receiver see the same data, and adding them would count it twice.
import type {
  GatewayInventory,
  InventoryFlow,
  InventoryLabel,
  InventoryLogGroup,
  InventoryMetric,
  OrgInventoryMetric,
} from '@flowgate/config-model';
import type { LatestRow, OrgMetricRow, StoredLabel, StoredLogGroup, StoredMetric } from './inventory.store.ts';

/** A pipeline that has not reported for this long before the gateway's newest point is no longer shown. */
export const STALE_AFTER_MS = 15 * 60_000;

const round = (n: number) => Math.round(n * 100) / 100;
const windowSeconds = (r: Pick<LatestRow, 'window_start' | 'window_end'>) =>
  Math.max(1, (r.window_end.getTime() - r.window_start.getTime()) / 1000);
export const perMinute = (value: number, seconds: number) => round((value * 60) / Math.max(1, seconds));

function flowOf(r: LatestRow | undefined): InventoryFlow | null {
  if (!r) return null;
  const s = windowSeconds(r);
  return {
    items: r.items,
    bytes: r.bytes,
    items_per_min: perMinute(r.items, s),
    bytes_per_min: perMinute(r.bytes, s),
    window_start: r.window_start.toISOString(),
    window_end: r.window_end.toISOString(),
  };
}

export const labelsView = (labels: StoredLabel[]): InventoryLabel[] =>
  [...labels]
    .sort((a, b) => b.distinct - a.distinct || a.name.localeCompare(b.name))
    .map((l) => ({ name: l.name, distinct: l.distinct, exact: l.exact, examples: l.examples }));

/** The points still current: within STALE_AFTER_MS of the gateway's newest window. */
export function currentPoints(rows: LatestRow[]): LatestRow[] {
  if (rows.length === 0) return rows;
  const newest = Math.max(...rows.map((r) => r.window_end.getTime()));
  return rows.filter((r) => r.window_end.getTime() >= newest - STALE_AFTER_MS);
}

interface Seen<T> {
  value: T;
  perMin: number;
  seconds: number;
  pipelines: string[];
}
/** Per key, the entry of the pipeline where it is largest (bytes per minute), and every pipeline it is in. */
function largestByKey<T>(
  rows: LatestRow[],
  entries: (r: LatestRow) => T[],
  key: (e: T) => string,
  bytes: (e: T) => number,
): Map<string, Seen<T>> {
  const out = new Map<string, Seen<T>>();
  for (const r of rows) {
    const seconds = windowSeconds(r);
    for (const e of entries(r)) {
      const k = key(e);
      const perMin = perMinute(bytes(e), seconds);
      const seen = out.get(k);
      if (!seen) out.set(k, { value: e, perMin, seconds, pipelines: [r.pipeline] });
      else {
        if (!seen.pipelines.includes(r.pipeline)) seen.pipelines.push(r.pipeline);
        if (perMin > seen.perMin) Object.assign(seen, { value: e, perMin, seconds });
      }
    }
  }
  return out;
}

export function metricsView(rows: LatestRow[]): InventoryMetric[] {
  const metricRows = rows.filter((r) => r.signal === 'metrics');
  const ins = largestByKey(
    metricRows.filter((r) => r.position === 'in'),
    (r) => r.metrics,
    (m) => m.name,
    (m) => m.bytes,
  );
  const outs = largestByKey(
    metricRows.filter((r) => r.position === 'out'),
    (r) => r.metrics,
    (m) => m.name,
    (m) => m.bytes,
  );
  const pipelinesWithOut = new Set(metricRows.filter((r) => r.position === 'out').map((r) => r.pipeline));
  const names = new Set([...ins.keys(), ...outs.keys()]);
  const view: InventoryMetric[] = [];
  for (const name of names) {
    const i = ins.get(name);
    const o = outs.get(name);
    const m: StoredMetric = (i ?? o)!.value;
    const exported = o
      ? {
          series: o.value.series,
          datapoints_per_min: perMinute(o.value.datapoints, o.seconds),
          bytes_per_min: o.perMin,
        }
      : i && i.pipelines.some((p) => pipelinesWithOut.has(p))
        ? { series: 0, datapoints_per_min: 0, bytes_per_min: 0 }
        : null;
    view.push({
      name,
      type: m.type,
      unit: m.unit,
      monotonic: m.monotonic,
      temporality: m.temporality,
      series: i?.value.series ?? 0,
      datapoints_per_min: i ? perMinute(i.value.datapoints, i.seconds) : 0,
      bytes_per_min: i?.perMin ?? 0,
      labels: labelsView(m.labels),
      resource_labels: labelsView(m.resource_labels),
      pipelines: i?.pipelines ?? [],
      out: exported,
    });
  }
  return view.sort((a, b) => b.bytes_per_min - a.bytes_per_min || a.name.localeCompare(b.name));
}

export function logsView(rows: LatestRow[]): InventoryLogGroup[] {
  const logRows = rows.filter((r) => r.signal === 'logs');
  const groupKey = (g: StoredLogGroup) => `${g.service}\n${g.severity}`;
  const byBytes = (g: StoredLogGroup) => g.bytes;
  const ins = largestByKey(
    logRows.filter((r) => r.position === 'in'),
    (r) => r.logs,
    groupKey,
    byBytes,
  );
  const outs = largestByKey(
    logRows.filter((r) => r.position === 'out'),
    (r) => r.logs,
    groupKey,
    byBytes,
  );
  const pipelinesWithOut = new Set(logRows.filter((r) => r.position === 'out').map((r) => r.pipeline));
  const view: InventoryLogGroup[] = [];
  for (const k of new Set([...ins.keys(), ...outs.keys()])) {
    const i = ins.get(k);
    const o = outs.get(k);
    const g = (i ?? o)!.value;
    view.push({
      service: g.service,
      severity: g.severity,
      records_per_min: i ? perMinute(i.value.records, i.seconds) : 0,
      bytes_per_min: i?.perMin ?? 0,
      out: o
        ? { records_per_min: perMinute(o.value.records, o.seconds), bytes_per_min: o.perMin }
        : i && i.pipelines.some((p) => pipelinesWithOut.has(p))
          ? { records_per_min: 0, bytes_per_min: 0 }
          : null,
    });
  }
  return view.sort((a, b) => b.bytes_per_min - a.bytes_per_min || a.service.localeCompare(b.service));
}

export function pipelinesView(rows: LatestRow[]): GatewayInventory['pipelines'] {
  const names = [...new Set(rows.map((r) => r.pipeline))].sort();
  return names.map((name) => {
    const inRow = rows.find((r) => r.pipeline === name && r.position === 'in');
    const outRow = rows.find((r) => r.pipeline === name && r.position === 'out');
    const i = flowOf(inRow);
    const o = flowOf(outRow);
    return {
      name,
      signal: (inRow ?? outRow)!.signal,
      in: i,
      out: o,
      bytes_reduction:
        i && o && i.bytes_per_min > 0 ? Math.round((1 - o.bytes_per_min / i.bytes_per_min) * 10_000) / 10_000 : null,
    };
  });
}

export function gatewayInventoryView(
  gatewayId: string,
  allRows: LatestRow[],
  measure: { component: boolean | null; capability: boolean },
): GatewayInventory {
  const rows = currentPoints(allRows);
  const status = rows.length ? 'reporting' : measure.component || measure.capability ? 'waiting' : 'unsupported';
  const reportedAt = rows.length ? new Date(Math.max(...rows.map((r) => r.received_at.getTime()))) : null;
  return {
    gateway_id: gatewayId,
    measurement: { status, component: measure.component, capability: measure.capability },
    metrics: metricsView(rows),
    metrics_dropped: rows
      .filter((r) => r.signal === 'metrics' && r.position === 'in')
      .reduce((n, r) => Math.max(n, r.metrics_dropped), 0),
    logs: logsView(rows),
    pipelines: pipelinesView(rows),
    reported_at: reportedAt?.toISOString() ?? null,
  };
}

/**
 * One page of the org-wide inventory from the entries of every gateway's recent points: per gateway the
 * largest pipeline (as on the gateway page), then summed over gateways; a label's distinct count is the
 * largest one gateway saw (a lower bound: values are not compared across gateways).
 */
export function orgMetricsView(rows: OrgMetricRow[], maxGatewaysListed = 20): OrgInventoryMetric[] {
  const byName = new Map<string, OrgMetricRow[]>();
  for (const r of rows) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  const out: OrgInventoryMetric[] = [];
  for (const [name, entries] of byName) {
    const perGateway = (position: 'in' | 'out') => {
      const best = new Map<string, { m: StoredMetric; perMin: number; seconds: number }>();
      for (const e of entries.filter((x) => x.position === position)) {
        const perMin = perMinute(e.metric.bytes, e.window_seconds);
        const cur = best.get(e.gateway_id);
        if (!cur || perMin > cur.perMin) best.set(e.gateway_id, { m: e.metric, perMin, seconds: e.window_seconds });
      }
      return [...best.values()];
    };
    const ins = perGateway('in');
    const outs = perGateway('out');
    const sum = (list: typeof ins, f: (x: (typeof ins)[number]) => number) => round(list.reduce((n, x) => n + f(x), 0));
    const labels = new Map<string, StoredLabel>();
    for (const { m } of [...ins, ...outs]) {
      for (const l of m.labels) {
        const cur = labels.get(l.name);
        if (!cur) labels.set(l.name, { ...l, examples: [...l.examples] });
        else {
          if (l.distinct > cur.distinct) Object.assign(cur, { distinct: l.distinct, exact: l.exact });
          for (const x of l.examples) if (cur.examples.length < 10 && !cur.examples.includes(x)) cur.examples.push(x);
        }
      }
    }
    const first = (ins[0] ?? outs[0])!.m;
    const gateways = new Map(entries.map((e) => [e.gateway_id, e.gateway_name]));
    out.push({
      name,
      type: first.type,
      unit: first.unit,
      series: sum(ins, (x) => x.m.series),
      datapoints_per_min: sum(ins, (x) => perMinute(x.m.datapoints, x.seconds)),
      bytes_per_min: sum(ins, (x) => x.perMin),
      labels: labelsView([...labels.values()]),
      out: outs.length
        ? {
            series: sum(outs, (x) => x.m.series),
            datapoints_per_min: sum(outs, (x) => perMinute(x.m.datapoints, x.seconds)),
            bytes_per_min: sum(outs, (x) => x.perMin),
          }
        : null,
      gateway_count: gateways.size,
      gateways: [...gateways]
        .sort((a, b) => a[1].localeCompare(b[1]))
        .slice(0, maxGatewaysListed)
        .map(([id, gname]) => ({ id, name: gname })),
    });
  }
  return out;
}
