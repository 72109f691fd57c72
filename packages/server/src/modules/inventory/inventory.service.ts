// The inventory: summaries from the gateways' Flowgate processors (OpAMP custom messages, capability
// io.flowgate.measure) are checked and stored — the latest point per (gateway, pipeline, position) and
// hourly history — and answered as per-gateway and org-wide inventories. A summary is refused whole (and
// logged with the gateway) when it is too large, not gzip, not JSON, or outside the contract's bounds;
// nothing of it is stored. See docs/measurement.md.
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import type pino from 'pino';
import {
  checkSummary,
  MEASURE_CAPABILITY,
  measureLimits,
  type GatewayInventoryHistory,
  type MeasureLabel,
  type MeasurePoint,
  type OrgInventory,
  type OrgInventoryHistory,
} from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { systemScope, type OrgScope } from '../../platform/scope.ts';
import * as gwStore from '../gateways/gateways.store.ts';
import type { CustomMessageSource } from '../../opamp/custom-messages.ts';
import * as store from './inventory.store.ts';
import { gatewayInventoryView, orgMetricsView, perMinute } from './inventory-view.ts';

const gunzip = promisify(gunzipCb);

/** Org-wide views count gateways whose latest window ended this recently. */
const ORG_RECENT_MS = 60 * 60_000;
const HOUR_MS = 3_600_000;
const MAX_EXAMPLES = 10;
const MAX_EXAMPLE_CHARS = 256;

export class MessageRefused extends Error {}

/** gzip-compressed JSON within the size limits → the parsed value; MessageRefused otherwise. */
export async function decodeGzipJson(data: Uint8Array): Promise<unknown> {
  if (data.length > measureLimits.compressedBytes)
    throw new MessageRefused(`${data.length} bytes compressed, more than ${measureLimits.compressedBytes}`);
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) throw new MessageRefused('not gzip-compressed');
  let json: Buffer;
  try {
    json = await gunzip(data, { maxOutputLength: measureLimits.decompressedBytes });
  } catch (err) {
    const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /larger than/i.test(String(err));
    throw new MessageRefused(
      tooLarge ? `more than ${measureLimits.decompressedBytes} bytes decompressed` : `gzip: ${(err as Error).message}`,
    );
  }
  try {
    return JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new MessageRefused(`not JSON: ${(err as Error).message}`);
  }
}

const storedLabels = (list: MeasureLabel[] | undefined): store.StoredLabel[] =>
  (list ?? []).map((l) => ({
    name: l.name,
    distinct: l.distinct,
    exact: l.exact ?? true,
    examples: (l.examples ?? []).slice(0, MAX_EXAMPLES).map((e) => e.slice(0, MAX_EXAMPLE_CHARS)),
  }));

/** A checked point as stored: known fields only, examples bounded. */
export function storedPoint(p: MeasurePoint): store.StoredPoint {
  return {
    pipeline: p.pipeline,
    position: p.position,
    signal: p.signal,
    window_start: new Date(p.window.start),
    window_end: new Date(p.window.end),
    items: p.items,
    bytes: p.bytes,
    metrics: (p.metrics ?? []).map((m) => ({
      name: m.name,
      type: m.type,
      unit: m.unit ?? '',
      monotonic: m.monotonic ?? null,
      temporality: m.temporality ?? null,
      series: m.series,
      datapoints: m.datapoints,
      bytes: m.bytes,
      labels: storedLabels(m.labels),
      resource_labels: storedLabels(m.resource_labels),
    })),
    metrics_dropped: p.metrics_dropped ?? 0,
    logs: (p.logs ?? []).map((g) => ({ service: g.service, severity: g.severity, records: g.records, bytes: g.bytes })),
  };
}

export const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);

export function createInventoryService(deps: { db: Db; logger: pino.Logger; retentionDays: number }) {
  const { db } = deps;
  const log = deps.logger.child({ component: 'inventory' });
  let pruneTimer: NodeJS.Timeout | null = null;

  async function mustExist(scope: OrgScope, gatewayId: string) {
    const row = await gwStore.getGateway(db, scope, gatewayId);
    if (!row) throw new AppError('GATEWAY_NOT_FOUND');
    return row;
  }

  const service = {
    /**
     * A `summary` custom message. Returns the points stored (a window older than the stored one is
     * skipped); throws MessageRefused when the message is refused (the caller logs it).
     */
    async ingestSummary(from: CustomMessageSource, data: Uint8Array, now = Date.now()): Promise<number> {
      const checked = checkSummary(await decodeGzipJson(data), now);
      if (!checked.ok) throw new MessageRefused(checked.problems.join('; '));
      const points = checked.value.points
        .map(storedPoint)
        .sort((a, b) => a.window_end.getTime() - b.window_end.getTime());
      const scope = systemScope(from.orgId, { type: 'gateway', id: from.gatewayId, label: 'opamp' });
      return db.tx(async (sql) => {
        if (!(await store.lockWritableGateway(sql, scope, from.gatewayId, from.credential)))
          throw new MessageRefused('the gateway was deleted or its credential revoked');
        let stored = 0;
        for (const p of points) {
          if (!(await store.upsertLatest(sql, scope, from.gatewayId, p))) continue;
          const hour = hourOf(p.window_start);
          await store.addHourly(sql, scope, from.gatewayId, hour, p);
          await store.mergeMetricHourly(sql, scope, from.gatewayId, hour, p);
          stored++;
        }
        return stored;
      });
    },

    /** The custom-message handler: summaries stored, anything refused logged with the gateway. */
    async onSummary(from: CustomMessageSource, data: Uint8Array) {
      try {
        const stored = await service.ingestSummary(from, data);
        log.debug({ gateway: from.gatewayId, stored }, 'summary stored');
      } catch (err) {
        if (!(err instanceof MessageRefused)) throw err;
        log.warn({ gateway: from.gatewayId, org: from.orgId, reason: err.message }, 'summary refused: nothing stored');
      }
    },

    async gatewayInventory(scope: OrgScope, gatewayId: string) {
      await mustExist(scope, gatewayId);
      const [rows, measure] = await Promise.all([
        store.latestOf(db, scope, gatewayId),
        store.measureStateOf(db, scope, gatewayId),
      ]);
      return gatewayInventoryView(gatewayId, rows, {
        component: measure?.components ? 'flowgate_measure' in measure.components : null,
        capability: !!measure?.custom_capabilities?.includes(MEASURE_CAPABILITY),
      });
    },

    async gatewayHistory(scope: OrgScope, gatewayId: string, hours: number): Promise<GatewayInventoryHistory> {
      await mustExist(scope, gatewayId);
      const since = new Date(hourOf(new Date()).getTime() - (hours - 1) * HOUR_MS);
      const rows = await store.gatewayHourly(db, scope, gatewayId, since);
      const byPipeline = new Map<string, { name: string; signal: string; points: Map<number, HistoryPoint> }>();
      for (const r of rows) {
        const p = byPipeline.get(r.pipeline) ?? { name: r.pipeline, signal: r.signal, points: new Map() };
        byPipeline.set(r.pipeline, p);
        addToHour(p.points, r);
      }
      return {
        gateway_id: gatewayId,
        hours,
        pipelines: [...byPipeline.values()].map((p) => ({
          name: p.name,
          signal: p.signal,
          points: pointsOf(p.points),
        })),
      };
    },

    async orgHistory(scope: OrgScope, hours: number): Promise<OrgInventoryHistory> {
      const since = new Date(hourOf(new Date()).getTime() - (hours - 1) * HOUR_MS);
      const rows = await store.orgHourly(db, scope, since);
      const bySignal = new Map<string, Map<number, HistoryPoint>>();
      for (const r of rows) {
        const points = bySignal.get(r.signal) ?? new Map();
        bySignal.set(r.signal, points);
        addToHour(points, r);
      }
      return { hours, signals: [...bySignal].map(([signal, points]) => ({ signal, points: pointsOf(points) })) };
    },

    /** Every metric name the org's gateways received in the last hour (what usage lists as sent). */
    async metricNames(scope: OrgScope): Promise<string[]> {
      return store.orgMetricNames(db, scope, new Date(Date.now() - ORG_RECENT_MS));
    },

    async orgInventory(scope: OrgScope, q: { q?: string; limit?: number; cursor?: string }): Promise<OrgInventory> {
      const limit = q.limit ?? 100;
      let after: string | null = null;
      if (q.cursor) {
        try {
          after = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')).after;
        } catch {
          after = null;
        }
        if (typeof after !== 'string') throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned');
      }
      const since = new Date(Date.now() - ORG_RECENT_MS);
      const [page, totals] = await Promise.all([
        store.orgMetricsPage(db, scope, { since, q: q.q?.trim() || null, after, limit }),
        store.orgLatestTotals(db, scope, since),
      ]);
      const items = orgMetricsView(page.rows).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const signals = new Map<string, OrgInventory['totals']['signals'][number]>();
      for (const t of totals) {
        const s = signals.get(t.signal) ?? {
          signal: t.signal,
          in: { items_per_min: 0, bytes_per_min: 0 },
          out: { items_per_min: 0, bytes_per_min: 0 },
        };
        signals.set(t.signal, s);
        const seconds = (t.window_end.getTime() - t.window_start.getTime()) / 1000;
        s[t.position].items_per_min =
          Math.round((s[t.position].items_per_min + perMinute(t.items, seconds)) * 100) / 100;
        s[t.position].bytes_per_min =
          Math.round((s[t.position].bytes_per_min + perMinute(t.bytes, seconds)) * 100) / 100;
      }
      const last = items.at(-1);
      return {
        items,
        next_cursor:
          page.hasMore && last ? Buffer.from(JSON.stringify({ after: last.name }), 'utf8').toString('base64url') : null,
        totals: {
          gateways_reporting: new Set(totals.map((t) => t.gateway_id)).size,
          metrics: page.total,
          signals: [...signals.values()].sort((a, b) => a.signal.localeCompare(b.signal)),
        },
        reported_at: totals.length
          ? new Date(Math.max(...totals.map((t) => t.received_at.getTime()))).toISOString()
          : null,
      };
    },

    /** Drops history older than the retention (every org). */
    async prune(now = Date.now()): Promise<number> {
      const removed = await store.pruneBefore(db, new Date(now - deps.retentionDays * 86_400_000));
      if (removed) log.info({ removed, retention_days: deps.retentionDays }, 'inventory history pruned');
      return removed;
    },
    /** Prunes now and then every hour. */
    start() {
      const run = () => void service.prune().catch((err: Error) => log.warn({ err: err.message }, 'prune failed'));
      pruneTimer = setInterval(run, HOUR_MS);
      pruneTimer.unref();
      run();
    },
    stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      pruneTimer = null;
    },
  };
  return service;
}
export type InventoryService = ReturnType<typeof createInventoryService>;

interface HourFlow {
  items: number;
  bytes: number;
  seconds: number;
  items_per_min: number;
  bytes_per_min: number;
}
interface HistoryPoint {
  hour: string;
  in: HourFlow | null;
  out: HourFlow | null;
}
const round2 = (n: number) => Math.round(n * 100) / 100;
function addToHour(points: Map<number, HistoryPoint>, r: Omit<store.HourlyRow, 'pipeline'>) {
  const t = r.hour.getTime();
  const p = points.get(t) ?? { hour: r.hour.toISOString(), in: null, out: null };
  points.set(t, p);
  const cur = p[r.position] ?? { items: 0, bytes: 0, seconds: 0, items_per_min: 0, bytes_per_min: 0 };
  p[r.position] = {
    items: cur.items + r.items,
    bytes: cur.bytes + r.bytes,
    seconds: cur.seconds + r.seconds,
    items_per_min: round2(cur.items_per_min + r.items_per_min),
    bytes_per_min: round2(cur.bytes_per_min + r.bytes_per_min),
  };
}
const pointsOf = (points: Map<number, HistoryPoint>) =>
  [...points.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
