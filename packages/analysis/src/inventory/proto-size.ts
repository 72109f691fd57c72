// The protobuf-encoded size of OTLP metrics messages, computed from the encoding rules
// (protobuf.dev/programming-guides/encoding) over the field numbers of opentelemetry/proto/metrics/v1 and
// common/v1, without encoding anything. It follows what the collector's pdata marshaler writes, because the
// gateway's measurement processor counts bytes with it:
//   * scalars with implicit presence are left out when zero/empty; `optional` fields (histogram sum, min, max)
//     and oneof members (a point's as_double/as_int, an AnyValue, a metric's data) are written when set, even 0;
//   * embedded messages declared non-nullable in pdata (a ResourceMetrics' resource, a ScopeMetrics' scope, an
//     exponential histogram's positive/negative buckets, a KeyValue's value) are always written;
//   * repeated scalars are packed.
// Tested against @bufbuild/protobuf encodings and against the real collector's own proto output.
import type {
  AnyValue,
  Buckets,
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  InstrumentationScope,
  KeyValue,
  Metric,
  MetricsRequest,
  NumberDataPoint,
  Resource,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from './otlp.ts';

const utf8 = new TextEncoder();

/** Bytes of an unsigned varint (`n` ≥ 0, up to 2^64 − 1 given as bigint). */
export function varintSize(n: number | bigint): number {
  if (typeof n === 'bigint') {
    if (n < 0n) return 10;
    let size = 1;
    while (n >= 0x80n) {
      n >>= 7n;
      size++;
    }
    return size;
  }
  if (n < 0) return 10; // negative int32/int64 are sign-extended to 64 bits
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Tag bytes of a field: varint(field_number << 3 | wire_type). */
const tagSize = (field: number) => varintSize(field * 8);

/** A length-delimited field holding `len` bytes. */
export const delimited = (field: number, len: number) => tagSize(field) + varintSize(len) + len;

const stringBytes = (s: string | undefined) => (s ? utf8.encode(s).length : 0);
const stringField = (field: number, s: string | undefined) => (s ? delimited(field, stringBytes(s)) : 0);
const fixed64Field = (field: number, v: string | number | undefined) => (isZero(v) ? 0 : tagSize(field) + 8);
const doubleField = (field: number, v: number | undefined) => (v === undefined || v === 0 ? 0 : tagSize(field) + 8);
const optionalDouble = (field: number, v: number | undefined) => (v === undefined ? 0 : tagSize(field) + 8);
const uint32Field = (field: number, v: number | undefined) => (!v ? 0 : tagSize(field) + varintSize(v));
const zigzag32 = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);
const sint32Field = (field: number, v: number | undefined) => (!v ? 0 : tagSize(field) + varintSize(zigzag32(v)));

function isZero(v: string | number | undefined): boolean {
  if (v === undefined || v === '' || v === 0) return true;
  return typeof v === 'string' && /^0+$/.test(v);
}

function int64Varint(v: string | number): number {
  const n = BigInt(v);
  return n < 0n ? 10 : varintSize(n);
}

function uint64Varint(v: string | number): number {
  return varintSize(BigInt(v));
}

function base64Bytes(b64: string): number {
  const clean = b64.replace(/=+$/, '');
  return Math.floor((clean.length * 3) / 4);
}

function hexBytes(hex: string | undefined): number {
  if (!hex || /^0*$/.test(hex)) return 0;
  return hex.length / 2;
}

export function anyValueSize(v: AnyValue): number {
  if (v.stringValue !== undefined) return delimited(1, stringBytes(v.stringValue));
  if (v.boolValue !== undefined) return tagSize(2) + 1;
  if (v.intValue !== undefined) return tagSize(3) + int64Varint(v.intValue);
  if (v.doubleValue !== undefined) return tagSize(4) + 8;
  if (v.arrayValue)
    return delimited(
      5,
      (v.arrayValue.values ?? []).reduce((s, x) => s + delimited(1, anyValueSize(x)), 0),
    );
  if (v.kvlistValue) return delimited(6, attributesSize(1, v.kvlistValue.values));
  if (v.bytesValue !== undefined) return delimited(7, base64Bytes(v.bytesValue));
  return 0;
}

export function keyValueSize(kv: KeyValue): number {
  return stringField(1, kv.key) + delimited(2, kv.value ? anyValueSize(kv.value) : 0);
}

/** A repeated KeyValue field. */
export function attributesSize(field: number, attrs: readonly KeyValue[] | undefined): number {
  let size = 0;
  for (const kv of attrs ?? []) size += delimited(field, keyValueSize(kv));
  return size;
}

function exemplarSize(e: Exemplar): number {
  return (
    attributesSize(7, e.filteredAttributes) +
    fixed64Field(2, e.timeUnixNano) +
    (e.asDouble !== undefined ? tagSize(3) + 8 : 0) +
    (e.asInt !== undefined ? tagSize(6) + 8 : 0) +
    (hexBytes(e.spanId) ? delimited(4, hexBytes(e.spanId)) : 0) +
    (hexBytes(e.traceId) ? delimited(5, hexBytes(e.traceId)) : 0)
  );
}

const exemplarsSize = (field: number, es: readonly Exemplar[] | undefined) =>
  (es ?? []).reduce((s, e) => s + delimited(field, exemplarSize(e)), 0);

export function numberPointSize(p: NumberDataPoint): number {
  return (
    attributesSize(7, p.attributes) +
    fixed64Field(2, p.startTimeUnixNano) +
    fixed64Field(3, p.timeUnixNano) +
    (p.asDouble !== undefined ? tagSize(4) + 8 : 0) +
    (p.asInt !== undefined ? tagSize(6) + 8 : 0) +
    exemplarsSize(5, p.exemplars) +
    uint32Field(8, p.flags)
  );
}

const packedFixed64 = (field: number, values: readonly unknown[] | undefined) =>
  values && values.length ? delimited(field, values.length * 8) : 0;

export function histogramPointSize(p: HistogramDataPoint): number {
  return (
    attributesSize(9, p.attributes) +
    fixed64Field(2, p.startTimeUnixNano) +
    fixed64Field(3, p.timeUnixNano) +
    fixed64Field(4, p.count) +
    optionalDouble(5, p.sum) +
    packedFixed64(6, p.bucketCounts) +
    packedFixed64(7, p.explicitBounds) +
    exemplarsSize(8, p.exemplars) +
    uint32Field(10, p.flags) +
    optionalDouble(11, p.min) +
    optionalDouble(12, p.max)
  );
}

function bucketsSize(b: Buckets | undefined): number {
  if (!b) return 0;
  const counts = b.bucketCounts ?? [];
  const packed = counts.reduce<number>((s, c) => s + uint64Varint(c), 0);
  return sint32Field(1, b.offset) + (counts.length ? delimited(2, packed) : 0);
}

export function exponentialPointSize(p: ExponentialHistogramDataPoint): number {
  return (
    attributesSize(1, p.attributes) +
    fixed64Field(2, p.startTimeUnixNano) +
    fixed64Field(3, p.timeUnixNano) +
    fixed64Field(4, p.count) +
    optionalDouble(5, p.sum) +
    sint32Field(6, p.scale) +
    fixed64Field(7, p.zeroCount) +
    delimited(8, bucketsSize(p.positive)) +
    delimited(9, bucketsSize(p.negative)) +
    uint32Field(10, p.flags) +
    exemplarsSize(11, p.exemplars) +
    optionalDouble(12, p.min) +
    optionalDouble(13, p.max) +
    doubleField(14, p.zeroThreshold)
  );
}

export function summaryPointSize(p: SummaryDataPoint): number {
  let quantiles = 0;
  for (const q of p.quantileValues ?? [])
    quantiles += delimited(6, doubleField(1, q.quantile) + doubleField(2, q.value));
  return (
    attributesSize(7, p.attributes) +
    fixed64Field(2, p.startTimeUnixNano) +
    fixed64Field(3, p.timeUnixNano) +
    fixed64Field(4, p.count) +
    doubleField(5, p.sum) +
    quantiles +
    uint32Field(8, p.flags)
  );
}

const temporalitySize = (t: number | undefined) => (t ? tagSize(2) + varintSize(t) : 0);

function pointsSize<P>(points: readonly P[] | undefined, size: (p: P) => number): number {
  let total = 0;
  for (const p of points ?? []) total += delimited(1, size(p));
  return total;
}

/** Size of a `Metric` message (unframed). */
export function metricSize(m: Metric): number {
  let data = 0;
  if (m.gauge) data = delimited(5, pointsSize(m.gauge.dataPoints, numberPointSize));
  else if (m.sum)
    data = delimited(
      7,
      pointsSize(m.sum.dataPoints, numberPointSize) +
        temporalitySize(m.sum.aggregationTemporality) +
        (m.sum.isMonotonic ? tagSize(3) + 1 : 0),
    );
  else if (m.histogram)
    data = delimited(
      9,
      pointsSize(m.histogram.dataPoints, histogramPointSize) + temporalitySize(m.histogram.aggregationTemporality),
    );
  else if (m.exponentialHistogram)
    data = delimited(
      10,
      pointsSize(m.exponentialHistogram.dataPoints, exponentialPointSize) +
        temporalitySize(m.exponentialHistogram.aggregationTemporality),
    );
  else if (m.summary) data = delimited(11, pointsSize(m.summary.dataPoints, summaryPointSize));
  return (
    stringField(1, m.name) +
    stringField(2, m.description) +
    stringField(3, m.unit) +
    data +
    attributesSize(12, m.metadata)
  );
}

export function resourceSize(r: Resource | undefined): number {
  if (!r) return 0;
  return attributesSize(1, r.attributes) + uint32Field(2, r.droppedAttributesCount);
}

export function scopeSize(s: InstrumentationScope | undefined): number {
  if (!s) return 0;
  return (
    stringField(1, s.name) +
    stringField(2, s.version) +
    attributesSize(3, s.attributes) +
    uint32Field(4, s.droppedAttributesCount)
  );
}

/** ScopeMetrics without its metrics: scope and schema_url. */
export const scopeMetricsOverhead = (sm: ScopeMetrics) =>
  delimited(1, scopeSize(sm.scope)) + stringField(3, sm.schemaUrl);

/** ResourceMetrics without its scope_metrics: resource and schema_url. */
export const resourceMetricsOverhead = (rm: ResourceMetrics) =>
  delimited(1, resourceSize(rm.resource)) + stringField(3, rm.schemaUrl);

export function scopeMetricsSize(sm: ScopeMetrics): number {
  let size = scopeMetricsOverhead(sm);
  for (const m of sm.metrics ?? []) size += delimited(2, metricSize(m));
  return size;
}

export function resourceMetricsSize(rm: ResourceMetrics): number {
  let size = resourceMetricsOverhead(rm);
  for (const sm of rm.scopeMetrics ?? []) size += delimited(2, scopeMetricsSize(sm));
  return size;
}

/** Size of an ExportMetricsServiceRequest. */
export function metricsRequestSize(req: MetricsRequest): number {
  let size = 0;
  for (const rm of req.resourceMetrics ?? []) size += delimited(1, resourceMetricsSize(rm));
  return size;
}
