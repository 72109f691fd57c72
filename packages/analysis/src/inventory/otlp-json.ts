// Reads OTLP/JSON metrics: one ExportMetricsServiceRequest, or JSON lines of them (what the collector's
// file exporter writes). Field names may be lowerCamelCase (the OTLP JSON encoding) or the proto names
// (snake_case, which protobuf JSON parsers also accept); enums may be numbers or names. Anything that is not
// such a document is refused with the JSON paths of the problems.
import type { MetricsRequest, Temporality } from './otlp.ts';
import { InventoryUploadError, type UploadProblem } from './types.ts';

const DATA_FIELDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
const MAX_PROBLEMS = 20;

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Deep copy with snake_case keys turned into lowerCamelCase (attribute keys are values, not touched). */
function camelize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelize);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[camel(k)] = camelize(x);
    return out;
  }
  return v;
}

function temporality(v: unknown): Temporality | undefined {
  if (v === undefined) return undefined;
  if (v === 1 || v === 'AGGREGATION_TEMPORALITY_DELTA') return 1;
  if (v === 2 || v === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return 2;
  return 0;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function checkRequest(req: unknown, at: string, problems: UploadProblem[]): void {
  const add = (path: string, message: string) => problems.length < MAX_PROBLEMS && problems.push({ path, message });
  if (!isObject(req)) return void add(at || '$', 'expected an object (ExportMetricsServiceRequest)');
  const rms = req.resourceMetrics;
  if (!Array.isArray(rms)) return void add(`${at}resourceMetrics`, 'expected an array of resourceMetrics');
  rms.forEach((rm, i) => {
    const p = `${at}resourceMetrics[${i}]`;
    if (!isObject(rm)) return void add(p, 'expected an object');
    const sms = rm.scopeMetrics ?? [];
    if (!Array.isArray(sms)) return void add(`${p}.scopeMetrics`, 'expected an array');
    sms.forEach((sm, j) => {
      const q = `${p}.scopeMetrics[${j}]`;
      if (!isObject(sm)) return void add(q, 'expected an object');
      const ms = sm.metrics ?? [];
      if (!Array.isArray(ms)) return void add(`${q}.metrics`, 'expected an array');
      ms.forEach((m, k) => {
        const r = `${q}.metrics[${k}]`;
        if (!isObject(m)) return void add(r, 'expected an object');
        if (typeof m.name !== 'string' || m.name === '') add(`${r}.name`, 'a metric needs a name');
        const data = DATA_FIELDS.filter((f) => m[f] !== undefined);
        if (data.length !== 1)
          add(
            r,
            `a metric has exactly one of ${DATA_FIELDS.join(', ')} (found ${data.length ? data.join(', ') : 'none'})`,
          );
        for (const f of data) {
          const d = m[f];
          if (!isObject(d)) add(`${r}.${f}`, 'expected an object');
          else if (d.dataPoints !== undefined && !Array.isArray(d.dataPoints))
            add(`${r}.${f}.dataPoints`, 'expected an array');
        }
      });
    });
  });
}

function normalize(req: Record<string, unknown>): MetricsRequest {
  const out = req as MetricsRequest;
  for (const rm of out.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        if (m.sum) m.sum.aggregationTemporality = temporality(m.sum.aggregationTemporality);
        if (m.histogram) m.histogram.aggregationTemporality = temporality(m.histogram.aggregationTemporality);
        if (m.exponentialHistogram)
          m.exponentialHistogram.aggregationTemporality = temporality(m.exponentialHistogram.aggregationTemporality);
      }
  return out;
}

/** Parses OTLP/JSON metrics (one request, or one request per line). Throws InventoryUploadError. */
export function readOtlpJson(text: string): MetricsRequest[] {
  const problems: UploadProblem[] = [];
  let docs: { value: unknown; at: string }[];
  try {
    docs = [{ value: JSON.parse(text), at: '' }];
  } catch (whole) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    docs = [];
    for (const [i, line] of lines.entries()) {
      try {
        docs.push({ value: JSON.parse(line), at: `line ${i + 1}: ` });
      } catch {
        const message = lines.length > 1 ? `line ${i + 1} is not JSON` : (whole as Error).message;
        throw new InventoryUploadError(`not OTLP JSON: ${message}`, [{ line: i + 1, message }]);
      }
    }
  }
  if (docs.length === 0) throw new InventoryUploadError('not OTLP JSON: empty', [{ message: 'empty' }]);
  const requests = docs.map((d) => ({ value: camelize(d.value), at: d.at }));
  for (const r of requests) checkRequest(r.value, r.at, problems);
  if (problems.length)
    throw new InventoryUploadError(
      `not an OTLP JSON metrics export: ${problems[0]!.path}: ${problems[0]!.message}`,
      problems,
    );
  return requests.map((r) => normalize(r.value as Record<string, unknown>));
}
