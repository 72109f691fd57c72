// Webhooks per org: CRUD (the signing secret is shown once, at creation or rotation, and encrypted at
// rest — the server signs with it — like the URL, which may itself be a credential), the delivery log,
// redelivery, test deliveries, and the outbox consumer that queues a delivery for every enabled webhook
// whose patterns match an event.
import { randomBytes } from 'node:crypto';
import {
  eventMatches,
  eventPatternProblem,
  summarizeEvent,
  type CreateWebhookBody,
  type PatchWebhookBody,
} from '@flowgate/config-model';
import type { Db, Sql } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { decrypt, encrypt } from '../../platform/crypto.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import { getEvent, recordEvent, type EventRow } from '../events/events.store.ts';
import * as store from './webhooks.store.ts';
import type { DeliveryRow, WebhookRow } from './webhooks.store.ts';
import type { OutboundClient } from './delivery-worker.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The URL with what looks like a credential masked: long path segments (Slack's token) and query values. */
export function maskUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return '••••';
  }
  const path = u.pathname
    .split('/')
    .map((s, i, all) => (s.length >= 16 || (i === all.length - 1 && s.length >= 12) ? `${s.slice(0, 3)}••••` : s))
    .join('/');
  const query = [...u.searchParams.keys()].map((k) => `${k}=••••`).join('&');
  return `${u.protocol}//${u.host}${path}${query ? `?${query}` : ''}`;
}

const newSigningSecret = () => `fgw_${randomBytes(32).toString('base64url')}`;

export function createWebhooksService(deps: {
  db: Db;
  encryptionKey: Uint8Array;
  outbound: Pick<OutboundClient, 'checkUrl'>;
  /** Names of the org's Flowgate secrets (Jira/GitHub tokens are referenced by name). */
  secretNames(scope: OrgScope): Promise<Set<string>>;
  /** Events were recorded: publish them now (the outbox relay). */
  kickRelay(): void;
  /** Deliveries were queued: send them now (the delivery worker). */
  kickWorker(): void;
}) {
  const { db, encryptionKey } = deps;

  function view(w: WebhookRow, last?: store.LastDelivery) {
    return {
      id: w.id,
      org_id: w.org_id,
      name: w.name,
      url: w.url_display,
      events: w.events,
      format: w.format,
      enabled: w.enabled,
      disabled_reason: w.disabled_reason,
      jira: (w.options.jira as never) ?? null,
      github: (w.options.github as never) ?? null,
      secret_hint: `${decrypt(encryptionKey, w.secret_encrypted).slice(0, 8)}…`,
      created_by: w.created_by_label,
      created_at: w.created_at.toISOString(),
      updated_at: w.updated_at.toISOString(),
      last_delivery: last
        ? { status: last.status, response_code: last.response_code, at: last.updated_at.toISOString() }
        : null,
    };
  }

  async function deliveryViews(scope: OrgScope, rows: DeliveryRow[]) {
    const attempts = await store.attemptsOf(
      db,
      scope,
      rows.map((r) => r.id),
    );
    const events = new Map<string, EventRow>();
    for (const r of rows) {
      if (events.has(r.event_id)) continue;
      const e = await getEvent(db, scope, r.event_id);
      if (e) events.set(r.event_id, e);
    }
    return rows.map((d) => {
      const e = events.get(d.event_id);
      return {
        id: d.id,
        webhook_id: d.webhook_id,
        event_id: d.event_id,
        event_type: d.event_type,
        summary: e
          ? summarizeEvent({
              type: e.type,
              subject: { type: e.subject_type, id: e.subject_id, name: e.subject_name },
              data: e.data,
            })
          : d.event_type,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.status === 'pending' ? d.next_attempt_at.toISOString() : null,
        retry_until: d.retry_until.toISOString(),
        last_error: d.last_error,
        response_code: d.response_code,
        result: d.result,
        created_at: d.created_at.toISOString(),
        updated_at: d.updated_at.toISOString(),
        delivered_at: iso(d.delivered_at),
        attempt_log: attempts
          .filter((a) => a.delivery_id === d.id)
          .map((a) => ({
            attempt: a.attempt,
            at: a.started_at.toISOString(),
            duration_ms: a.duration_ms,
            response_code: a.response_code,
            error: a.error,
            response_excerpt: a.response_excerpt,
          })),
      };
    });
  }

  /** Every problem of a webhook's settings at once; INVALID_WEBHOOK with details.problems. */
  async function check(
    scope: OrgScope,
    w: { url: string; events: string[]; format: string; jira?: unknown; github?: unknown },
  ) {
    const problems: { path: string; message: string }[] = [];
    try {
      deps.outbound.checkUrl(w.url);
    } catch (err) {
      problems.push({ path: 'url', message: (err as Error).message });
    }
    w.events.forEach((p, i) => {
      const problem = eventPatternProblem(p);
      if (problem) problems.push({ path: `events[${i}]`, message: problem });
    });
    for (const kind of ['jira', 'github'] as const) {
      const opts = w[kind] as { token_secret?: string } | undefined;
      if (w.format === kind && !opts)
        problems.push({ path: kind, message: `format ${kind} needs the ${kind} options` });
      if (w.format !== kind && opts)
        problems.push({ path: kind, message: `${kind} options are only for format ${kind}` });
      if (w.format === kind && opts?.token_secret && !(await deps.secretNames(scope)).has(opts.token_secret))
        problems.push({
          path: `${kind}.token_secret`,
          message: `the organization has no secret named ${opts.token_secret} (create it with PUT /api/v1/secrets)`,
        });
    }
    if (problems.length)
      throw new AppError('INVALID_WEBHOOK', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
  }

  async function mustGet(sql: Sql, scope: OrgScope, id: string) {
    const w = await store.getWebhook(sql, scope, id);
    if (!w) throw new AppError('WEBHOOK_NOT_FOUND');
    return w;
  }

  const auditView = (w: WebhookRow) => ({
    name: w.name,
    url: w.url_display,
    events: w.events,
    format: w.format,
    enabled: w.enabled,
  });

  return {
    async create(scope: OrgScope, body: CreateWebhookBody, consoleUrl: string | null) {
      const format = body.format ?? 'json';
      await check(scope, { ...body, format });
      const secret = newSigningSecret();
      const host = new URL(body.url).host;
      const name = body.name ?? `${host} ${randomBytes(3).toString('hex')}`;
      const row = await db.tx(async (sql) => {
        let w: WebhookRow;
        try {
          w = await store.insertWebhook(sql, scope, {
            name,
            url_encrypted: encrypt(encryptionKey, body.url),
            url_display: maskUrl(body.url),
            events: body.events,
            format,
            options: { ...(body.jira ? { jira: body.jira } : {}), ...(body.github ? { github: body.github } : {}) },
            secret_encrypted: encrypt(encryptionKey, secret),
            enabled: body.enabled ?? true,
            consoleUrl,
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', `A webhook named "${name}" already exists`);
          throw err;
        }
        await audit(sql, scope, {
          action: 'webhook.create',
          resourceType: 'webhook',
          resourceId: w.id,
          after: auditView(w),
        });
        return w;
      });
      return { ...view(row), secret };
    },

    async list(scope: OrgScope) {
      const [rows, last] = await Promise.all([store.listWebhooks(db, scope), store.lastDeliveries(db, scope)]);
      const byId = new Map(last.map((l) => [l.webhook_id, l]));
      return { items: rows.map((w) => view(w, byId.get(w.id))) };
    },

    async get(scope: OrgScope, id: string) {
      const w = await mustGet(db, scope, id);
      const last = (await store.lastDeliveries(db, scope)).find((l) => l.webhook_id === id);
      return view(w, last);
    },

    async update(scope: OrgScope, id: string, body: PatchWebhookBody) {
      const before = await mustGet(db, scope, id);
      const url = body.url ?? decrypt(encryptionKey, before.url_encrypted);
      const next = {
        url,
        events: body.events ?? before.events,
        format: before.format,
        jira: body.jira ?? before.options.jira,
        github: body.github ?? before.options.github,
      };
      await check(scope, next);
      const secret = body.rotate_secret ? newSigningSecret() : null;
      const row = await db.tx(async (sql) => {
        const locked = await store.lockWebhook(sql, scope, id);
        if (!locked) throw new AppError('WEBHOOK_NOT_FOUND');
        let w: WebhookRow | null;
        try {
          w = await store.updateWebhook(sql, scope, id, {
            name: body.name,
            ...(body.url ? { url_encrypted: encrypt(encryptionKey, url), url_display: maskUrl(url) } : {}),
            events: body.events,
            options:
              body.jira || body.github
                ? { ...(next.jira ? { jira: next.jira } : {}), ...(next.github ? { github: next.github } : {}) }
                : undefined,
            enabled: body.enabled,
            // Enabling again clears why it was disabled.
            disabled_reason: body.enabled === true ? null : undefined,
            secret_encrypted: secret ? encrypt(encryptionKey, secret) : undefined,
          });
        } catch (err) {
          if (isUniqueViolation(err))
            throw new AppError('ALREADY_EXISTS', `A webhook named "${body.name}" already exists`);
          throw err;
        }
        if (body.enabled === false) await store.failWaiting(sql, id, 'the webhook was disabled');
        await audit(sql, scope, {
          action: 'webhook.update',
          resourceType: 'webhook',
          resourceId: id,
          before: auditView(locked),
          after: { ...auditView(w!), ...(secret ? { secret_rotated: true } : {}) },
        });
        return w!;
      });
      return { ...view(row), ...(secret ? { secret } : {}) };
    },

    async remove(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const before = await store.lockWebhook(sql, scope, id);
        if (!before) throw new AppError('WEBHOOK_NOT_FOUND');
        await store.deleteWebhook(sql, scope, id);
        await audit(sql, scope, {
          action: 'webhook.delete',
          resourceType: 'webhook',
          resourceId: id,
          before: auditView(before),
        });
      });
    },

    async deliveries(scope: OrgScope, id: string, q: { status?: string; limit?: number }) {
      await mustGet(db, scope, id);
      const rows = await store.listDeliveries(db, scope, id, q.status ?? null, q.limit ?? 50);
      return { items: await deliveryViews(scope, rows) };
    },

    async delivery(scope: OrgScope, id: string, deliveryId: string) {
      await mustGet(db, scope, id);
      const d = await store.getDelivery(db, scope, id, deliveryId);
      if (!d) throw new AppError('WEBHOOK_NOT_FOUND', 'Delivery not found');
      return (await deliveryViews(scope, [d]))[0]!;
    },

    async redeliver(scope: OrgScope, id: string, deliveryId: string) {
      const d = await db.tx(async (sql) => {
        const w = await mustGet(sql, scope, id);
        if (!w.enabled)
          throw new AppError('INVALID_STATE', 'The webhook is disabled: enable it before sending deliveries again');
        const current = await store.getDelivery(sql, scope, id, deliveryId);
        if (!current) throw new AppError('WEBHOOK_NOT_FOUND', 'Delivery not found');
        const row = await store.redeliver(sql, scope, id, deliveryId);
        if (!row) throw new AppError('INVALID_STATE', 'The delivery is being sent right now');
        await audit(sql, scope, {
          action: 'webhook.redeliver',
          resourceType: 'webhook',
          resourceId: id,
          after: { delivery_id: deliveryId, event_type: row.event_type },
        });
        return row;
      });
      deps.kickWorker();
      return (await deliveryViews(scope, [d]))[0]!;
    },

    /** A `webhook.test` event, delivered to this webhook only (through the outbox like every event). */
    async test(scope: OrgScope, id: string) {
      const eventId = await db.tx(async (sql) => {
        const w = await mustGet(sql, scope, id);
        if (!w.enabled) throw new AppError('INVALID_STATE', 'The webhook is disabled: enable it first');
        return recordEvent(sql, scope, {
          type: 'webhook.test',
          subject: { type: 'webhook', id: w.id, name: w.name },
          data: { webhook_id: w.id, message: 'A test delivery from Flowgate' },
        });
      });
      deps.kickRelay();
      return { event_id: eventId };
    },

    /** Outbox consumer: one delivery per (matching enabled webhook, event), in the relay's transaction. */
    async enqueueFor(sql: Sql, events: EventRow[]) {
      const hooks = await store.enabledWebhooksOf(sql, [...new Set(events.map((e) => e.org_id))]);
      if (hooks.length === 0) return;
      const rows: { orgId: string; webhookId: string; eventId: string; eventType: string }[] = [];
      for (const e of events) {
        for (const h of hooks) {
          if (h.org_id !== e.org_id) continue;
          // A test goes to the webhook it was asked for, whatever its patterns.
          if (e.type === 'webhook.test' ? e.data.webhook_id !== h.id : !eventMatches(h.events, e.type)) continue;
          rows.push({ orgId: e.org_id, webhookId: h.id, eventId: e.id, eventType: e.type });
        }
      }
      await store.enqueueDeliveries(sql, rows);
    },
  };
}
export type WebhooksService = ReturnType<typeof createWebhooksService>;
