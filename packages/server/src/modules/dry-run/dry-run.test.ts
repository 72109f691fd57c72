import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { collectorBinary } from '../../platform/collector.ts';
import { systemScope } from '../../platform/scope.ts';
import { AppError } from '../../platform/errors.ts';
import { createDryRunService } from './dry-run.service.ts';
import { countTelemetry } from './otlp-json.ts';

let fg: TestFlowgate;
let viewer: { token: string };
let hasCollector = false;

const TEMPLATE = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 0.0.0.0:4318
processors:
  batch: {}
  filter/drop-disk-io:
    error_mode: ignore
    metrics:
      metric:
        - name == "node_disk_io_time_seconds_total"
  attributes/strip-device:
    actions:
      - key: device
        action: delete
  filter/drop-debug-logs:
    error_mode: ignore
    logs:
      log_record:
        - severity_number < SEVERITY_NUMBER_INFO
exporters:
  otlp_http:
    endpoint: https://otlp.example.com
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [filter/drop-disk-io, attributes/strip-device, batch]
      exporters: [otlp_http]
    logs:
      receivers: [otlp]
      processors: [filter/drop-debug-logs, batch]
      exporters: [otlp_http]
`;
const PASS_THROUGH = `receivers:
  otlp:
    protocols:
      http: {}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [debug]
`;

before(async () => {
  fg = await startTestFlowgate();
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  hasCollector = collectorBinary(fg.config) !== null;
});
after(async () => {
  await fg?.close();
});

const admin = () => api(fg, fg.adminToken);
async function template(name: string, yaml: string) {
  const r = await admin().post(`/api/v1/templates?org_id=${fg.defaultOrgId}`, { name, config_yaml: yaml });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}
const dryRunDirs = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('flowgate-dry-run-')));

type Obj = Record<string, unknown> & { attributes?: { key: string }[] };
/** Every metric data point as {metric, attributes keys}. */
function points(data: unknown): { metric: string; keys: string[] }[] {
  const out: { metric: string; keys: string[] }[] = [];
  for (const rm of (data as { resourceMetrics?: Obj[] }).resourceMetrics ?? []) {
    for (const sm of (rm.scopeMetrics as Obj[]) ?? []) {
      for (const m of (sm.metrics as Obj[]) ?? []) {
        const body = (m.sum ?? m.gauge) as { dataPoints: Obj[] };
        for (const p of body.dataPoints)
          out.push({ metric: m.name as string, keys: (p.attributes ?? []).map((a) => a.key) });
      }
    }
  }
  return out;
}

test(
  'dry-run of a template that drops a metric and deletes an ' +
    'attribute shows exactly that difference (real collector)',
  async (t) => {
    if (!hasCollector) return t.skip('collector binary not built (npm run gateway:build)');
    const id = await template('cost-rules', TEMPLATE);
    const before = dryRunDirs();
    const r = await api(fg, viewer.token).post(`/api/v1/templates/${id}/dry-run`, {});
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 2000));
    const { input_counts: inC, output_counts: outC } = r.body;
    assert.equal(r.body.version, 1);
    assert.deepEqual(r.body.pipelines, [
      { signal: 'metrics', pipeline: 'metrics', processors: ['filter/drop-disk-io', 'attributes/strip-device'] },
      { signal: 'logs', pipeline: 'logs', processors: ['filter/drop-debug-logs'] },
    ]);
    assert.ok(r.body.notes.some((n: string) => n.includes('"batch" was left out')));

    // Metrics: exactly the dropped metric is gone, every other metric keeps all its points.
    const dropped = inC.by_metric.node_disk_io_time_seconds_total as number;
    assert.ok(dropped > 0, 'the sample has the dropped metric');
    assert.equal(outC.by_metric.node_disk_io_time_seconds_total, undefined);
    assert.equal(outC.data_points, inC.data_points - dropped);
    assert.equal(outC.metrics, inC.metrics - 1);
    const { node_disk_io_time_seconds_total: _gone, ...rest } = inC.by_metric;
    assert.deepEqual(outC.by_metric, rest);
    assert.ok(inC.metrics >= 30, `built-in sample has ${inC.metrics} metrics`);

    // The device attribute is gone from every output point, and only it: the others are intact.
    const inPoints = points(r.body.input);
    const outPoints = points(r.body.output);
    assert.ok(
      inPoints.some((p) => p.keys.includes('device')),
      'the sample has device attributes',
    );
    assert.ok(outPoints.every((p) => !p.keys.includes('device')));
    const keysOf = (ps: { metric: string; keys: string[] }[]) =>
      ps
        .map(
          (p) =>
            `${p.metric}|${p.keys
              .filter((k) => k !== 'device')
              .sort()
              .join(',')}`,
        )
        .sort();
    assert.deepEqual(keysOf(outPoints), keysOf(inPoints.filter((p) => p.metric !== 'node_disk_io_time_seconds_total')));
    assert.ok(
      outPoints.some((p) => p.keys.includes('mode')),
      'other attributes (cpu mode) are kept',
    );

    // Logs: DEBUG records dropped, the other severities unchanged.
    assert.ok(
      inC.by_severity.DEBUG > 0 && inC.by_severity.INFO > 0 && inC.by_severity.WARN > 0 && inC.by_severity.ERROR > 0,
      JSON.stringify(inC.by_severity),
    );
    const { DEBUG: debug, ...others } = inC.by_severity;
    assert.deepEqual(outC.by_severity, others);
    assert.equal(outC.logs, inC.logs - debug);
    // The counts describe the data shown.
    assert.deepEqual(countTelemetry(r.body.output), outC);
    assert.deepEqual(countTelemetry(r.body.input), inC);
    assert.ok(r.body.duration_ms < 30_000);
    assert.deepEqual(dryRunDirs(), before, 'temp dir removed');
  },
);

test("dry-run of the user's OTLP/JSON, of one built-in signal, and of an older version", async (t) => {
  if (!hasCollector) return t.skip('collector binary not built (npm run gateway:build)');
  const id = await template('pass-through', PASS_THROUGH);
  assert.equal((await admin().post(`/api/v1/templates/${id}/versions`, { config_yaml: TEMPLATE })).status, 201);
  const otlp = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'mine' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'node_disk_io_time_seconds_total',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { timeUnixNano: '1', asDouble: 1, attributes: [{ key: 'device', value: { stringValue: 'sda' } }] },
                  ],
                },
              },
              {
                name: 'requests',
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: '1',
                      asInt: '5',
                      attributes: [
                        { key: 'device', value: { stringValue: 'x' } },
                        { key: 'route', value: { stringValue: '/a' } },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
  const latest = await admin().post(`/api/v1/templates/${id}/dry-run`, { sample: { otlp_json: otlp } });
  assert.equal(latest.status, 200, JSON.stringify(latest.body).slice(0, 1000));
  assert.deepEqual(latest.body.input_counts.by_metric, { node_disk_io_time_seconds_total: 1, requests: 1 });
  assert.deepEqual(latest.body.output_counts.by_metric, { requests: 1 });
  assert.deepEqual(points(latest.body.output), [{ metric: 'requests', keys: ['route'] }]);

  // Version 1 has no processors: what goes in comes out.
  const v1 = await admin().post(`/api/v1/templates/${id}/dry-run`, { version: 1, sample: 'metrics' });
  assert.equal(v1.status, 200);
  assert.equal(v1.body.version, 1);
  assert.deepEqual(v1.body.output_counts, v1.body.input_counts);
  assert.equal(v1.body.input_counts.logs, 0);
  // Version 1 has no logs pipeline: a logs-only dry-run has nothing to run.
  const logsOnly = await admin().post(`/api/v1/templates/${id}/dry-run`, { version: 1, sample: 'logs' });
  assert.equal(logsOnly.status, 400);
  assert.equal(logsOnly.body.error.code, 'INVALID_CONFIG');
});

test(
  'bad input: unknown template or version 404, another org 404, ' +
    'a sample that is not OTLP/JSON 400, processors the collector refuses 400',
  async (t) => {
    const id = await template('bad-input', TEMPLATE);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const r404 = await admin().post(`/api/v1/templates/${unknown}/dry-run`, {});
    assert.equal(r404.status, 404);
    assert.equal(r404.body.error.code, 'TEMPLATE_NOT_FOUND');
    const v404 = await admin().post(`/api/v1/templates/${id}/dry-run`, { version: 9 });
    assert.equal(v404.status, 404);
    const other = await admin().post('/api/v1/orgs', { name: 'Dry-run other org' });
    const foreign = await admin().post(`/api/v1/templates?org_id=${other.body.id}`, {
      name: 'foreign',
      config_yaml: TEMPLATE,
    });
    const cross = await admin().post(`/api/v1/templates/${foreign.body.id}/dry-run?org_id=${fg.defaultOrgId}`, {});
    assert.equal(cross.status, 404);
    if (!hasCollector) return t.skip('collector binary not built (npm run gateway:build)');
    const notOtlp = await admin().post(`/api/v1/templates/${id}/dry-run?org_id=${fg.defaultOrgId}`, {
      sample: { otlp_json: { metrics: [] } },
    });
    assert.equal(notOtlp.status, 400);
    assert.equal(notOtlp.body.error.code, 'VALIDATION_FAILED');
    const broken = await admin().post(`/api/v1/templates?org_id=${fg.defaultOrgId}`, {
      name: 'broken-processor',
      config_yaml: TEMPLATE.replace('action: delete', 'action: explode'),
    });
    const refused = await admin().post(`/api/v1/templates/${broken.body.id}/dry-run?org_id=${fg.defaultOrgId}`, {});
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'INVALID_CONFIG');
    assert.equal(refused.body.error.details.errors[0].code, 'COLLECTOR_REJECTED');
    assert.match(refused.body.error.details.errors[0].message, /explode/);
  },
);

test('without the collector binary: 503 DRY_RUN_UNAVAILABLE telling to build it', async () => {
  const dryRun = createDryRunService({
    config: { gatewayBinDir: join(tmpdir(), 'no-such-flowgate-bin') },
    templates: fg.features.templates,
    logger: pino({ level: 'silent' }),
  });
  const id = await template('no-binary', TEMPLATE);
  await assert.rejects(dryRun.run(systemScope(fg.defaultOrgId), id, {}), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'DRY_RUN_UNAVAILABLE');
    assert.equal(err.status, 503);
    assert.match(err.message, /npm run gateway:build/);
    return true;
  });
});

test(
  'at most two at once (the third gets 503 with Retry-After), ' +
    'time-limited (504), children killed and temp dirs removed on every path',
  async () => {
    // A stand-in collector that never becomes ready: it records its pid and sleeps.
    const binDir = mkdtempSync(join(tmpdir(), 'flowgate-fake-bin-'));
    const pids = join(binDir, 'pids');
    writeFileSync(join(binDir, 'otelcol-flowgate'), `#!/bin/sh\necho $$ >> ${pids}\nexec sleep 60\n`);
    chmodSync(join(binDir, 'otelcol-flowgate'), 0o755);
    const dryRun = createDryRunService({
      config: { gatewayBinDir: binDir },
      templates: fg.features.templates,
      logger: pino({ level: 'silent' }),
      timeoutMs: 6000,
    });
    const id = await template('slow', TEMPLATE);
    const scope = systemScope(fg.defaultOrgId);
    const before = dryRunDirs();
    try {
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => null,
          (err: unknown) => err,
        );
      const first = outcome(dryRun.run(scope, id, {}));
      const second = outcome(dryRun.run(scope, id, {}));
      // Wait (bounded) until both stand-in collectors run; a loaded machine may take a while to start them.
      const deadline = Date.now() + 5000;
      while (
        (dryRun.active < 2 || !existsSync(pids) || readFileSync(pids, 'utf8').trim().split('\n').length < 2) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(dryRun.active, 2);
      await assert.rejects(dryRun.run(scope, id, {}), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'DRY_RUN_UNAVAILABLE');
        assert.equal(err.headers?.['Retry-After'], '5');
        return true;
      });
      for (const err of [await first, await second]) {
        assert.ok(err instanceof AppError, String(err));
        assert.equal(err.code, 'DRY_RUN_TIMEOUT');
        assert.equal(err.status, 504);
      }
      assert.equal(dryRun.active, 0);
      const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      assert.equal(started.length, 2);
      for (const pid of started) assert.throws(() => process.kill(pid, 0), /ESRCH/, `child ${pid} still running`);
      assert.deepEqual(dryRunDirs(), before, 'temp dirs removed');
    } finally {
      rmSync(binDir, { recursive: true, force: true });
    }
  },
);
