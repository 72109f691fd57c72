// Cross-replica fan-out. In one process it is an EventEmitter; with REDIS_URL every replica publishes
// to and subscribes from Redis pub/sub, so a push requested on replica A reaches the WebSocket on B.
import { EventEmitter } from 'node:events';

export type BusHandler = (message: Record<string, unknown>) => void;

export interface EventBus {
  readonly kind: 'memory' | 'redis';
  publish(channel: string, message: Record<string, unknown>): Promise<void>;
  subscribe(channel: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}

export function createMemoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    kind: 'memory',
    async publish(channel, message) {
      // Deliver asynchronously, like Redis would, so publishers never re-enter subscribers.
      queueMicrotask(() => emitter.emit(channel, message));
    },
    subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => emitter.off(channel, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
