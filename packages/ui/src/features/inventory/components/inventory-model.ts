// Pure helpers for the inventory views (tested without a browser).
import type { ChartPoint } from '../../../components/charts/chart-math.ts';
import type { InventoryHistoryPoint, InventoryPipeline } from '../api/inventory-api.ts';

/** 1 KiB = 1024 bytes; one decimal under 100 of a unit. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 ? String(Math.round(v)) : v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${bytes < 0 ? '-' : ''}${text} ${units[i]}`;
}

/** "−21.7 %" style reduction from in → out; null when there is nothing to compare. */
export function reductionText(inValue: number, outValue: number): string | null {
  if (!(inValue > 0)) return null;
  const r = 1 - outValue / inValue;
  const pct = Math.round(r * 1000) / 10;
  if (pct === 0) return '0 %';
  return pct > 0 ? `−${pct} %` : `+${-pct} %`;
}

/** The pipelines' in and out added up, per minute (what the gateway receives and exports in all). */
export function totalsOf(pipelines: InventoryPipeline[]) {
  const sum = (f: (p: InventoryPipeline) => number | undefined) => pipelines.reduce((n, p) => n + (f(p) ?? 0), 0);
  return {
    itemsIn: sum((p) => p.in?.items_per_min),
    itemsOut: sum((p) => p.out?.items_per_min),
    bytesIn: sum((p) => p.in?.bytes_per_min),
    bytesOut: sum((p) => p.out?.bytes_per_min),
  };
}

/** Axis labels: 1024-based like formatBytes, as short as the items axis ("381K", "5.2M", "1.1G"). */
export function compactBytes(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 || v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${bytes < 0 ? '-' : ''}${text}${units[i]}`;
}

/**
 * Hourly bytes per minute in and out as chart series: the rate over each hour's measured windows, so the
 * hour in progress is not drawn as a drop. Hours without a report are left out, not drawn as zero.
 */
export function historySeries(points: InventoryHistoryPoint[]): { in: ChartPoint[]; out: ChartPoint[] } {
  const of = (side: 'in' | 'out') =>
    points
      .filter((p) => p[side] !== null)
      .map((p) => ({ t: Date.parse(p.hour), v: p[side]!.bytes_per_min }))
      .filter((p) => Number.isFinite(p.t))
      .sort((a, b) => a.t - b.t);
  return { in: of('in'), out: of('out') };
}

/** Adds up several pipelines' (or signals') hourly points hour by hour (rates add up). */
export function mergeHistory(lists: InventoryHistoryPoint[][]): InventoryHistoryPoint[] {
  const byHour = new Map<string, InventoryHistoryPoint>();
  for (const list of lists) {
    for (const p of list) {
      const cur = byHour.get(p.hour) ?? { hour: p.hour, in: null, out: null };
      for (const side of ['in', 'out'] as const) {
        const v = p[side];
        if (!v) continue;
        const c = cur[side] ?? { items: 0, bytes: 0, seconds: 0, items_per_min: 0, bytes_per_min: 0 };
        cur[side] = {
          items: c.items + v.items,
          bytes: c.bytes + v.bytes,
          seconds: c.seconds + v.seconds,
          items_per_min: c.items_per_min + v.items_per_min,
          bytes_per_min: c.bytes_per_min + v.bytes_per_min,
        };
      }
      byHour.set(p.hour, cur);
    }
  }
  return [...byHour.values()].sort((a, b) => Date.parse(a.hour) - Date.parse(b.hour));
}
