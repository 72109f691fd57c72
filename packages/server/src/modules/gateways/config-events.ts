// Remote-config reports of a fleet arrive by the thousand during a rollout: they are written to
// gateway_config_events in batches (one INSERT per interval), not one statement per report.
// Readers flush first, so what this replica was told is always in what it answers.
import type { Db } from '../../platform/db/db.ts';
import { insertConfigEvents } from './gateways.store.ts';

type ConfigEvent = Parameters<typeof insertConfigEvents>[1][number];

export function createConfigEventQueue(db: Db, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}) {
  let pending: ConfigEvent[] = [];
  let flushing: Promise<void> | null = null;
  const flush = async (): Promise<void> => {
    while (flushing) await flushing;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    flushing = (async () => {
      try {
        for (let i = 0; i < batch.length; i += 2000) await insertConfigEvents(db, batch.slice(i, i + 2000));
      } catch (err) {
        // Kept, in order, ahead of what came meanwhile; a deleted gateway's events are skipped by the INSERT.
        pending = [...batch, ...pending];
        opts.onError?.(err);
      } finally {
        flushing = null;
      }
    })();
    await flushing;
  };
  const timer = setInterval(() => void flush(), opts.intervalMs ?? 100);
  timer.unref();
  return {
    add(e: Omit<ConfigEvent, 'at'>) {
      pending.push({ ...e, at: new Date() });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
