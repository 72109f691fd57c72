import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, historySeries, mergeHistory, reductionText, totalsOf } from './inventory-model.ts';

const flow = (items: number, bytes: number) => ({
  items,
  bytes,
  items_per_min: items,
  bytes_per_min: bytes,
  window_start: '2026-12-07T20:00:00.000Z',
  window_end: '2026-12-07T20:01:00.000Z',
});

describe('inventory model', () => {
  it('formats bytes in binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(470_000), '459 KiB');
    assert.equal(formatBytes(5 * 1024 ** 3), '5 GiB');
    assert.equal(formatBytes(null), '—');
  });

  it('says how much less goes out than comes in', () => {
    assert.equal(reductionText(600_000, 470_000), '−21.7 %');
    assert.equal(reductionText(100, 100), '0 %');
    assert.equal(reductionText(100, 120), '+20 %');
    assert.equal(reductionText(0, 10), null);
  });

  it('adds pipelines up, a pipeline without an out point counting nothing out', () => {
    const totals = totalsOf([
      { name: 'metrics', signal: 'metrics', in: flow(3000, 600_000), out: flow(2400, 470_000), bytes_reduction: 0.2 },
      { name: 'logs', signal: 'logs', in: flow(100, 1000), out: null, bytes_reduction: null },
    ]);
    assert.deepEqual(totals, { itemsIn: 3100, itemsOut: 2400, bytesIn: 601_000, bytesOut: 470_000 });
  });

  it('merges hourly points of several pipelines and leaves unreported hours out of the chart', () => {
    const h1 = '2026-12-07T19:00:00.000Z';
    const h2 = '2026-12-07T20:00:00.000Z';
    const merged = mergeHistory([
      [
        { hour: h2, in: { items: 1, bytes: 10, seconds: 60 }, out: { items: 1, bytes: 5, seconds: 60 } },
        { hour: h1, in: { items: 2, bytes: 20, seconds: 60 }, out: null },
      ],
      [{ hour: h2, in: { items: 3, bytes: 30, seconds: 60 }, out: { items: 3, bytes: 30, seconds: 60 } }],
    ]);
    assert.deepEqual(
      merged.map((p) => [p.hour, p.in?.bytes, p.out?.bytes ?? null]),
      [
        [h1, 20, null],
        [h2, 40, 35],
      ],
    );
    const series = historySeries(merged);
    assert.deepEqual(series.in, [
      { t: Date.parse(h1), v: 20 },
      { t: Date.parse(h2), v: 40 },
    ]);
    assert.deepEqual(series.out, [{ t: Date.parse(h2), v: 35 }]);
  });
});
