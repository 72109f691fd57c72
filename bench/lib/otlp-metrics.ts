// OTLP metrics as protobuf bytes (ExportMetricsServiceRequest, opentelemetry-proto
// collector/metrics/v1), written field by field with @bufbuild/protobuf's wire writer: only what a
// load generator needs — resources, one scope, monotonic sums of number points with string/int
// attributes. Field numbers are those of the public .proto files.
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

export type AttrValue = string | number;

export interface NumberPoint {
  attributes: Record<string, AttrValue>;
  timeUnixNano: bigint;
  startTimeUnixNano: bigint;
  value: number;
}

export interface SumMetric {
  name: string;
  unit: string;
  points: NumberPoint[];
}

export interface ResourceBatch {
  resource: Record<string, AttrValue>;
  scope: string;
  metrics: SumMetric[];
}

function keyValue(w: BinaryWriter, field: number, key: string, value: AttrValue): void {
  w.tag(field, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(key); // KeyValue.key
  w.tag(2, WireType.LengthDelimited).fork(); // KeyValue.value: AnyValue
  if (typeof value === 'string')
    w.tag(1, WireType.LengthDelimited).string(value); // string_value
  else w.tag(3, WireType.Varint).int64(value); // int_value
  w.join();
  w.join();
}

/** ExportMetricsServiceRequest with one ResourceMetrics per batch entry. */
export function encodeMetricsRequest(batches: ResourceBatch[]): Uint8Array {
  const w = new BinaryWriter();
  for (const b of batches) {
    w.tag(1, WireType.LengthDelimited).fork(); // resource_metrics
    w.tag(1, WireType.LengthDelimited).fork(); // resource
    for (const [k, v] of Object.entries(b.resource)) keyValue(w, 1, k, v);
    w.join();
    w.tag(2, WireType.LengthDelimited).fork(); // scope_metrics
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(b.scope).join(); // scope.name
    for (const m of b.metrics) {
      w.tag(2, WireType.LengthDelimited).fork(); // metrics
      w.tag(1, WireType.LengthDelimited).string(m.name);
      w.tag(3, WireType.LengthDelimited).string(m.unit);
      w.tag(7, WireType.LengthDelimited).fork(); // sum
      for (const p of m.points) {
        w.tag(1, WireType.LengthDelimited).fork(); // data_points: NumberDataPoint
        w.tag(2, WireType.Bit64).fixed64(p.startTimeUnixNano);
        w.tag(3, WireType.Bit64).fixed64(p.timeUnixNano);
        w.tag(6, WireType.Bit64).sfixed64(p.value); // as_int
        for (const [k, v] of Object.entries(p.attributes)) keyValue(w, 7, k, v);
        w.join();
      }
      w.tag(2, WireType.Varint).int32(2); // aggregation_temporality: CUMULATIVE
      w.tag(3, WireType.Varint).bool(true); // is_monotonic
      w.join();
      w.join();
    }
    w.join();
    w.join();
  }
  return w.finish();
}

/**
 * A realistic batch of `metrics × pointsPerMetric` points (default 20 × 50 = 1,000): monotonic
 * sums from one service instance, each point with four attributes (method, route, status code,
 * pod). `variant` changes the instance and pods, so different variants are different series.
 */
export function realisticBatch(variant: number, metrics = 20, pointsPerMetric = 50): ResourceBatch {
  const now = BigInt(Date.now()) * 1_000_000n;
  const methods = ['GET', 'POST', 'PUT'];
  return {
    resource: {
      'service.name': 'checkout',
      'service.instance.id': `checkout-${variant}-7f6c1a8e`,
      'host.name': `node-${variant % 16}`,
    },
    scope: 'io.flowgate.bench',
    metrics: Array.from({ length: metrics }, (_, m) => ({
      name: `app.requests.${String(m).padStart(2, '0')}`,
      unit: '1',
      points: Array.from({ length: pointsPerMetric }, (_, i) => ({
        attributes: {
          'http.method': methods[i % 3]!,
          'http.route': `/api/v1/resource/${i % 25}`,
          'http.status_code': 200 + (i % 5),
          pod: `checkout-${variant}-${Math.floor(i / 25)}`,
        },
        startTimeUnixNano: now - 60_000_000_000n,
        timeUnixNano: now,
        value: i * 7 + m,
      })),
    })),
  };
}
