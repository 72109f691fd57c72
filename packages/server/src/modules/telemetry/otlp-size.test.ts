// The cost engine computes protobuf sizes of OTLP metrics without encoding them
// (packages/analysis/src/inventory/proto-size.ts). Here its answer is compared with a real protobuf encoder,
// @bufbuild/protobuf, on the OTLP messages generated for the telemetry module (gauges and sums; histograms,
// summaries and metric metadata are compared with the real collector's own encoding in
// e2e/reduce-collector.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromJson, toBinary, type JsonValue } from '@bufbuild/protobuf';
import { metricsRequestSize } from '@flowgate/analysis/inventory/proto-size.ts';
import type { MetricsRequest } from '@flowgate/analysis/inventory/otlp.ts';
import { ExportMetricsServiceRequestSchema } from './gen/flowgate/otlp/metrics_pb.ts';

const encodedSize = (req: MetricsRequest) =>
  toBinary(ExportMetricsServiceRequestSchema, fromJson(ExportMetricsServiceRequestSchema, req as JsonValue)).length;

const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const double = fc.double({ noNaN: true, noDefaultInfinity: true });

const anyValue = fc.oneof(
  text.map((s) => ({ stringValue: s })),
  fc.boolean().map((b) => ({ boolValue: b })),
  int64.map((i) => ({ intValue: i })),
  double.map((d) => ({ doubleValue: d })),
  fc.uint8Array({ maxLength: 40 }).map((b) => ({ bytesValue: Buffer.from(b).toString('base64') })),
  fc.array(text, { maxLength: 3 }).map((xs) => ({ arrayValue: { values: xs.map((s) => ({ stringValue: s })) } })),
  fc
    .array(fc.tuple(text, text), { maxLength: 3 })
    .map((kvs) => ({ kvlistValue: { values: kvs.map(([k, v]) => ({ key: k, value: { stringValue: v } })) } })),
);
const attributes = fc.array(fc.record({ key: text, value: anyValue }), { maxLength: 6 });
const point = fc
  .record(
    {
      attributes,
      startTimeUnixNano: fc.oneof(fc.constant('0'), uint64),
      timeUnixNano: uint64,
      value: fc.oneof(
        double.map((d) => ({ asDouble: d })),
        int64.map((i) => ({ asInt: i })),
      ),
      flags: fc.nat(),
    },
    { requiredKeys: ['value'] },
  )
  .map(({ value, ...p }) => ({ ...p, ...value }));
const metric = fc
  .record(
    {
      name: text,
      description: text,
      unit: text,
      data: fc.oneof(
        fc.array(point, { maxLength: 5 }).map((dataPoints) => ({ gauge: { dataPoints } })),
        fc
          .record({
            dataPoints: fc.array(point, { maxLength: 5 }),
            aggregationTemporality: fc.constantFrom(0, 1, 2),
            isMonotonic: fc.boolean(),
          })
          .map((sum) => ({ sum })),
      ),
    },
    { requiredKeys: ['name', 'data'] },
  )
  .map(({ data, ...m }) => ({ ...m, ...data }));
const request = fc
  .array(
    fc.record({
      resource: fc.record({ attributes, droppedAttributesCount: fc.nat() }),
      scopeMetrics: fc.array(
        fc.record({
          scope: fc.record({ name: text, version: text, attributes }, { requiredKeys: [] }),
          metrics: fc.array(metric, { maxLength: 4 }),
          schemaUrl: text,
        }),
        { maxLength: 3 },
      ),
      schemaUrl: text,
    }),
    { maxLength: 3 },
  )
  .map((resourceMetrics) => ({ resourceMetrics }) as MetricsRequest);

test('computed OTLP sizes equal @bufbuild/protobuf encodings (generated gauges and sums)', () => {
  fc.assert(
    fc.property(request, (req) => {
      assert.equal(metricsRequestSize(req), encodedSize(req));
    }),
    { numRuns: 300 },
  );
});

test('boundary values: negative ints take 10 bytes, zero scalars are left out, oneof zeros are written', () => {
  const req = (p: Record<string, unknown>, attrs: unknown[] = []): MetricsRequest => ({
    resourceMetrics: [
      {
        resource: { attributes: attrs as never },
        scopeMetrics: [{ scope: {}, metrics: [{ name: 'm', gauge: { dataPoints: [p] } }] }],
      },
    ],
  });
  for (const r of [
    req({ asDouble: 0 }),
    req({ asInt: '-1', flags: 0, timeUnixNano: '0' }),
    req({ asDouble: 1, startTimeUnixNano: '18446744073709551615' }),
    req({ asDouble: 1 }, [{ key: 'k', value: { intValue: '-9223372036854775808' } }]),
    req({ asDouble: 1 }, [{ key: '', value: { stringValue: '' } }]),
    req({ asDouble: 1 }, [{ key: 'ünïcødé 🚀', value: { stringValue: 'x'.repeat(300) } }]),
  ])
    assert.equal(metricsRequestSize(r), encodedSize(r), JSON.stringify(r));
});
