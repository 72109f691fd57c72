// The only place that touches Redis.
import { Redis } from 'ioredis';
import type { EventBus, BusHandler } from './events/bus.ts';

export function createRedisClient(url: string, onError: (err: Error) => void): Redis {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  client.on('error', onError);
  return client;
}

export async function createRedisBus(url: string, onError: (err: Error) => void): Promise<{ bus: EventBus; client: Redis }> {
  const pub = createRedisClient(url, onError);
  const sub = createRedisClient(url, onError);
  await Promise.all([pub.ping(), sub.ping()]);
  const handlers = new Map<string, Set<BusHandler>>();
  sub.on('message', (channel: string, raw: string) => {
    const set = handlers.get(channel);
    if (!set) return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    for (const h of set) h(message);
  });
  const bus: EventBus = {
    kind: 'redis',
    async publish(channel, message) {
      await pub.publish(channel, JSON.stringify(message));
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
