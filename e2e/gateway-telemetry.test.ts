// Issue 4, with the real binaries: telemetry through a real gateway (`flowgate gateway run`) under a
// deployed config that drops a metric by name, deletes a high-cardinality attribute and drops DEBUG logs;
// a config the collector rejects ends FAILED with the collector's own error text while the gateway goes
// on with the last good config (and the API says how it recovered); the gateway's own metrics reach the
// control plane and match what was sent.
//
// The control plane runs the way its container image ships (deploy/README.md): without the collector
// binary (FLOWGATE_GATEWAY_BIN_DIR names an empty directory), so only the static checks run before a
// deployment and the gateway's collector is the one that rejects the broken config. (With the binary
// the control plane refuses that config before it is deployed: the validation tests cover that.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from './lib/server.ts';
import { acquireGatewayLock, type GatewayLock } from './lib/gateway-lock.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import {
  RealGateway,
  addVersion,
  configEvents,
  createTemplate,
  deploy,
  deployment,
  eventuallyOr,
  gatewayDetail,
  gatewaySkip,
  ok,
  pgrepCollectors,
  waitHealthy,
  type Json,
} from './lib/gateway.ts';
import { logsPayload, metricsPayload, sendOtlp, startOtlpSink, type OtlpSink } from './lib/otlp.ts';

const skip = gatewaySkip;
const T0 = Date.now();
const note = (m: string) =>
  process.stderr.write(`[gateway-telemetry +${((Date.now() - T0) / 1000).toFixed(1)}s] ${m}\n`);

let lock: GatewayLock | null = null;
let db: TestDatabase | null = null;
let server: ServerProcess;
let sink: OtlpSink;
let gw: RealGateway;
let gwId = '';
let noCollectorDir = '';
let templateId = '';
let goodHash = '';
/** What was sent, and to which collector process. */
const sends: {
  batch: string;
  pid: number | null;
  points: number;
  keptPoints: number;
  logs: number;
  keptLogs: number;
}[] = [];

const configYaml = (sinkUrl: string, broken: boolean) => `receivers:
  otlp:
    protocols:
      http: {}
processors:
  filter/e2e:
    error_mode: ignore
    metrics:
      metric:
        - name == "e2e.dropped.metric"
    logs:
      log_record:
        - severity_number < SEVERITY_NUMBER_INFO
  attributes/e2e:
    actions:
      - key: user.session.id
        action: delete
  batch:
    timeout: 200ms${broken ? '\n    send_batch_size: 100\n    send_batch_max_size: 10' : ''}
exporters:
  otlphttp/sink:
    endpoint: ${sinkUrl}
    encoding: json
    compression: none
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [filter/e2e, attributes/e2e, batch]
      exporters: [otlphttp/sink]
    logs:
      receivers: [otlp]
      processors: [filter/e2e, attributes/e2e, batch]
      exporters: [otlphttp/sink]
`;

before(async () => {
  if (skip) return;
  db = await freshDatabase();
  noCollectorDir = mkdtempSync(join(tmpdir(), 'flowgate-no-collector-'));
  server = await startServer({ ...db.env, FLOWGATE_GATEWAY_BIN_DIR: noCollectorDir });
  sink = await startOtlpSink();
  const token = (
    await ok(
      server.api('POST', '/api/v1/registration-tokens', { name: 'e2e-telemetry', expires_in_days: 1 }),
      'registration token',
    )
  ).token;
  // The control plane starts while another file may still run its gateways; ours wait for the lock.
  lock = await acquireGatewayLock('gateway-telemetry');
  if (lock.waitedMs > 1000) note(`waited ${(lock.waitedMs / 1000).toFixed(0)} s for the real-gateway lock`);
  gw = await RealGateway.create('e2e-telemetry', () => server, { via: 'cli', registrationToken: token });
  gw.start();
  const listed = await eventuallyOr(
    async () => (await server.api('GET', '/api/v1/gateways?name=e2e-telemetry')).body.items?.[0],
    90_000,
    () => gw.diagnostics(),
  );
  gwId = listed.id;
  await waitHealthy(server, gwId, 90_000).catch((err) => {
    throw new Error(`${err.message}\n${gw.diagnostics()}`);
  });
  note(
    `control plane on ${server.url}, gateway ${gwId} (flowgate gateway run) ` +
      `healthy, OTLP HTTP on 127.0.0.1:${gw.ports.http}, sink on ${sink.url}`,
  );
});

after(async () => {
  const code = await gw?.stop().catch(() => null);
  if (gw) note(`stopped ${gw.name} (exit ${code})`);
  const left = gw?.processes() ?? [];
  gw?.removeStorage();
  if (noCollectorDir) rmSync(noCollectorDir, { recursive: true, force: true });
  await server?.stop();
  await sink?.close();
  await db?.drop().catch(() => undefined);
  lock?.release();
  if (!skip) {
    const all = pgrepCollectors();
    note(`pgrep -af otelcol-flowgate after cleanup: ${all ? `\n${all}` : '(none)'}`);
    assert.deepEqual(left, [], 'no supervisor or collector of this file is left running');
  }
});

async function sendBatch(batch: string) {
  const m = metricsPayload(batch);
  const l = logsPayload(batch);
  const pid = gw.collectorPid();
  await sendOtlp(`127.0.0.1:${gw.ports.http}`, 'metrics', m.body);
  await sendOtlp(`127.0.0.1:${gw.ports.http}`, 'logs', l.body);
  sends.push({
    batch,
    pid,
    points: m.total,
    keptPoints: m.total - m.points['e2e.dropped.metric']!,
    logs: l.total,
    keptLogs: l.total - l.severities.DEBUG!,
  });
}

/** Waits for batch `batch` at the sink, then checks it holds exactly what the config lets through. */
async function assertFiltered(batch: string) {
  const expectPoints = metricsPayload(batch).points;
  const expectLogs = logsPayload(batch).severities;
  const keptPoints = expectPoints['e2e.requests']! + expectPoints['e2e.queue.depth']!;
  const keptLogs = expectLogs.INFO! + expectLogs.WARN! + expectLogs.ERROR!;
  const mine = () => ({
    points: sink.points().filter((p) => p.attributes['e2e.batch'] === batch),
    logs: sink.logs().filter((l) => l.attributes['e2e.batch'] === batch),
  });
  await eventuallyOr(
    async () => {
      const x = mine();
      return x.points.length >= keptPoints && x.logs.length >= keptLogs;
    },
    30_000,
    () => `sink has ${JSON.stringify(mine()).slice(0, 1500)}\n${gw.diagnostics()}`,
  );
  // Anything the filter failed to drop would arrive in the same export; give stragglers a moment.
  await new Promise((r) => setTimeout(r, 1500));
  const { points, logs } = mine();
  const byName: Record<string, number> = {};
  for (const p of points) byName[p.name] = (byName[p.name] ?? 0) + 1;
  assert.deepEqual(
    byName,
    { 'e2e.requests': expectPoints['e2e.requests'], 'e2e.queue.depth': expectPoints['e2e.queue.depth'] },
    'every kept metric point arrives once; e2e.dropped.metric never does',
  );
  for (const p of points) {
    assert.ok(!('user.session.id' in p.attributes), `user.session.id deleted from ${p.name}`);
    assert.ok(p.attributes['http.route'], 'other attributes kept');
    assert.equal(p.resource['service.name'], 'flowgate-e2e-app');
  }
  const bySeverity: Record<string, number> = {};
  for (const l of logs) bySeverity[l.severityText] = (bySeverity[l.severityText] ?? 0) + 1;
  assert.deepEqual(
    bySeverity,
    { INFO: expectLogs.INFO, WARN: expectLogs.WARN, ERROR: expectLogs.ERROR },
    'INFO, WARN and ERROR arrive; DEBUG never does',
  );
  for (const l of logs) {
    assert.ok(!('user.session.id' in l.attributes), 'user.session.id deleted from log records');
    assert.equal(l.attributes['http.route'], '/checkout');
    assert.match(l.body, /^e2e (info|warn|error) message/);
  }
}

test(
  'a deployed config drops one metric by name, one high-cardinality attribute ' +
    'and DEBUG logs: the sink gets everything else and none of it',
  { skip, timeout: 120_000 },
  async () => {
    const t = Date.now();
    const tpl = await createTemplate(server, 'e2e-telemetry', configYaml(sink.url, false));
    templateId = tpl.id;
    const dep = await deploy(server, {
      template_id: tpl.id,
      version: tpl.version,
      target: { gateway_ids: [gwId] },
      strategy: { type: 'all_at_once' },
    });
    goodHash = dep.targets[0].config_hash;
    await eventuallyOr(
      async () => (await deployment(server, dep.id)).status === 'completed',
      60_000,
      async () => `${JSON.stringify(await deployment(server, dep.id))}\n${gw.diagnostics()}`,
    );
    const d = await waitHealthy(
      server,
      gwId,
      30_000,
      (x) => x.remote_config.status === 'APPLIED' && x.remote_config.hash === goodHash,
    );
    assert.match(d.effective_config_yaml, /filter\/e2e/);
    assert.match(d.effective_config_yaml, /otlphttp\/sink/);
    note(`v1 applied after ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await sendBatch('1');
    await assertFiltered('1');
    note(`batch 1 filtered as configured (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  },
);

test(
  "a config the collector rejects ends FAILED with the collector's own error; " +
    'the gateway goes on with the last good config and says how it recovered',
  { skip, timeout: 120_000 },
  async () => {
    assert.ok(goodHash, 'needs the previous test');
    const t = Date.now();
    const pidBefore = gw.collectorPid();
    const v2 = await addVersion(server, templateId, configYaml(sink.url, true), 'batch limits the collector rejects');
    const dep = await deploy(server, {
      template_id: templateId,
      version: v2,
      target: { gateway_ids: [gwId] },
      strategy: { type: 'all_at_once' },
    });
    const badHash = dep.targets[0].config_hash;
    assert.notEqual(badHash, goodHash);
    const collectorText = /send_batch_max_size must be greater or equal to send_batch_size/;
    // The collector's own words (from `otelcol-flowgate validate`, run by the supervisor) are kept for this hash.
    const failed = await eventuallyOr(
      async () => (await configEvents(server, gwId)).find((e) => e.config_hash === badHash && e.status === 'FAILED'),
      60_000,
      async () => `${JSON.stringify(await configEvents(server, gwId))}\n${gw.diagnostics()}`,
    );
    assert.match(failed.error_message ?? '', collectorText, "config-events carry the collector's error text");
    const paused = await eventuallyOr(
      async () => {
        const x = await deployment(server, dep.id);
        return x.status !== 'in_progress' ? x : null;
      },
      30_000,
      () => 'deployment still in progress',
    );
    assert.equal(paused.targets[0].status, 'failed');
    assert.match(paused.targets[0].error, collectorText, "the deployment target carries the collector's text");
    assert.match(paused.reason ?? '', collectorText, `deployment ${paused.status} with the reason`);
    // The control plane re-sends the last applied configuration (the supervisor has no rollback at
    // v0.149) and the gateway detail says so.
    const recovered = await eventuallyOr(
      async () => {
        const x = await gatewayDetail(server, gwId);
        return x.remote_config.status === 'APPLIED' && x.remote_config.hash === goodHash && x.remote_config.recovery
          ? x
          : null;
      },
      60_000,
      async () => `${JSON.stringify((await gatewayDetail(server, gwId)).remote_config)}\n${gw.diagnostics()}`,
    );
    assert.match(
      recovered.remote_config.recovery,
      /^Version 2 failed; the control plane re-sent the last applied configuration \(version 1\)/,
      'the API says how it recovered',
    );
    assert.match(
      recovered.remote_config.recovery,
      collectorText,
      "and keeps the collector's words once the re-sent config is APPLIED",
    );
    note(`remote_config after recovery: ${JSON.stringify(recovered.remote_config)}`);
    const events = await configEvents(server, gwId);
    note(`config events: ${events.map((e) => `${e.status}:${e.config_hash?.slice(0, 8)}`).join(' ')}`);
    assert.ok(
      events.some(
        (e) =>
          e.config_hash === goodHash &&
          e.status === 'APPLIED' &&
          Date.parse(e.created_at) >= Date.parse(failed.created_at),
      ),
      'APPLIED for the last good config after the failure',
    );
    const cfg = await ok(server.api('GET', `/api/v1/gateways/${gwId}/config`), 'config');
    assert.equal(cfg.config_version, 1, 'the desired config is version 1 again');
    assert.equal(recovered.health.status, 'healthy');
    assert.match(recovered.effective_config_yaml, /filter\/e2e/);
    assert.ok(!/send_batch_max_size: 10\b/.test(recovered.effective_config_yaml), 'the rejected config never ran');
    note(
      `collector ${pidBefore} → ${gw.collectorPid()} (validate_config ` +
        `kept the running collector: ${pidBefore === gw.collectorPid()})`,
    );
    // Good traffic keeps arriving, processed by the last good config.
    await sendBatch('2');
    await assertFiltered('2');
    note(`failure and recovery shown in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  },
);

test(
  "the gateway's own metrics reach the control plane: items received and sent match what the test sent",
  { skip, timeout: 200_000 },
  async () => {
    assert.ok(sends.length, 'needs the previous tests');
    const t = Date.now();
    // Counters are cumulative per collector process: count what went to the one running now.
    const pid = gw.collectorPid();
    const mine = sends.filter((s) => s.pid === pid);
    assert.ok(mine.length, `sends reached collector ${pid}: ${JSON.stringify(sends)}`);
    const sum = (k: 'points' | 'keptPoints' | 'logs' | 'keptLogs') => mine.reduce((a, s) => a + s[k], 0);
    const expected = {
      received: { metric_points: sum('points'), log_records: sum('logs') },
      sent: { metric_points: sum('keptPoints'), log_records: sum('keptLogs') },
    };
    let last: Json = null;
    // Own metrics are pushed every 60 s (the supervisor's default at v0.149).
    const m = await eventuallyOr(
      async () => {
        last = await ok(server.api('GET', `/api/v1/gateways/${gwId}/metrics`), 'metrics');
        const tot = last.totals;
        return tot.received.metric_points === expected.received.metric_points &&
          tot.received.log_records === expected.received.log_records &&
          tot.sent.metric_points === expected.sent.metric_points &&
          tot.sent.log_records === expected.sent.log_records
          ? last
          : null;
      },
      150_000,
      () => `expected ${JSON.stringify(expected)}, last ${JSON.stringify(last)}`,
      2000,
    );
    assert.equal(m.logs_processed, expected.received.log_records);
    const filter = (signal: string) =>
      m.processors.find((p: Json) => p.processor === 'filter/e2e' && p.signal === signal);
    const fm = filter('metrics');
    const fl = filter('logs');
    assert.ok(fm && fl, `filter/e2e in ${JSON.stringify(m.processors)}`);
    assert.equal(
      fm.incoming - fm.outgoing,
      expected.received.metric_points - expected.sent.metric_points,
      'the filter dropped exactly the e2e.dropped.metric points',
    );
    assert.equal(
      fl.incoming - fl.outgoing,
      expected.received.log_records - expected.sent.log_records,
      'the filter dropped exactly the DEBUG records',
    );
    assert.equal(fm.incoming, expected.received.metric_points);
    assert.ok(m.last_updated, 'with the time of the last report');
    note(
      `own metrics matched after ${((Date.now() - t) / 1000).toFixed(1)} s: ` +
        `${JSON.stringify(m.totals)}; processors ${JSON.stringify(m.processors)}`,
    );
  },
);
