import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linePath, linearScale, mergeSeries, nearestIndex, niceTicks } from './chart-math.ts';

describe('chart math', () => {
  it('picks round ticks that cover the maximum', () => {
    assert.deepEqual(niceTicks(95), [0, 25, 50, 75, 100]);
    assert.deepEqual(niceTicks(1200), [0, 500, 1000, 1500]);
    assert.deepEqual(niceTicks(0), [0, 1]);
  });

  it('sums series into time buckets', () => {
    const merged = mergeSeries(
      [
        [
          { t: 60_000, v: 1 },
          { t: 120_500, v: 2 },
        ],
        [{ t: 61_000, v: 10 }],
      ],
      60_000,
    );
    assert.deepEqual(merged, [
      { t: 60_000, v: 11 },
      { t: 120_000, v: 2 },
    ]);
  });

  it('scales and draws a path', () => {
    const x = linearScale([0, 10], [0, 100]);
    const y = linearScale([0, 1], [50, 0]);
    assert.equal(
      linePath(
        [
          { t: 0, v: 0 },
          { t: 10, v: 1 },
        ],
        x,
        y,
      ),
      'M0.0,50.0L100.0,0.0',
    );
    assert.equal(
      nearestIndex(
        [
          { t: 0, v: 0 },
          { t: 10, v: 0 },
        ],
        7,
      ),
      1,
    );
  });
});
