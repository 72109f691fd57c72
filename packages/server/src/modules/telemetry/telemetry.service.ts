// Own telemetry of the gateways: the collector pushes its internal metrics (OTLP/HTTP) to us through
// the own_metrics offer. We keep, per gateway, the latest cumulative counters of items received,
// sent, refused and failed per signal and per processor (incoming vs outgoing = what a processor
// dropped), stored per minute: that is the savings proof.
import type { Db } from '../../platform/db/db.ts';
import { systemScope } from '../../platform/scope.ts';
import * as gwStore from '../gateways/gateways.store.ts';
import type { MetricsSnapshot } from '../gateways/gateways.store.ts';
import type { ExportMetricsServiceRequest, KeyValue, NumberDataPoint } from './gen/flowgate/otlp/metrics_pb.ts';

const SIGNALS = ['metric_points', 'log_records', 'spans'] as const;

function attr(kvs: KeyValue[], key: string): string | undefined {
  const v = kvs.find((kv) => kv.key === key)?.value?.value;
  return v && v.case === 'stringValue' ? v.value : undefined;
}

const valueOf = (p: NumberDataPoint) =>
  p.value.case === 'asDouble' ? p.value.value : p.value.case === 'asInt' ? Number(p.value.value) : 0;

/** otelcol_receiver_accepted_metric_points, otelcol.receiver.accepted.metric_points and *_total all mean the same. */
export function normalizeName(name: string): string {
  return name.replace(/\./g, '_').replace(/_total$/, '');
}

/** Pure: OTLP request → cumulative counters (summed over receivers/exporters/transports). */
export function snapshotFrom(req: ExportMetricsServiceRequest, at = new Date()): MetricsSnapshot {
  const snap: MetricsSnapshot = {
    received: {},
    sent: {},
    refused: {},
    send_failed: {},
    processors: {},
    at: at.toISOString(),
  };
  const add = (rec: Record<string, number>, k: string, v: number) => {
    rec[k] = (rec[k] ?? 0) + v;
  };
  for (const rm of req.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const points = m.data.case === 'sum' || m.data.case === 'gauge' ? m.data.value.dataPoints : [];
        if (points.length === 0) continue;
        const name = normalizeName(m.name);
        for (const signal of SIGNALS) {
          const map: [string, keyof Omit<MetricsSnapshot, 'processors' | 'at' | 'uptime'>][] = [
            [`otelcol_receiver_accepted_${signal}`, 'received'],
            [`otelcol_receiver_refused_${signal}`, 'refused'],
            [`otelcol_exporter_sent_${signal}`, 'sent'],
            [`otelcol_exporter_send_failed_${signal}`, 'send_failed'],
          ];
          for (const [metric, key] of map)
            if (name === metric) for (const p of points) add(snap[key], signal, valueOf(p));
        }
        if (name === 'otelcol_process_uptime' || name === 'otelcol_process_uptime_seconds')
          snap.uptime = valueOf(points[0]!);
        if (name === 'otelcol_processor_incoming_items' || name === 'otelcol_processor_outgoing_items') {
          for (const p of points) {
            const processor = attr(p.attributes, 'processor') ?? 'unknown';
            const processorSignal = attr(p.attributes, 'otel.signal') ?? attr(p.attributes, 'otel_signal') ?? '';
            const k = `${processor}|${processorSignal}`;
            const e = (snap.processors[k] ??= { incoming: 0, outgoing: 0 });
            if (name.endsWith('incoming_items')) e.incoming += valueOf(p);
            else e.outgoing += valueOf(p);
          }
        }
      }
    }
  }
  return snap;
}

const isEmpty = (s: MetricsSnapshot) =>
  [s.received, s.sent, s.refused, s.send_failed].every((r) => Object.keys(r).length === 0) &&
  Object.keys(s.processors).length === 0;

export function createTelemetryService(deps: { db: Db }) {
  return {
    /** Stores the counters in the gateway's current minute bucket. Returns the number of counters kept. */
    async ingest(gatewayId: string, req: ExportMetricsServiceRequest): Promise<boolean> {
      const snap = snapshotFrom(req);
      if (isEmpty(snap)) return false;
      const row = (
        await deps.db.query<{ org_id: string }>('SELECT org_id FROM gateways WHERE id = $1', [gatewayId])
      )[0];
      if (!row) return false;
      const scope = systemScope(row.org_id);
      const bucket = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      // Counters arrive in several requests (one per reader batch): merge with the bucket's latest.
      const prev = (
        await deps.db.query<{ values: MetricsSnapshot }>(
          'SELECT values FROM gateway_metrics WHERE gateway_id = $1 AND bucket = $2',
          [gatewayId, bucket],
        )
      )[0]?.values;
      // A collector that restarted within the minute counts from zero again: nothing the old process
      // reported (an exporter's sent count, say) may stay next to the new figures.
      const restarted = prev?.uptime !== undefined && snap.uptime !== undefined && snap.uptime < prev.uptime;
      const merged: MetricsSnapshot =
        prev && !restarted
          ? {
              received: { ...prev.received, ...snap.received },
              sent: { ...prev.sent, ...snap.sent },
              refused: { ...prev.refused, ...snap.refused },
              send_failed: { ...prev.send_failed, ...snap.send_failed },
              processors: { ...prev.processors, ...snap.processors },
              at: snap.at,
              ...(snap.uptime !== undefined || prev.uptime !== undefined ? { uptime: snap.uptime ?? prev.uptime } : {}),
            }
          : snap;
      await gwStore.upsertMetricsBucket(deps.db, scope, gatewayId, bucket, merged);
      return true;
    },
  };
}
export type TelemetryService = ReturnType<typeof createTelemetryService>;
