// Summaries as the Flowgate processor sends them over OpAMP (docs/measurement.md: capability
// io.flowgate.measure, type `summary`, gzip-compressed JSON), for black-box tests of the control plane.
import { gzipSync } from 'node:zlib';
import { customMessage } from '@flowgate/opamp';

export const MEASURE_CAPABILITY = 'io.flowgate.measure';
/** Available components of a build with the processor. */
export const MEASURE_COMPONENTS = {
  receivers: ['otlp', 'prometheus'],
  processors: ['batch', 'filter', 'attributes', 'flowgate_measure'],
  exporters: ['otlphttp', 'debug'],
};

interface Label {
  name: string;
  distinct: number;
  exact?: boolean;
  examples?: string[];
}
export interface MetricShape {
  name: string;
  type: string;
  unit: string;
  series: number;
  datapointsPerMin: number;
  bytesPerMin: number;
  labels: Label[];
  /** Share kept at the end of the pipeline: 1 passes unchanged, 0 is dropped. */
  kept: number;
}

const label = (name: string, distinct: number, examples: string[], exact = true): Label => ({
  name,
  distinct,
  exact,
  examples,
});

/** A gateway in front of a Kubernetes cluster: what a cost review typically finds. */
export const CLUSTER_METRICS: MetricShape[] = [
  {
    name: 'http_server_request_duration_seconds',
    type: 'histogram',
    unit: 's',
    series: 1840,
    datapointsPerMin: 7360,
    bytesPerMin: 2_600_000,
    labels: [
      label('http.route', 40, ['/api/cart', '/api/checkout', '/api/orders/{id}', '/healthz', '/metrics']),
      label('k8s.pod.name', 46, ['checkout-7d9f-x2', 'checkout-7d9f-k8', 'cart-5b6c-q1']),
      label('http.response.status_code', 7, ['200', '201', '404', '500']),
      label('http.request.method', 4, ['GET', 'POST', 'PUT', 'DELETE']),
    ],
    kept: 1,
  },
  {
    name: 'kube_pod_status_phase',
    type: 'gauge',
    unit: '1',
    series: 6100,
    datapointsPerMin: 12_200,
    bytesPerMin: 1_900_000,
    labels: [
      label('pod', 1220, ['api-6c7d8-abcde', 'worker-5f4d-xyz12', 'cron-2791-q8s7'], false),
      label('namespace', 38, ['prod', 'staging', 'payments']),
      label('phase', 5, ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown']),
    ],
    kept: 0.2,
  },
  {
    name: 'node_cpu_seconds_total',
    type: 'sum',
    unit: 's',
    series: 512,
    datapointsPerMin: 1024,
    bytesPerMin: 410_000,
    labels: [
      label('cpu', 64, ['0', '1', '2', '3', '4']),
      label('mode', 8, ['idle', 'iowait', 'irq', 'nice', 'softirq']),
    ],
    kept: 1,
  },
  {
    name: 'go_gc_duration_seconds',
    type: 'summary',
    unit: 's',
    series: 90,
    datapointsPerMin: 180,
    bytesPerMin: 95_000,
    labels: [label('quantile', 5, ['0', '0.25', '0.5', '0.75', '1'])],
    kept: 0,
  },
  {
    name: 'debug_events_total',
    type: 'sum',
    unit: '1',
    series: 300,
    datapointsPerMin: 600,
    bytesPerMin: 120_000,
    labels: [label('event', 150, ['cache.miss', 'retry', 'gc.pause'])],
    kept: 0,
  },
];

export const CLUSTER_LOGS = [
  { service: 'checkout', severity: 'INFO', recordsPerMin: 4200, bytesPerMin: 1_300_000, kept: 1 },
  { service: 'checkout', severity: 'DEBUG', recordsPerMin: 9800, bytesPerMin: 2_400_000, kept: 0 },
  { service: 'payments', severity: 'ERROR', recordsPerMin: 35, bytesPerMin: 21_000, kept: 1 },
  { service: 'payments', severity: 'WARN', recordsPerMin: 140, bytesPerMin: 52_000, kept: 1 },
  { service: 'unknown', severity: 'INFO', recordsPerMin: 600, bytesPerMin: 150_000, kept: 0.5 },
];

/** One window's points for a metrics and a logs pipeline, scaled by `load`. */
export function clusterSummary(end: Date, load = 1, seconds = 60) {
  const f = (perMin: number, kept = 1) => Math.round(((perMin * seconds) / 60) * load * kept);
  const window = { start: new Date(end.getTime() - seconds * 1000).toISOString(), end: end.toISOString() };
  const metric = (m: MetricShape, kept: number) => ({
    name: m.name,
    type: m.type,
    unit: m.unit,
    ...(m.type === 'sum' ? { monotonic: true, temporality: 'cumulative' } : {}),
    series: Math.round(m.series * kept),
    datapoints: f(m.datapointsPerMin, kept),
    bytes: f(m.bytesPerMin, kept),
    labels: m.labels,
    resource_labels: [label('service.name', 12, ['checkout', 'cart', 'payments'])],
  });
  const metricsIn = CLUSTER_METRICS.map((m) => metric(m, 1));
  const metricsOut = CLUSTER_METRICS.filter((m) => m.kept > 0).map((m) => metric(m, m.kept));
  const sum = (list: { datapoints: number; bytes: number }[], k: 'datapoints' | 'bytes') =>
    list.reduce((n, m) => n + m[k], 0);
  const logs = (kept: boolean) =>
    CLUSTER_LOGS.filter((g) => !kept || g.kept > 0).map((g) => ({
      service: g.service,
      severity: g.severity,
      records: f(g.recordsPerMin, kept ? g.kept : 1),
      bytes: f(g.bytesPerMin, kept ? g.kept : 1),
    }));
  const logsIn = logs(false);
  const logsOut = logs(true);
  const total = (list: { records: number; bytes: number }[], k: 'records' | 'bytes') =>
    list.reduce((n, g) => n + g[k], 0);
  return [
    {
      pipeline: 'metrics',
      position: 'in',
      signal: 'metrics',
      window,
      items: sum(metricsIn, 'datapoints'),
      bytes: sum(metricsIn, 'bytes'),
      metrics: metricsIn,
      metrics_dropped: 0,
    },
    {
      pipeline: 'metrics',
      position: 'out',
      signal: 'metrics',
      window,
      items: sum(metricsOut, 'datapoints'),
      bytes: sum(metricsOut, 'bytes'),
      metrics: metricsOut,
      metrics_dropped: 0,
    },
    {
      pipeline: 'logs',
      position: 'in',
      signal: 'logs',
      window,
      items: total(logsIn, 'records'),
      bytes: total(logsIn, 'bytes'),
      logs: logsIn,
    },
    {
      pipeline: 'logs',
      position: 'out',
      signal: 'logs',
      window,
      items: total(logsOut, 'records'),
      bytes: total(logsOut, 'bytes'),
      logs: logsOut,
    },
  ];
}

/** The custom message carrying a summary. */
export const summaryMessage = (points: unknown[]) =>
  customMessage(MEASURE_CAPABILITY, 'summary', new Uint8Array(gzipSync(JSON.stringify({ v: 1, points }))));
