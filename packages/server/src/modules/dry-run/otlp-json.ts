// OTLP/JSON telemetry as the dry-run handles it: the three export requests, counted per signal,
// per metric name (data points) and per log severity.
export type OtlpSignal = 'metrics' | 'logs' | 'traces';
export const signalPaths: Record<OtlpSignal, string> = {
  metrics: '/v1/metrics',
  logs: '/v1/logs',
  traces: '/v1/traces',
};
export const signalRootKeys = { metrics: 'resourceMetrics', logs: 'resourceLogs', traces: 'resourceSpans' } as const;

/** {resourceMetrics?, resourceLogs?, resourceSpans?}: what one OTLP/JSON export request of each signal carries. */
export type OtlpData = Partial<Record<(typeof signalRootKeys)[OtlpSignal], unknown[]>>;

export interface SignalCounts {
  metrics: number;
  data_points: number;
  logs: number;
  spans: number;
  by_metric: Record<string, number>;
  by_severity: Record<string, number>;
}

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : []);
const METRIC_DATA_KEYS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];
const SEVERITY_BY_NUMBER = ['UNSPECIFIED', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** severityText when set, else the name of the severityNumber range (OTel log data model). */
export function severityOf(record: Obj): string {
  const text = typeof record.severityText === 'string' ? record.severityText.trim() : '';
  if (text) return text.toUpperCase();
  const n = Number(record.severityNumber ?? 0);
  return Number.isInteger(n) && n >= 1 && n <= 24 ? SEVERITY_BY_NUMBER[Math.ceil(n / 4)]! : 'UNSPECIFIED';
}

export function countTelemetry(data: OtlpData): SignalCounts {
  const c: SignalCounts = { metrics: 0, data_points: 0, logs: 0, spans: 0, by_metric: {}, by_severity: {} };
  for (const rm of arr(data.resourceMetrics)) {
    for (const sm of arr(rm.scopeMetrics)) {
      for (const m of arr(sm.metrics)) {
        c.metrics++;
        const name = typeof m.name === 'string' ? m.name : '';
        const key = METRIC_DATA_KEYS.find((k) => m[k] && typeof m[k] === 'object');
        const points = key ? arr((m[key] as Obj).dataPoints).length : 0;
        c.data_points += points;
        c.by_metric[name] = (c.by_metric[name] ?? 0) + points;
      }
    }
  }
  for (const rl of arr(data.resourceLogs)) {
    for (const sl of arr(rl.scopeLogs)) {
      for (const r of arr(sl.logRecords)) {
        c.logs++;
        const sev = severityOf(r);
        c.by_severity[sev] = (c.by_severity[sev] ?? 0) + 1;
      }
    }
  }
  for (const rs of arr(data.resourceSpans)) for (const ss of arr(rs.scopeSpans)) c.spans += arr(ss.spans).length;
  return c;
}

/** The signals with at least one resource entry. */
export function signalsIn(data: OtlpData): OtlpSignal[] {
  return (Object.keys(signalRootKeys) as OtlpSignal[]).filter((s) => arr(data[signalRootKeys[s]]).length > 0);
}

/** Checks a user's OTLP/JSON sample: an object with only resourceMetrics/resourceLogs/resourceSpans arrays. */
export function otlpSampleProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return ['otlp_json must be an object with resourceMetrics, resourceLogs and/or resourceSpans'];
  const problems: string[] = [];
  const allowed = Object.values(signalRootKeys) as string[];
  for (const [k, v] of Object.entries(value)) {
    if (!allowed.includes(k))
      problems.push(`otlp_json.${k} is not an OTLP/JSON field (expected ${allowed.join(', ')})`);
    else if (!Array.isArray(v)) problems.push(`otlp_json.${k} must be an array`);
  }
  if (!problems.length && signalsIn(value as OtlpData).length === 0) problems.push('otlp_json holds no telemetry');
  return problems;
}
