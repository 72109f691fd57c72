// Sends queued webhook deliveries. Every replica runs a worker; a delivery is leased to one of them
// (claimDue: FOR UPDATE SKIP LOCKED, then a lease), so it is sent by one replica at a time, and a replica
// that dies mid-call leaves a lease that runs out and the delivery is sent again (receivers dedupe on
// x-flowgate-delivery). Failures are retried with exponential backoff and jitter for 24 hours; a 410
// answer means the receiver is gone for good: the webhook is disabled.
import type pino from 'pino';
import { consolePathOf } from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { decrypt } from '../../platform/crypto.ts';
import { systemScope, type OrgScope } from '../../platform/scope.ts';
import { getEvent } from '../events/events.store.ts';
import * as store from './webhooks.store.ts';
import type { DeliveryRow, WebhookRow } from './webhooks.store.ts';
import { buildRequest, eventView, resultOf } from './payloads.ts';

/** The part of platform/outbound.ts (the one module for outbound calls) that deliveries use. */
export interface OutboundClient {
  request(req: {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
    maxBytes?: number;
  }): Promise<{ status: number; contentType: string; body: Buffer }>;
  checkUrl(url: string): URL;
}

const MAX_ANSWER_BYTES = 256 * 1024;
const EXCERPT = 500;
const MAX_DELAY_MS = 3600_000;

/** Delay before attempt `attempt + 1`: base·2^(attempt−1), at most an hour, then between half and all of it. */
export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  const full = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

export interface DeliveryWorkerDeps {
  db: Db;
  outbound: OutboundClient;
  logger: pino.Logger;
  encryptionKey: Uint8Array;
  /** A Flowgate secret's value (Jira/GitHub tokens), or null when the org has no such secret. */
  secretValue(scope: OrgScope, name: string): Promise<string | null>;
  publicUrl: string | null;
  retryBaseMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  pollMs?: number;
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { db } = deps;
  const log = deps.logger.child({ component: 'webhooks' });
  const retryBaseMs = deps.retryBaseMs ?? 30_000;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const concurrency = deps.concurrency ?? 8;
  const pollMs = deps.pollMs ?? 1000;
  // A lease outlives the call's deadline by a margin: only a dead replica's lease runs out.
  const leaseSeconds = Math.ceil(timeoutMs / 1000) * 2 + 5;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let again = false;

  async function send(d: DeliveryRow, webhook: WebhookRow): Promise<void> {
    const scope = systemScope(d.org_id);
    const startedAt = new Date();
    const t0 = performance.now();
    const attempt = {
      deliveryId: d.id,
      orgId: d.org_id,
      attempt: d.attempts,
      startedAt,
      durationMs: 0,
      responseCode: null as number | null,
      error: null as string | null,
      responseExcerpt: null as string | null,
    };
    let outcome: 'delivered' | 'retry' | 'gone' | 'refused' = 'retry';
    let result: Record<string, unknown> | null = null;
    try {
      if (!webhook.enabled) {
        attempt.error = `the webhook is disabled${webhook.disabled_reason ? `: ${webhook.disabled_reason}` : ''}`;
        outcome = 'refused';
      } else {
        const row = await getEvent(db, scope, d.event_id);
        if (!row) throw new Error('the event no longer exists');
        const event = eventView(row, deps.publicUrl ?? webhook.console_url, consolePathOf);
        const tokenName = (webhook.options.jira ?? webhook.options.github)?.token_secret;
        let token: string | null = null;
        if (typeof tokenName === 'string') {
          token = await deps.secretValue(scope, tokenName);
          if (token === null) throw new Error(`the organization has no secret named ${tokenName} (the API token)`);
        }
        const url = decrypt(deps.encryptionKey, webhook.url_encrypted);
        const req = buildRequest({ ...webhook, url }, event, {
          secret: decrypt(deps.encryptionKey, webhook.secret_encrypted),
          deliveryId: d.id,
          attempt: d.attempts,
          now: new Date(),
          token,
        });
        const res = await deps.outbound.request({
          url: req.url,
          method: 'POST',
          headers: req.headers,
          body: req.body,
          timeoutMs,
          maxBytes: MAX_ANSWER_BYTES,
        });
        const text = res.body.toString('utf8');
        attempt.responseCode = res.status;
        attempt.responseExcerpt = text.slice(0, EXCERPT) || null;
        if (res.status >= 200 && res.status < 300) {
          outcome = 'delivered';
          result = resultOf({ ...webhook, url: decrypt(deps.encryptionKey, webhook.url_encrypted) }, text);
        } else if (res.status === 410) {
          outcome = 'gone';
          attempt.error = 'the receiver answered 410 Gone: the webhook is disabled';
        } else {
          attempt.error = `the receiver answered ${res.status}`;
        }
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      attempt.error = (err as Error).message;
      // A target the instance refuses stays refused until its settings change: no point retrying.
      if (code === 'OUTBOUND_TARGET_FORBIDDEN') outcome = 'refused';
    }
    attempt.durationMs = Math.round(performance.now() - t0);
    const delay = backoffMs(d.attempts, retryBaseMs);
    await db.tx(async (sql) => {
      if (outcome === 'delivered') return store.finishAttempt(sql, attempt, { status: 'delivered', result });
      if (outcome === 'gone') {
        await store.finishAttempt(sql, attempt, { status: 'failed' });
        await store.disableWebhook(sql, webhook.id, 'the receiver answered 410 Gone');
        await store.failWaiting(sql, webhook.id, 'the webhook was disabled: the receiver answered 410 Gone');
        return;
      }
      if (outcome === 'refused' || Date.now() + delay > d.retry_until.getTime())
        return store.finishAttempt(sql, attempt, { status: 'failed' });
      return store.finishAttempt(sql, attempt, { status: 'pending', nextAttemptAt: new Date(Date.now() + delay) });
    });
    if (outcome !== 'delivered')
      log.info(
        { webhook: webhook.id, delivery: d.id, attempt: d.attempts, err: attempt.error },
        'webhook delivery failed',
      );
  }

  /** One pass: claims what is due and sends it. Returns how many deliveries it took. */
  async function deliverDue(): Promise<number> {
    const claimed = await db.tx((sql) => store.claimDue(sql, concurrency, leaseSeconds));
    await Promise.all(
      claimed.map(async (d) => {
        try {
          const webhook = await store.webhookById(db, d.webhook_id);
          if (webhook) await send(d, webhook);
        } catch (err) {
          log.warn({ err: (err as Error).message, delivery: d.id }, 'recording a webhook delivery failed');
        }
      }),
    );
    return claimed.length;
  }

  function schedule(delay: number) {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      running = (async () => {
        let n;
        do {
          again = false;
          n = await deliverDue();
        } while (!stopped && (n >= concurrency || again));
      })()
        .catch((err: Error) => log.warn({ err: err.message }, 'webhook worker pass failed'))
        .finally(() => {
          running = null;
          schedule(pollMs);
        });
    }, delay);
    timer.unref();
  }

  return {
    deliverDue,
    start() {
      stopped = false;
      schedule(0);
    },
    kick() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      if (timer) clearTimeout(timer);
      timer = null;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      while (running) await running;
    },
  };
}
export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
