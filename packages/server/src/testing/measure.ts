// Summaries as the Flowgate processor sends them (docs/measurement.md), for tests of the control plane's side.
import { gzipSync } from 'node:zlib';
import { customMessage } from '@flowgate/opamp';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';

export interface TestLabel {
  name: string;
  distinct: number;
  exact?: boolean;
  examples?: string[];
}
export interface TestMetric {
  name: string;
  type?: string;
  unit?: string;
  series: number;
  datapoints: number;
  bytes: number;
  labels?: TestLabel[];
}

/** One point of a summary; the window ends at `end` and lasts `seconds`. */
export function measurePoint(p: {
  pipeline: string;
  position: 'in' | 'out';
  signal?: 'metrics' | 'logs' | 'traces';
  end: Date;
  seconds?: number;
  items: number;
  bytes: number;
  metrics?: TestMetric[];
  logs?: { service: string; severity: string; records: number; bytes: number }[];
  metrics_dropped?: number;
}) {
  const seconds = p.seconds ?? 60;
  return {
    pipeline: p.pipeline,
    position: p.position,
    signal: p.signal ?? 'metrics',
    window: { start: new Date(p.end.getTime() - seconds * 1000).toISOString(), end: p.end.toISOString() },
    items: p.items,
    bytes: p.bytes,
    ...(p.metrics
      ? {
          metrics: p.metrics.map((m) => ({
            type: 'sum',
            unit: '1',
            monotonic: true,
            temporality: 'cumulative',
            resource_labels: [{ name: 'service.name', distinct: 1, exact: true, examples: ['checkout'] }],
            labels: [],
            ...m,
          })),
        }
      : {}),
    ...(p.logs ? { logs: p.logs } : {}),
    metrics_dropped: p.metrics_dropped ?? 0,
  };
}

export const summaryBytes = (points: unknown[]) => new Uint8Array(gzipSync(JSON.stringify({ v: 1, points })));

/** The custom message carrying a summary, ready for AgentToServer.custom_message. */
export const summaryMessage = (points: unknown[]) => customMessage(MEASURE_CAPABILITY, 'summary', summaryBytes(points));

/** A label with n distinct values, the first five as examples. */
export const label = (name: string, n: number): TestLabel => ({
  name,
  distinct: n,
  exact: true,
  examples: Array.from({ length: Math.min(5, n) }, (_, i) => `${name}-${i}`),
});
