import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkSnapshotResponse,
  checkSummary,
  maskOtlpJson,
  maskSecretsInText,
  measureLimits,
} from '@flowgate/config-model';

const NOW = Date.parse('2026-12-07T20:05:00Z');

/** The example of docs/measurement.md. */
const documented = () => ({
  v: 1,
  points: [
    {
      pipeline: 'metrics',
      position: 'in',
      signal: 'metrics',
      window: { start: '2026-12-07T20:00:00Z', end: '2026-12-07T20:01:00Z' },
      items: 3027,
      bytes: 412345,
      metrics: [
        {
          name: 'node_cpu_seconds_total',
          type: 'sum',
          unit: 's',
          monotonic: true,
          temporality: 'cumulative',
          series: 16,
          datapoints: 16,
          bytes: 2210,
          labels: [
            { name: 'cpu', distinct: 2, exact: true, examples: ['0', '1'] },
            { name: 'mode', distinct: 8, exact: true, examples: ['idle', 'iowait', 'irq', 'nice', 'softirq'] },
          ],
          resource_labels: [{ name: 'service.name', distinct: 1, exact: true, examples: ['node'] }],
        },
      ],
      metrics_dropped: 0,
      logs: [{ service: 'checkout', severity: 'INFO', records: 1200, bytes: 240000 }],
    },
  ],
});

test('the documented summary is accepted as is, unknown extra fields too', () => {
  const r = checkSummary(documented(), NOW);
  assert.equal(r.ok, true, JSON.stringify(r));
  const extended = documented() as Record<string, unknown>;
  extended.future_field = { x: 1 };
  assert.equal(checkSummary(extended, NOW).ok, true);
});

test('shapes, numbers and counts out of bounds are refused with the path', () => {
  const cases: [string, (s: ReturnType<typeof documented>) => void, RegExp][] = [
    ['negative bytes', (s) => (s.points[0]!.bytes = -1), /\/points\/0\/bytes/],
    ['fractional items', (s) => (s.points[0]!.items = 1.5), /\/points\/0\/items/],
    ['beyond 2^53', (s) => (s.points[0]!.metrics[0]!.series = 2 ** 60), /series/],
    ['a string count', (s) => ((s.points[0]!.metrics[0] as Record<string, unknown>).datapoints = '16'), /datapoints/],
    ['wrong version', (s) => ((s as Record<string, unknown>).v = 2), /\/v/],
    ['unknown position', (s) => ((s.points[0] as Record<string, unknown>).position = 'middle'), /position/],
    ['missing pipeline', (s) => delete (s.points[0] as Record<string, unknown>).pipeline, /pipeline/],
    [
      'too many label keys',
      (s) =>
        (s.points[0]!.metrics[0]!.labels = Array.from({ length: measureLimits.labels + 1 }, (_, i) => ({
          name: `l${i}`,
          distinct: 1,
          exact: true,
          examples: [],
        }))),
      /labels/,
    ],
    ['too many examples', (s) => (s.points[0]!.metrics[0]!.labels[0]!.examples = Array(33).fill('x')), /examples/],
    ['window backwards', (s) => (s.points[0]!.window.end = '2026-12-07T19:00:00Z'), /end is not after start/],
    ['window not a time', (s) => (s.points[0]!.window.start = 'yesterday'), /RFC 3339/],
    ['window in the future', (s) => (s.points[0]!.window.end = '2026-12-09T00:00:00Z'), /future|longer/],
  ];
  for (const [what, mutate, path] of cases) {
    const s = documented();
    mutate(s);
    const r = checkSummary(s, NOW);
    assert.equal(r.ok, false, what);
    if (!r.ok) assert.match(r.problems.join('\n'), path, what);
  }
  assert.equal(checkSummary(null, NOW).ok, false);
  assert.equal(checkSummary([], NOW).ok, false);
  assert.equal(
    checkSummary({ v: 1, points: Array.from({ length: measureLimits.points + 1 }, () => documented().points[0]) }, NOW)
      .ok,
    false,
  );
});

test('snapshot responses: id and otlp object; anything else refused', () => {
  assert.equal(
    checkSnapshotResponse({ id: 'abc', signal: 'logs', truncated: false, otlp: { resourceLogs: [] } }).ok,
    true,
  );
  assert.equal(checkSnapshotResponse({ signal: 'logs', otlp: {} }).ok, false);
  assert.equal(checkSnapshotResponse({ id: 'abc', otlp: [] }).ok, false);
});

test('OTLP samples: credential attributes, bearer tokens, key=value secrets, URL passwords and known values masked', () => {
  const otlp = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                severityText: 'INFO',
                body: { stringValue: 'GET /cart Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig ok' },
                attributes: [
                  { key: 'http.request.header.authorization', value: { stringValue: 'Basic dXNlcjpwYXNz' } },
                  { key: 'db.password', value: { stringValue: 'hunter2-hunter2' } },
                  {
                    key: 'url.full',
                    value: { stringValue: 'https://app:s3cr3t-pw@db.internal:5432/x?api_key=abc123def' },
                  },
                  { key: 'note', value: { stringValue: 'uses tenant-7c1d-9e88-private for billing' } },
                  { key: 'aws', value: { stringValue: 'key AKIAIOSFODNN7EXAMPLE used' } },
                  {
                    key: 'ctx',
                    value: { kvlistValue: { values: [{ key: 'api_key', value: { stringValue: 'zzz-secret-zzz' } }] } },
                  },
                  { key: 'user.id', value: { intValue: '42' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  const masked = maskOtlpJson(otlp, ['tenant-7c1d-9e88-private']);
  const text = JSON.stringify(masked);
  for (const secret of [
    'eyJhbGciOiJIUzI1NiJ9',
    'dXNlcjpwYXNz',
    'hunter2-hunter2',
    's3cr3t-pw',
    'abc123def',
    'tenant-7c1d-9e88-private',
    'AKIAIOSFODNN7EXAMPLE',
    'zzz-secret-zzz',
  ])
    assert.ok(!text.includes(secret), `${secret} masked in ${text}`);
  // What is not a credential stays readable.
  const record = masked.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
  assert.equal(record.traceId, '5b8efff798038103d269b633813fc60c');
  assert.equal(record.body.stringValue, 'GET /cart Authorization: *** ok');
  assert.deepEqual(record.attributes.at(-1), { key: 'user.id', value: { intValue: '42' } });
  assert.equal(masked.resourceLogs[0]!.resource.attributes[0]!.value.stringValue, 'checkout');
  assert.equal(otlp.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes[1]!.value.stringValue, 'hunter2-hunter2');
});

test('free text: ordinary words that look like keys are left alone', () => {
  assert.equal(
    maskSecretsInText('token bucket refilled; password reset requested'),
    'token bucket refilled; password reset requested',
  );
  assert.equal(maskSecretsInText('password=hunter2'), 'password=***');
  assert.equal(maskSecretsInText('{"apiKey": "abcd1234"}'), '{"apiKey": "***"}');
});
