// One worker thread that runs the usage analysis (analysis-tasks.ts) off the event loop: a worker, not
// chunking, because the parser and the merge are synchronous library code that cannot yield midway,
// and a 1,000-dashboard org takes seconds of CPU. Tasks run one at a time (the machine's other core
// keeps serving requests); a crashed worker fails its tasks and is replaced on the next one.
import { Worker } from 'node:worker_threads';
import type { MetricUsage } from '@flowgate/analysis';
import type { AnalysisOutcome, AnalysisTask } from './analysis-tasks.ts';

type Result<T extends AnalysisTask> = T extends { op: 'merge' } ? MetricUsage[] : AnalysisOutcome;

export interface AnalysisPool {
  run<T extends AnalysisTask>(task: T): Promise<Result<T>>;
  close(): Promise<void>;
}

export function createAnalysisPool(): AnalysisPool {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const start = () => {
    const w = new Worker(new URL('./analysis-worker.mjs', import.meta.url));
    w.unref();
    w.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`usage analysis failed: ${msg.error}`));
    });
    w.on('error', (err: Error) => {
      if (worker === w) worker = null;
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(new Error(`usage analysis worker exited with code ${code}`));
    });
    return w;
  };

  return {
    run<T extends AnalysisTask>(task: T): Promise<Result<T>> {
      worker ??= start();
      const id = nextId++;
      const w = worker;
      return new Promise<Result<T>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        w.ref();
        w.postMessage({ id, task });
      }).finally(() => {
        if (pending.size === 0) w.unref();
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
