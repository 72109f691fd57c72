// Heartbeats refresh last_seen in batches: one UPDATE for all gateways seen in the last interval,
// not one per message.
import type { Db } from '../platform/db/db.ts';
import { touchLastSeen } from '../modules/gateways/gateways.store.ts';

export function createLastSeenBatcher(db: Db, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}) {
  let pending = new Map<string, Date>();
  let flushing: Promise<void> | null = null;
  const flush = async () => {
    if (flushing) await flushing;
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    flushing = (async () => {
      try {
        const ids = [...batch.keys()];
        for (let i = 0; i < ids.length; i += 5000) {
          const slice = ids.slice(i, i + 5000);
          const written = await touchLastSeen(
            db,
            slice,
            slice.map((id) => batch.get(id)!),
          );
          // Rows busy in another transaction: next round (unless a newer heartbeat came meanwhile).
          for (const id of slice) if (!written.has(id) && !pending.has(id)) pending.set(id, batch.get(id)!);
        }
      } catch (err) {
        // Keep what failed for the next round (newest time wins).
        for (const [id, t] of batch) if (!pending.has(id)) pending.set(id, t);
        opts.onError?.(err);
      } finally {
        flushing = null;
      }
    })();
    await flushing;
  };
  const timer = setInterval(() => void flush(), opts.intervalMs ?? 5000);
  timer.unref();
  return {
    touch(gatewayId: string, at = new Date()) {
      pending.set(gatewayId, at);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    pendingCount: () => pending.size,
  };
}
export type LastSeenBatcher = ReturnType<typeof createLastSeenBatcher>;
