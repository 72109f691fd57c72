import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PRICE_MODEL, MINUTES_PER_MONTH } from '@flowgate/config-model';
import { beforeAfter, savings, savingsOverTime, type FlowPoint } from './savings.ts';

const hour = (h: number) => new Date(Date.UTC(2026, 11, 1, h)).toISOString();
const flow = (items: number, bytes: number, seconds = 3600) => ({ items, bytes, seconds });
const point = (
  h: number,
  signal: FlowPoint['signal'],
  inn: ReturnType<typeof flow> | null,
  out: ReturnType<typeof flow> | null,
): FlowPoint => ({
  hour: hour(h),
  pipeline: signal,
  signal,
  in: inn,
  out,
});

test('saved share and dollars per month from in/out over hours; hours measured at one end only are left out', () => {
  const points = [
    // 3,000 points/min in, 750 out; 300 kB/min in, 60 kB/min out.
    point(0, 'metrics', flow(180_000, 18_000_000), flow(45_000, 3_600_000)),
    point(1, 'metrics', flow(180_000, 18_000_000), flow(45_000, 3_600_000)),
    point(2, 'metrics', flow(999_999, 99_999_999), null),
    // Half an hour measured.
    point(0, 'logs', flow(6_000, 6_000_000, 1800), flow(3_000, 1_500_000, 1800)),
  ];
  const [metrics, logs] = savings(points, { prices: DEFAULT_PRICE_MODEL });
  assert.equal(metrics!.signal, 'metrics');
  assert.deepEqual(metrics!.in, { items_per_min: 3000, bytes_per_min: 300_000 });
  assert.deepEqual(metrics!.out, { items_per_min: 750, bytes_per_min: 60_000 });
  assert.equal(metrics!.items_saved_share, 0.75);
  assert.equal(metrics!.bytes_saved_share, 0.8);
  assert.equal(metrics!.hours_measured, 2);
  assert.equal(metrics!.hours, 3);
  // 60 s interval: 3,000 series in, 750 out at $0.05 per custom metric.
  assert.ok(Math.abs(metrics!.usd_per_month!.datadog - (3000 - 750) * 0.05) < 1e-9);
  assert.ok(Math.abs(metrics!.usd_per_month!.grafana_cloud - ((3000 - 750) / 1000) * 6.5) < 1e-9);
  assert.ok(Math.abs(metrics!.usd_per_month!.google_cloud - ((2250 * MINUTES_PER_MONTH) / 1e6) * 0.06) < 1e-9);
  assert.deepEqual(logs!.in, { items_per_min: 200, bytes_per_min: 200_000 });
  assert.equal(logs!.bytes_saved_share, 0.75);
  const gbSaved = ((200_000 - 50_000) * MINUTES_PER_MONTH) / 1e9;
  assert.ok(Math.abs(logs!.usd_per_month!.grafana_cloud - gbSaved * 0.5) < 1e-9);
  // A 15 s scrape interval: the same points are a quarter of the series.
  const fast = savings(points, { prices: DEFAULT_PRICE_MODEL, metricsIntervalSeconds: 15 })[0]!;
  assert.ok(Math.abs(fast.usd_per_month!.datadog - metrics!.usd_per_month!.datadog / 4) < 1e-9);
});

test('traces are measured but not priced; no data gives null shares', () => {
  const [traces] = savings([point(0, 'traces', flow(10, 100), flow(5, 50))], { prices: DEFAULT_PRICE_MODEL });
  assert.equal(traces!.bytes_saved_share, 0.5);
  assert.equal(traces!.usd_per_month, null);
  const [empty] = savings([point(0, 'logs', null, flow(1, 1))], { prices: DEFAULT_PRICE_MODEL });
  assert.equal(empty!.bytes_saved_share, null);
  assert.equal(empty!.hours_measured, 0);
});

test('reduction over time sums pipelines per hour; before/after compares what was exported', () => {
  const points = [
    point(0, 'metrics', flow(100, 1000), flow(100, 1000)),
    { ...point(0, 'metrics', flow(100, 1000), flow(100, 1000)), pipeline: 'metrics/b' },
    point(1, 'metrics', flow(100, 1000), flow(100, 1000)),
    point(2, 'metrics', flow(100, 1000), flow(25, 200)),
    point(3, 'metrics', flow(100, 1000), flow(25, 200)),
  ];
  const over = savingsOverTime(points);
  assert.deepEqual(
    over.map((h) => [h.hour.slice(11, 13), h.in_bytes, h.out_bytes, h.bytes_saved_share]),
    [
      ['00', 2000, 2000, 0],
      ['01', 1000, 1000, 0],
      ['02', 1000, 200, 0.8],
      ['03', 1000, 200, 0.8],
    ],
  );
  const [m] = beforeAfter(points.slice(2), hour(2), { prices: DEFAULT_PRICE_MODEL });
  assert.ok(Math.abs(m!.out_bytes_change! - (200 / 1000 - 1)) < 1e-12);
  assert.equal(m!.out_items_change, -0.75);
  assert.ok(m!.usd_per_month!.datadog > 0);
});
