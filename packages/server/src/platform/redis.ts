// The only place that touches Redis.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventBus, BusHandler } from './events/bus.ts';

export function createRedisClient(url: string, onError: (err: Error) => void): Redis {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  client.on('error', onError);
  return client;
}

export async function createRedisBus(
  url: string,
  onError: (err: Error) => void,
): Promise<{ bus: EventBus; client: Redis }> {
  const pub = createRedisClient(url, onError);
  const sub = createRedisClient(url, onError);
  await Promise.all([pub.ping(), sub.ping()]);
  const handlers = new Map<string, Set<BusHandler>>();
  // This replica hears its own messages at once (read-your-writes: a config pushed here is in the next
  // poll answered here) and skips their echo from Redis; other replicas hear them through Redis.
  const origin = randomUUID();
  const deliver = (channel: string, message: Record<string, unknown>) => {
    const set = handlers.get(channel);
    if (set) for (const h of set) h(message);
  };
  sub.on('message', (channel: string, raw: string) => {
    let envelope: { o?: unknown; m?: unknown };
    try {
      envelope = JSON.parse(raw);
    } catch {
      return;
    }
    if (envelope.o === origin || typeof envelope.m !== 'object' || envelope.m === null) return;
    deliver(channel, envelope.m as Record<string, unknown>);
  });
  const bus: EventBus = {
    kind: 'redis',
    async publish(channel, message) {
      // Asynchronously, like the memory bus, so publishers never re-enter subscribers.
      queueMicrotask(() => deliver(channel, message));
      await pub.publish(channel, JSON.stringify({ o: origin, m: message }));
    },
    subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        void sub.subscribe(channel).catch(onError);
      }
      set.add(handler);
      return () => {
        set!.delete(handler);
      };
    },
    async close() {
      sub.disconnect();
      pub.disconnect();
    },
  };
  return { bus, client: pub };
}
