// OTLP/JSON payloads for the reduce tests (e2e/reduce-collector.test.ts).
/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const now = () => String(BigInt(Date.now()) * 1_000_000n);

/** A service `shop` and a job `node`: what the metric blocks test drops, keeps and merges. */
export function shopPayload(): Json {
  const t = now();
  const start = String(BigInt(t) - 60_000_000_000n);
  const routes = ['/a', '/b'];
  const pods = [0, 1, 2, 3, 4];
  const requests = routes.flatMap((route, r) =>
    pods.map((p) => ({
      attributes: [str('route', route), str('pod', `p${p}`)],
      startTimeUnixNano: start,
      timeUnixNano: t,
      asDouble: r * 100 + p,
    })),
  );
  const temperature = ['z1', 'z2'].flatMap((zone, z) =>
    [0, 1, 2, 3].map((s) => ({
      attributes: [str('zone', zone), str('sensor', `s${s}`)],
      timeUnixNano: t,
      asDouble: z * 10 + s,
    })),
  );
  const latency = routes.flatMap((route) =>
    pods.map((p) => ({
      attributes: [str('route', route), str('pod', `p${p}`)],
      startTimeUnixNano: start,
      timeUnixNano: t,
      count: '6',
      sum: 1.5,
      bucketCounts: ['1', '2', '3'],
      explicitBounds: [0.1, 1],
    })),
  );
  const gauge = (name: string, points: Json[]) => ({ name, gauge: { dataPoints: points } });
  const one = (v: number, a: Json[] = []) => ({ attributes: a, timeUnixNano: t, asDouble: v });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'shop')] },
        scopeMetrics: [
          {
            scope: { name: 'shop' },
            metrics: [
              { name: 'http.requests', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: requests } },
              gauge('temperature', temperature),
              { name: 'latency', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: latency } },
              gauge('debug.noise', [one(1)]),
              gauge('tmp.scratch', [one(2)]),
              gauge('shop_other', [one(1, [str('k', 'v1')]), one(2, [str('k', 'v2')])]),
            ],
          },
        ],
      },
      {
        resource: { attributes: [str('service.name', 'node')] },
        scopeMetrics: [{ scope: {}, metrics: [gauge('node_keep_me', [one(1)]), gauge('node_drop_me', [one(2)])] }],
      },
    ],
  };
}

/**
 * A service `checkout` as an OTLP SDK sends it: every metric type, exemplars, attribute values of every
 * kind, min/max, exponential buckets.
 */
export function checkoutPayload(): Json {
  const t = now();
  const start = String(BigInt(t) - 60_000_000_000n);
  const exemplar = {
    filteredAttributes: [str('user', 'u-1')],
    timeUnixNano: t,
    asDouble: 0.25,
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
  };
  const base = { startTimeUnixNano: start, timeUnixNano: t };
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            str('service.name', 'checkout'),
            { key: 'process.pid', value: { intValue: '4242' } },
            { key: 'host.arch.64', value: { boolValue: true } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'io.opentelemetry.sdk', version: '1.40.0', attributes: [str('lib', 'x')] },
            schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
            metrics: [
              {
                name: 'http.server.request.duration',
                unit: 's',
                description: 'Duration of HTTP server requests.',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: ['/cart', '/pay'].map((route) => ({
                    ...base,
                    attributes: [
                      str('http.route', route),
                      { key: 'http.response.status_code', value: { intValue: '200' } },
                    ],
                    count: '10',
                    sum: 3.5,
                    min: 0.01,
                    max: 1.2,
                    bucketCounts: ['2', '5', '3', '0'],
                    explicitBounds: [0.05, 0.5, 5],
                    exemplars: [exemplar],
                  })),
                },
              },
              {
                name: 'app.jobs.processed',
                unit: '{jobs}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ ...base, attributes: [str('queue', 'mail')], asInt: '1234' }],
                },
              },
              {
                name: 'app.cache.evictions',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [{ ...base, attributes: [{ key: 'ratio', value: { doubleValue: 0.5 } }], asInt: '0' }],
                },
              },
              {
                name: 'queue.wait',
                unit: 'ms',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      ...base,
                      count: '7',
                      sum: 42.5,
                      scale: 3,
                      zeroCount: '1',
                      zeroThreshold: 0.001,
                      positive: { offset: -2, bucketCounts: ['1', '0', '3', '300'] },
                      negative: { offset: 1, bucketCounts: ['2'] },
                      min: 0,
                      max: 20,
                    },
                  ],
                },
              },
              {
                name: 'rpc.latency',
                summary: {
                  dataPoints: [
                    {
                      ...base,
                      count: '5',
                      sum: 2,
                      quantileValues: [
                        { quantile: 0, value: 0.1 },
                        { quantile: 0.5, value: 0.3 },
                        { quantile: 1, value: 0.9 },
                      ],
                    },
                  ],
                },
              },
              { name: 'process.memory', unit: 'By', gauge: { dataPoints: [{ ...base, asInt: '-5' }] } },
            ],
          },
        ],
      },
    ],
  };
}
