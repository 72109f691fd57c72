// The OTLP metrics data model as plain objects, in the shape of its JSON encoding (ExportMetricsServiceRequest,
// lowerCamelCase field names, 64-bit integers as decimal strings, enums as numbers). Both inputs of the
// inventory — a Prometheus exposition turned into what the collector's prometheus receiver emits, and an OTLP
// JSON export — end up in this shape, so counting and sizing are written once.

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64: a decimal string (or a safe integer number) */
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  /** base64 */
  bytesValue?: string;
}

export interface KeyValue {
  key: string;
  value?: AnyValue;
}

export interface Resource {
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

export interface InstrumentationScope {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

export interface Exemplar {
  filteredAttributes?: KeyValue[];
  timeUnixNano?: string;
  asDouble?: number;
  asInt?: string | number;
  /** hex, as OTLP JSON encodes ids */
  spanId?: string;
  traceId?: string;
}

interface PointBase {
  attributes?: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  flags?: number;
}

export interface NumberDataPoint extends PointBase {
  asDouble?: number;
  asInt?: string | number;
  exemplars?: Exemplar[];
}

export interface HistogramDataPoint extends PointBase {
  count?: string | number;
  sum?: number;
  bucketCounts?: (string | number)[];
  explicitBounds?: number[];
  exemplars?: Exemplar[];
  min?: number;
  max?: number;
}

export interface Buckets {
  offset?: number;
  bucketCounts?: (string | number)[];
}

export interface ExponentialHistogramDataPoint extends PointBase {
  count?: string | number;
  sum?: number;
  scale?: number;
  zeroCount?: string | number;
  positive?: Buckets;
  negative?: Buckets;
  exemplars?: Exemplar[];
  min?: number;
  max?: number;
  zeroThreshold?: number;
}

export interface SummaryDataPoint extends PointBase {
  count?: string | number;
  sum?: number;
  quantileValues?: { quantile?: number; value?: number }[];
}

/** AggregationTemporality: 1 delta, 2 cumulative. */
export type Temporality = 0 | 1 | 2;

export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberDataPoint[] };
  sum?: { dataPoints?: NumberDataPoint[]; aggregationTemporality?: Temporality; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramDataPoint[]; aggregationTemporality?: Temporality };
  exponentialHistogram?: { dataPoints?: ExponentialHistogramDataPoint[]; aggregationTemporality?: Temporality };
  summary?: { dataPoints?: SummaryDataPoint[] };
  metadata?: KeyValue[];
}

export interface ScopeMetrics {
  scope?: InstrumentationScope;
  metrics?: Metric[];
  schemaUrl?: string;
}

export interface ResourceMetrics {
  resource?: Resource;
  scopeMetrics?: ScopeMetrics[];
  schemaUrl?: string;
}

export interface MetricsRequest {
  resourceMetrics?: ResourceMetrics[];
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

export function metricType(m: Metric): MetricType | null {
  if (m.gauge) return 'gauge';
  if (m.sum) return 'sum';
  if (m.histogram) return 'histogram';
  if (m.exponentialHistogram) return 'exponential_histogram';
  if (m.summary) return 'summary';
  return null;
}

type AnyPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

export function dataPoints(m: Metric): readonly AnyPoint[] {
  return (
    m.gauge?.dataPoints ??
    m.sum?.dataPoints ??
    m.histogram?.dataPoints ??
    m.exponentialHistogram?.dataPoints ??
    m.summary?.dataPoints ??
    []
  );
}

/** The value of an attribute as a string, the way label values are shown (JSON for arrays and maps). */
export function valueText(v: AnyValue | undefined): string {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(valueText));
  if (v.kvlistValue)
    return JSON.stringify(Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, valueText(kv.value)])));
  return '';
}

export const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
