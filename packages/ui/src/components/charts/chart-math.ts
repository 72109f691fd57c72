// Pure chart helpers: axis ticks, scales and SVG paths. No DOM.

export interface ChartPoint {
  t: number; // epoch ms
  v: number;
}

/** About `count` round tick values covering [0, max] (1, 2, 2.5, 5 × 10^n steps). */
export function niceTicks(max: number, count = 4): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.5 && ticks.length < 12; v += step) ticks.push(Number(v.toFixed(10)));
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Number(((ticks.at(-1) ?? 0) + step).toFixed(10)));
  return ticks;
}

export function linearScale(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

export function linePath(points: ChartPoint[], x: (t: number) => number, y: (v: number) => number): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
}

export function areaPath(
  points: ChartPoint[],
  x: (t: number) => number,
  y: (v: number) => number,
  baseline: number,
): string {
  if (points.length === 0) return '';
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return `${linePath(points, x, y)}L${x(last.t).toFixed(1)},${baseline}L${x(first.t).toFixed(1)},${baseline}Z`;
}

/** Sum several series into one, bucketing timestamps to `bucketMs` (gateways report at different instants). */
export function mergeSeries(series: ChartPoint[][], bucketMs: number): ChartPoint[] {
  const sums = new Map<number, number>();
  for (const points of series) {
    for (const p of points) {
      const bucket = Math.floor(p.t / bucketMs) * bucketMs;
      sums.set(bucket, (sums.get(bucket) ?? 0) + p.v);
    }
  }
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([t, v]) => ({ t, v }));
}

export function nearestIndex(points: ChartPoint[], t: number): number {
  let best = -1;
  let bestDistance = Infinity;
  points.forEach((p, i) => {
    const d = Math.abs(p.t - t);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  });
  return best;
}

export function timeTicks(start: number, end: number, count = 5): number[] {
  if (end <= start) return [start];
  const step = (end - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => start + i * step);
}
