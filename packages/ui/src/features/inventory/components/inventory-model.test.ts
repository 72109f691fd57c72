import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactBytes, formatBytes, historySeries, mergeHistory, reductionText, totalsOf } from './inventory-model.ts';

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

  it('axis labels stay short', () => {
    assert.deepEqual([0, 900, 390_000, 5_400_000, 1.2 * 1024 ** 3].map(compactBytes), [
      '0',
      '900',
      '381K',
      '5.1M',
      '1.2G',
    ]);
  });

  it('charts hourly rates: pipelines add up, a partly reported hour is no drop, unreported hours are left out', () => {
    const h1 = '2026-12-07T19:00:00.000Z';
    const h2 = '2026-12-07T20:00:00.000Z';
    const flowOf = (bytes: number, seconds: number) => ({
      items: 1,
      bytes,
      seconds,
      items_per_min: 60 / seconds,
      bytes_per_min: (bytes * 60) / seconds,
    });
    const merged = mergeHistory([
      [
        { hour: h2, in: flowOf(100, 60), out: flowOf(50, 60) }, // the hour in progress: one minute so far
        { hour: h1, in: flowOf(6000, 3600), out: null },
      ],
      [{ hour: h2, in: flowOf(300, 60), out: flowOf(300, 60) }],
    ]);
    assert.deepEqual(
      merged.map((p) => [p.hour, p.in?.bytes_per_min, p.out?.bytes_per_min ?? null]),
      [
        [h1, 100, null],
        [h2, 400, 350],
      ],
    );
    const series = historySeries(merged);
    assert.deepEqual(series.in, [
      { t: Date.parse(h1), v: 100 },
      { t: Date.parse(h2), v: 400 },
    ]);
    assert.deepEqual(series.out, [{ t: Date.parse(h2), v: 350 }]);
  });
});
