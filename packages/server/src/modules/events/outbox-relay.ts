// The outbox relay: the one path from a committed change to everyone who hears of it. Every replica
// runs one; each pass claims unpublished events (FOR UPDATE SKIP LOCKED, so two replicas never take
// the same one), hands them to the consumers inside the same transaction (webhook deliveries are
// queued there, event-driven alert rules record their own events there), publishes them on the bus
// (the live UI's SSE stream) and commits. A process that dies before the commit leaves the events in
// the outbox for the next pass of any replica: nothing is lost; the live stream may see an event twice.
import type pino from 'pino';
import type { Db, Sql } from '../../platform/db/db.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { redisChannels } from '../../platform/names.ts';
import * as store from './events.store.ts';
import type { EventRow } from './events.store.ts';

export type OutboxConsumer = (sql: Sql, events: EventRow[]) => Promise<void>;

/** How an event travels on the bus (and so over SSE): the shape the live UI already reads. */
export function busMessageOf(e: EventRow): Record<string, unknown> {
  return {
    type: e.type,
    org_id: e.org_id,
    id: e.subject_id ?? '',
    at: e.occurred_at.toISOString(),
    event_id: e.id,
    data: { ...e.data, subject: { type: e.subject_type, id: e.subject_id, name: e.subject_name } },
  };
}

const RETENTION_DAYS = 30;
const PRUNE_EVERY_MS = 3600_000;

export function createOutboxRelay(deps: {
  db: Db;
  bus: EventBus;
  logger: pino.Logger;
  /** Idle poll interval (a kick() from this process starts a pass at once). */
  pollMs?: number;
  batch?: number;
}) {
  const { db, bus } = deps;
  const log = deps.logger.child({ component: 'outbox' });
  const pollMs = deps.pollMs ?? 250;
  const batch = deps.batch ?? 200;
  const consumers: OutboxConsumer[] = [];
  const committed: (() => void)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let again = false;
  let lastPrune = 0;
  let failures = 0;

  /** One pass: returns how many events it published. */
  async function relayOnce(): Promise<number> {
    if (!(await store.hasPending(db))) return 0;
    const n = await db.tx(async (sql) => {
      const events = await store.claimPending(sql, batch);
      if (events.length === 0) return 0;
      for (const consume of consumers) await consume(sql, events);
      // Before the commit: if it fails, the events are published again by a later pass (at least once).
      for (const e of events) await bus.publish(redisChannels.events, busMessageOf(e));
      return events.length;
    });
    if (n > 0) for (const fn of committed) fn();
    return n;
  }

  async function pass() {
    let n: number;
    do {
      again = false;
      n = await relayOnce();
      failures = 0;
    } while (!stopped && (n >= batch || again));
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      await store.pruneEvents(db, RETENTION_DAYS);
    }
  }

  function schedule(delay: number) {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      running = pass()
        .catch((err: Error) => {
          failures++;
          if (failures === 1 || failures % 20 === 0)
            log.warn({ err: err.message }, 'publishing events failed; will retry');
        })
        .finally(() => {
          running = null;
          schedule(failures ? Math.min(5000, pollMs * 2 ** failures) : pollMs);
        });
    }, delay);
    timer.unref();
  }

  return {
    /** Consumers run inside the claiming transaction, in registration order. */
    addConsumer(c: OutboxConsumer) {
      consumers.push(c);
    },
    /** Called after a pass committed events (e.g. to send the deliveries it queued). */
    afterCommit(fn: () => void) {
      committed.push(fn);
    },
    relayOnce,
    start() {
      stopped = false;
      schedule(0);
    },
    /** A change was just committed here: publish now instead of at the next poll. */
    kick() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      schedule(0);
    },
    /** Publishes everything pending now (tests, shutdown). */
    async drain() {
      while (running) await running;
      while ((await relayOnce()) > 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      while (running) await running;
    },
  };
}
export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
