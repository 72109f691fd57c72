// Snapshots: on request, a gateway's Flowgate processor captures the next records that pass a point of its
// pipelines (bounded in count, size and time) and sends them back as OTLP/JSON (snapshot.request →
// snapshot.response, docs/measurement.md). The request goes out like any custom message (any replica,
// either transport); the response comes back on the bus to the replica whose caller waits. Credentials
// are masked before the records leave the server; nothing of them is stored.
import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import {
  checkSnapshotResponse,
  maskOtlpJson,
  MEASURE_CAPABILITY,
  type Snapshot,
  type SnapshotBody,
  type SnapshotRequest,
} from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { AppError } from '../../platform/errors.ts';
import { redisChannels } from '../../platform/names.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import * as gwStore from '../gateways/gateways.store.ts';
import { isLive } from '../gateways/gateways.service.ts';
import type { CustomMessages, CustomMessageSource } from '../../opamp/custom-messages.ts';
import { decodeGzipJson, MessageRefused } from './inventory.service.ts';

/** The caller waits the capture time plus this, at most 60 s in all. */
const GRACE_S = 10;
const MAX_WAIT_S = 60;

interface Pending {
  orgId: string;
  gatewayId: string;
  resolve(response: Record<string, unknown> | null): void;
}

/** Data points, log records or spans in an OTLP/JSON request. */
export function countRecords(otlp: Record<string, unknown>): number {
  const arr = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
  let n = 0;
  for (const rl of arr(otlp.resourceLogs)) for (const sl of arr(rl.scopeLogs)) n += arr(sl.logRecords).length;
  for (const rs of arr(otlp.resourceSpans)) for (const ss of arr(rs.scopeSpans)) n += arr(ss.spans).length;
  for (const rm of arr(otlp.resourceMetrics))
    for (const sm of arr(rm.scopeMetrics))
      for (const m of arr(sm.metrics))
        for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'])
          n += arr((m[kind] as Record<string, unknown> | undefined)?.dataPoints).length;
  return n;
}

export function createSnapshotService(deps: {
  db: Db;
  bus: EventBus;
  customMessages: Pick<CustomMessages, 'send'>;
  logger: pino.Logger;
  /** The org's secret values, masked wherever they appear in the records. */
  secretValues: (scope: OrgScope) => Promise<string[]>;
}) {
  const log = deps.logger.child({ component: 'snapshots' });
  const pending = new Map<string, Pending>();
  const unsubscribe = deps.bus.subscribe(redisChannels.inventorySnapshots, (m) => {
    const p = pending.get(String(m.id));
    // Only the gateway that was asked answers a request.
    if (p && p.orgId === m.org_id && p.gatewayId === m.gateway_id) p.resolve(m.response as Record<string, unknown>);
  });

  return {
    /** A `snapshot.response` custom message, on the replica holding the gateway: checked, passed on. */
    async onResponse(from: CustomMessageSource, data: Uint8Array) {
      let response: unknown;
      try {
        response = await decodeGzipJson(data);
      } catch (err) {
        if (!(err instanceof MessageRefused)) throw err;
        log.warn({ gateway: from.gatewayId, reason: err.message }, 'snapshot response refused');
        return;
      }
      const checked = checkSnapshotResponse(response);
      if (!checked.ok) {
        log.warn({ gateway: from.gatewayId, reason: checked.problems.join('; ') }, 'snapshot response refused');
        return;
      }
      await deps.bus.publish(redisChannels.inventorySnapshots, {
        id: checked.value.id,
        org_id: from.orgId,
        gateway_id: from.gatewayId,
        response: checked.value,
      });
    },

    async take(scope: OrgScope, gatewayId: string, body: SnapshotBody): Promise<Snapshot> {
      const gw = await gwStore.getGateway(deps.db, scope, gatewayId);
      if (!gw) throw new AppError('GATEWAY_NOT_FOUND');
      if (!gw.custom_capabilities?.includes(MEASURE_CAPABILITY))
        throw new AppError(
          'CAPABILITY_MISSING',
          `The gateway did not announce ${MEASURE_CAPABILITY}: its collector has no flowgate_measure processor ` +
            '(an older build), or the processor is not in its configuration',
        );
      if (!isLive(gw)) throw new AppError('GATEWAY_NOT_CONNECTED');
      const timeoutS = body.timeout_s ?? 20;
      const request: SnapshotRequest = {
        id: randomUUID(),
        ...(body.pipeline ? { pipeline: body.pipeline } : {}),
        ...(body.position ? { position: body.position } : {}),
        signal: body.signal,
        max_items: body.max_items ?? 100,
        max_bytes: body.max_bytes ?? 262_144,
        timeout_s: timeoutS,
      };
      const waitMs = Math.min(MAX_WAIT_S, timeoutS + GRACE_S) * 1000;
      let timer: NodeJS.Timeout | undefined;
      const answered = new Promise<Record<string, unknown> | null>((resolve) => {
        pending.set(request.id, { orgId: scope.orgId, gatewayId, resolve });
        timer = setTimeout(() => resolve(null), waitMs);
      });
      let response: Record<string, unknown> | null;
      try {
        await deps.customMessages.send(
          scope.orgId,
          gatewayId,
          MEASURE_CAPABILITY,
          'snapshot.request',
          new TextEncoder().encode(JSON.stringify(request)),
          waitMs,
        );
        response = await answered;
      } finally {
        clearTimeout(timer);
        pending.delete(request.id);
      }
      if (!response)
        throw new AppError(
          'SNAPSHOT_TIMEOUT',
          `The gateway did not answer within ${waitMs / 1000} s: no matching records passed, or it did not receive ` +
            'the request (a plain-HTTP gateway hears from us only when it polls)',
        );
      if (typeof response.error === 'string' && response.error)
        throw new AppError('SNAPSHOT_FAILED', `The gateway could not take the snapshot: ${response.error}`);
      const otlp = maskOtlpJson((response.otlp ?? {}) as Record<string, unknown>, await deps.secretValues(scope));
      const snapshot: Snapshot = {
        id: request.id,
        gateway_id: gatewayId,
        signal: typeof response.signal === 'string' ? response.signal : body.signal,
        pipeline: typeof response.pipeline === 'string' ? response.pipeline : (body.pipeline ?? null),
        position: typeof response.position === 'string' ? response.position : (body.position ?? null),
        truncated: response.truncated === true,
        records: countRecords(otlp),
        otlp,
        captured_at: new Date().toISOString(),
      };
      await audit(deps.db, scope, {
        action: 'gateway.snapshot',
        resourceType: 'gateway',
        resourceId: gatewayId,
        after: {
          signal: snapshot.signal,
          pipeline: snapshot.pipeline,
          position: snapshot.position,
          records: snapshot.records,
        },
      });
      return snapshot;
    },
    close() {
      unsubscribe();
      for (const p of pending.values()) p.resolve(null);
      pending.clear();
    },
  };
}
export type SnapshotService = ReturnType<typeof createSnapshotService>;
