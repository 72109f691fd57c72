// Mining on the server's event loop in bounded slices: the miner is online, so lines are added for ~10 ms
// at a time and the loop serves other requests in between (a 100,000-line sample does not hold /healthz).
// A few samples are mined at once per process; more answer LOG_MINING_BUSY with Retry-After.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { addSampleLines, LogMiner, type MineResult, type MinerOptions, type SampleLines } from '@flowgate/analysis';
import { AppError } from '../../platform/errors.ts';

export const MINING_SLICE_MS = 10;
export const MINING_CONCURRENCY = 4;
const STEP = 256;

export function createMiningQueue(opts: { concurrency?: number; sliceMs?: number } = {}) {
  const concurrency = opts.concurrency ?? MINING_CONCURRENCY;
  const sliceMs = opts.sliceMs ?? MINING_SLICE_MS;
  let active = 0;
  return {
    get active() {
      return active;
    },
    async mine(sample: SampleLines, options: MinerOptions = {}): Promise<MineResult> {
      if (active >= concurrency)
        throw new AppError(
          'LOG_MINING_BUSY',
          `${concurrency} log samples are being mined already; try again in a few seconds`,
          undefined,
          { 'Retry-After': '5' },
        );
      active++;
      try {
        const miner = new LogMiner(options);
        const n = sample.lines.length;
        let i = 0;
        while (i < n) {
          const sliceEnd = performance.now() + sliceMs;
          while (i < n && performance.now() < sliceEnd) {
            const to = Math.min(n, i + STEP);
            addSampleLines(miner, sample, i, to);
            i = to;
          }
          if (i < n) await yieldToLoop();
        }
        return miner.result();
      } finally {
        active--;
      }
    },
  };
}
export type MiningQueue = ReturnType<typeof createMiningQueue>;
