// Issue 15, on two real gateways (`flowgate gateway run`, tagged ring=dp): version 1 sends what they
// receive to an OTLP sink; version 2 points the exporter at a dead endpoint. Nothing the control plane
// or the collector can check before starting catches that (the config is valid, the collector starts
// and is healthy), so the canary's first gateway applies it — and its own telemetry then shows items
// received but none sent. The rollout pauses before the second batch with the reason and the figures,
// a deployment.failed event is recorded, and the second gateway keeps version 1.
//
// Own metrics: the collector's periodic reader exports every 60 s by default. The control plane cannot
// offer another interval over OpAMP (the own-metrics offer carries an endpoint and headers only), but the
// supervisor passes its environment to the collector and the OpenTelemetry SDK reads
// OTEL_METRIC_EXPORT_INTERVAL when the config sets no interval: the gateways here export every 5 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freePort, type ServerProcess } from './lib/server.ts';
import { acquireGatewayLock, type GatewayLock } from './lib/gateway-lock.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import { metricsPayload, sendOtlp, startOtlpSink, type OtlpSink } from './lib/otlp.ts';
import {
  RealGateway,
  addVersion,
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

const skip = gatewaySkip;
const T0 = Date.now();
const note = (m: string) =>
  process.stderr.write(`[gateway-data-plane +${((Date.now() - T0) / 1000).toFixed(1)}s] ${m}\n`);

let lock: GatewayLock | null = null;
let db: TestDatabase | null = null;
let server: ServerProcess;
let sink: OtlpSink;
const gws: RealGateway[] = [];
const ids: string[] = [];
let traffic: NodeJS.Timeout | null = null;
let sentBatches = 0;

const configYaml = (exporterEndpoint: string) => `receivers:
  otlp:
    protocols:
      http: {}
processors:
  batch:
    timeout: 200ms
exporters:
  otlphttp:
    endpoint: ${exporterEndpoint}
    encoding: json
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp]
`;

before(async () => {
  if (skip) return;
  process.env.OTEL_METRIC_EXPORT_INTERVAL = '5000';
  db = await freshDatabase();
  server = await startServer(db.env);
  sink = await startOtlpSink();
  const token = (
    await ok(server.api('POST', '/api/v1/registration-tokens', { name: 'e2e-dp', expires_in_days: 1 }), 'token')
  ).token;
  lock = await acquireGatewayLock('gateway-data-plane');
  if (lock.waitedMs > 1000) note(`waited ${(lock.waitedMs / 1000).toFixed(0)} s for the real-gateway lock`);
  for (const name of ['e2e-dp-a', 'e2e-dp-b']) {
    const gw = await RealGateway.create(name, () => server, { via: 'cli', registrationToken: token });
    gws.push(gw);
    gw.start();
    const listed = await eventuallyOr(
      async () => (await server.api('GET', `/api/v1/gateways?name=${name}`)).body.items?.[0],
      90_000,
      () => gw.diagnostics(),
    );
    ids.push(listed.id);
    await waitHealthy(server, listed.id, 90_000).catch((err) => {
      throw new Error(`${err.message}\n${gw.diagnostics()}`);
    });
    await ok(server.api('PUT', `/api/v1/gateways/${listed.id}/tags`, { tags: { ring: 'dp' } }), 'tags');
  }
  note(`control plane ${server.url}; gateways ${ids.join(', ')} tagged ring=dp; sink ${sink.url}`);
});

after(async () => {
  if (traffic) clearInterval(traffic);
  for (const gw of gws) await gw.stop().catch(() => null);
  const left = gws.flatMap((gw) => gw.processes());
  for (const gw of gws) gw.removeStorage();
  await server?.stop();
  await sink?.close();
  await db?.drop().catch(() => undefined);
  lock?.release();
  delete process.env.OTEL_METRIC_EXPORT_INTERVAL;
  if (!skip) {
    note(`pgrep -af otelcol-flowgate after cleanup: ${pgrepCollectors() || '(none)'}`);
    assert.deepEqual(left, [], 'no supervisor or collector of this file is left running');
  }
});

const diag = () => gws.map((g) => g.diagnostics(1500)).join('\n');
const sentOf = async (id: string) => {
  const m = await ok(server.api('GET', `/api/v1/gateways/${id}/metrics`), 'metrics');
  return { received: m.totals.received.metric_points ?? 0, sent: m.totals.sent.metric_points ?? 0 };
};

test(
  'a canary whose new version sends to a dead endpoint pauses before the next batch, with the figures and an event',
  { skip, timeout: 420_000 },
  async () => {
    const v1 = await createTemplate(server, 'e2e-dp', configYaml(sink.url));
    const first = await deploy(server, { template_id: v1.id, version: 1, target: { tags: { ring: 'dp' } } });
    await eventuallyOr(async () => (await deployment(server, first.id)).status === 'completed', 90_000, diag);
    // Traffic into both gateways for the rest of the test: 20 points a second each.
    traffic = setInterval(() => {
      for (const gw of gws)
        void sendOtlp(`127.0.0.1:${gw.ports.http}`, 'metrics', metricsPayload(`b${sentBatches}`).body).catch(
          () => undefined,
        );
      sentBatches++;
    }, 1000);
    // Version 1 works: the gateways' own telemetry shows items sent out (the baseline the gate compares with).
    for (const id of ids) await eventuallyOr(async () => (await sentOf(id)).sent > 0, 90_000, diag);
    note(
      `version 1 sends out: ${JSON.stringify(await Promise.all(ids.map(sentOf)))}; sink got ${sink.requests.length} requests`,
    );

    const deadPort = await freePort(); // nothing listens there
    const v2 = await addVersion(server, v1.id, configYaml(`http://127.0.0.1:${deadPort}`));
    const rollout = await deploy(server, {
      name: 'dead exporter',
      template_id: v1.id,
      version: v2,
      target: { tags: { ring: 'dp' } },
      strategy: { type: 'canary', batches: [50, 100], soak_seconds: 60 },
    });
    const canaryId = rollout.targets.find((t: Json) => t.batch === 0).gateway_id as string;
    const otherId = ids.find((id) => id !== canaryId)!;
    const paused = await eventuallyOr(
      async () => {
        const d = await deployment(server, rollout.id);
        assert.notEqual(d.status, 'completed', `the rollout completed without pausing: ${JSON.stringify(d)}`);
        return d.status === 'paused' ? d : null;
      },
      180_000,
      diag,
    );
    note(`paused: ${paused.reason}`);
    assert.equal(paused.pause_details.cause, 'data_plane', JSON.stringify(paused));
    assert.equal(paused.current_batch, 0);
    const finding = paused.pause_details.findings[0];
    assert.equal(finding.gateway_id, canaryId);
    assert.ok(['out_zero', 'send_failures'].includes(finding.check), finding.check);
    assert.ok(finding.figures.received > 0, 'it received data');
    assert.equal(finding.figures.sent, 0, 'and sent none of it out');
    assert.match(paused.reason, /^Data plane after applying version 2: e2e-dp-[ab]: /);
    const second = paused.targets.find((t: Json) => t.gateway_id === otherId);
    assert.equal(second.status, 'pending', 'the second batch never got version 2');
    const other = await gatewayDetail(server, otherId);
    assert.ok(other.effective_config_yaml.includes(sink.url), 'the second gateway still sends to the sink');
    assert.ok(!other.effective_config_yaml.includes(`127.0.0.1:${deadPort}`));

    const events = await ok(server.api('GET', '/api/v1/event-log?type=deployment.failed'), 'event log');
    const e = events.items.find((x: Json) => x.subject.id === rollout.id);
    assert.ok(e, 'a deployment.failed event');
    assert.equal(e.data.cause, 'data_plane');
    assert.equal(e.data.findings[0].figures.sent, 0);

    // Roll back: version 1 everywhere, the data flows again.
    await ok(server.api('POST', `/api/v1/deployments/${rollout.id}/rollback`), 'rollback');
    await eventuallyOr(
      async () => (await gatewayDetail(server, canaryId)).effective_config_yaml?.includes(sink.url),
      90_000,
      diag,
    );
  },
);
