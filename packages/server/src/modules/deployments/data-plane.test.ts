// The data-plane gate: the verdict on counters (pure), and the engine pausing a canary before its next
// batch when a gateway's own telemetry says the new version stopped the data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';
import { telemetryToken } from '../../platform/crypto.ts';
import { judgeGateway, totalsBetween, totalsSince, type CounterSnapshot } from './data-plane-gate.ts';

const snap = (at: number, received: number, sent: number, failed = 0, refused = 0): CounterSnapshot => ({
  at: new Date(at),
  received: { metric_points: received },
  sent: { metric_points: sent },
  send_failed: { metric_points: failed },
  refused: { metric_points: refused },
});
const gw = { id: '00000000-0000-4000-8000-000000000001', name: 'edge-1' };

test('totals count increases between snapshots and restart from zero after a collector restart', () => {
  const { totals } = totalsSince(snap(0, 1000, 900), [snap(1, 1100, 990), snap(2, 50, 40), snap(3, 80, 60)]);
  // 100 + 50 (restart: counted from zero) + 30 received; 90 + 40 + 20 sent.
  assert.deepEqual(totals.metric_points, { received: 180, sent: 150, refused: 0, send_failed: 0 });
  assert.equal(totalsBetween(snap(0, 10, 10), snap(1, 5, 5)), null, 'a restart in between: no window');
  assert.equal(totalsBetween(snap(0, 10, 10), snap(1, 30, 25))!.metric_points.sent, 15);
});

test('the verdict: send failures, nothing out, a fall against before, refusals — each with its figures', () => {
  const t = (received: number, sent: number, failed = 0, refused = 0) =>
    totalsSince(null, [snap(1, received, sent, failed, refused)]).totals;
  assert.deepEqual(judgeGateway(gw, t(1000, 980), t(1000, 1000)), [], 'healthy');
  const failing = judgeGateway(gw, t(1000, 100, 900), null);
  assert.equal(failing[0]!.check, 'send_failures');
  assert.equal(failing[0]!.message, 'edge-1: exporters failed to send 900 of 1,000 metric points (90 %, limit 5.0 %)');
  const zero = judgeGateway(gw, t(500, 0), t(1000, 600));
  assert.equal(zero[0]!.check, 'out_zero');
  assert.equal(
    zero[0]!.message,
    'edge-1: received 500 metric points but sent none out (before the rollout it sent 60 % of what it received)',
  );
  assert.deepEqual(zero[0]!.figures, {
    received: 500,
    sent: 0,
    send_failed: 0,
    refused: 0,
    out_ratio: 0,
    before_out_ratio: 0.6,
  });
  const drop = judgeGateway(gw, t(1000, 50), t(1000, 1000));
  assert.equal(drop[0]!.check, 'out_drop');
  assert.deepEqual(
    judgeGateway(gw, t(1000, 50), t(1000, 1000), { max_out_drop: 0.97 }),
    [],
    'a reduction the template is meant to make',
  );
  const refused = judgeGateway(gw, t(900, 900, 0, 300), null);
  assert.equal(refused[0]!.check, 'refused');
  assert.deepEqual(judgeGateway(gw, t(10, 0), null), [], 'too few items to judge');
  assert.deepEqual(judgeGateway(gw, t(500, 0), null, { enabled: false }), [], 'gate off');
});

// ── the engine ──────────────────────────────────────────────────────────────────────────────────────────

let fg: TestFlowgate;
let base: string;
let ws: string;
let regToken: string;
const agents: AutoAgent[] = [];
const admin = () => api(fg, fg.adminToken);

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  ws = `ws://127.0.0.1:${port}/v1/opamp`;
  regToken = (await admin().post('/api/v1/registration-tokens', { name: 'dp', expires_in_days: 1 })).body.token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

/**
 * What a collector's own-metrics exporter sends: cumulative counters, OTLP/JSON, with its telemetry token.
 * An exporter that never sent anything reports no sent counter at all (sent: null).
 */
async function ownMetrics(gatewayId: string, received: number, sent: number | null, uptime: number) {
  const sum = (name: string, value: number) => ({
    name,
    sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asDouble: value }] },
  });
  const res = await fetch(`${base}/v1/metrics`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${telemetryToken(fg.config.secret, gatewayId)}`,
    },
    body: JSON.stringify({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                sum('otelcol_receiver_accepted_metric_points', received),
                ...(sent === null ? [] : [sum('otelcol_exporter_sent_metric_points', sent)]),
                { name: 'otelcol_process_uptime', sum: { isMonotonic: true, dataPoints: [{ asDouble: uptime }] } },
              ],
            },
          ],
        },
      ],
    }),
  });
  assert.equal(res.status, 200);
}

async function gateway(name: string) {
  const agent = new AutoAgent({ url: ws, token: regToken, hostName: name });
  agents.push(agent);
  await agent.start();
  await agent.sendFull();
  const g = await eventually(async () =>
    (await admin().get(`/api/v1/gateways?name=${name}`)).body.items.find((x: { name: string }) => x.name === name),
  );
  await admin().put(`/api/v1/gateways/${g.id}/tags`, { tags: { ring: 'dp' } });
  return { agent, id: g.id as string };
}

const GOOD =
  'receivers:\n  otlp:\n    protocols:\n      http: {}\nexporters:\n  otlphttp:\n    endpoint: http://collector.internal:4318\nservice:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [otlphttp]\n';
const DEAD = GOOD.replace('http://collector.internal:4318', 'http://127.0.0.1:9');

test('a canary whose first gateway stops sending out pauses before the next batch, with the figures and an event', async () => {
  const a = await gateway('dp-edge-1');
  const b = await gateway('dp-edge-2');
  const t = (await admin().post('/api/v1/templates', { name: 'dp-template', config_yaml: GOOD })).body;
  const v2 = (await admin().post(`/api/v1/templates/${t.id}/versions`, { config_yaml: DEAD })).body.version;
  // Before the rollout both gateways send out what they receive.
  await ownMetrics(a.id, 1000, 1000, 600);
  await ownMetrics(b.id, 1000, 1000, 600);
  const d = await admin().post('/api/v1/deployments', {
    name: 'dead exporter canary',
    template_id: t.id,
    version: v2,
    target: { tags: { ring: 'dp' } },
    strategy: { type: 'canary', batches: [50, 100], soak_seconds: 8 },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const first = d.body.targets.find((x: { batch: number }) => x.batch === 0);
  const canary = first.gateway_id === a.id ? a : b;
  const other = canary === a ? b : a;
  await eventually(async () =>
    (await admin().get(`/api/v1/deployments/${d.body.id}`)).body.targets.find(
      (x: { gateway_id: string; status: string }) => x.gateway_id === canary.id && x.status === 'applied',
    ),
  );
  // The new collector (counters from zero, uptime too) receives but its exporter gets nothing through: it
  // reports no sent counter at all — the old process's, from the same minute, must not be taken for it.
  await ownMetrics(canary.id, 240, null, 12);
  const paused = await eventually(async () => {
    const x = (await admin().get(`/api/v1/deployments/${d.body.id}`)).body;
    return x.status === 'paused' ? x : null;
  }, 30_000);
  assert.equal(paused.pause_details.cause, 'data_plane');
  assert.equal(paused.current_batch, 0);
  const f = paused.pause_details.findings[0];
  assert.equal(f.gateway_id, canary.id);
  assert.equal(f.check, 'out_zero');
  assert.equal(f.figures.received, 240);
  assert.equal(f.figures.sent, 0);
  assert.match(
    paused.reason,
    /^Data plane after applying version 2: dp-edge-\d: received 240 metric points but sent none out/,
  );
  const secondBatch = paused.targets.find((x: { gateway_id: string }) => x.gateway_id === other.id);
  assert.equal(secondBatch.status, 'pending', 'the next batch never got the version');
  assert.equal(
    other.agent.configs.some((c) => c.body.includes('127.0.0.1:9')),
    false,
  );
  const events = (await admin().get('/api/v1/event-log?type=deployment.failed')).body.items;
  const e = events.find((x: { subject: { id: string } }) => x.subject.id === d.body.id);
  assert.equal(e.data.cause, 'data_plane');
  assert.equal(e.data.findings[0].figures.received, 240);

  // Resuming acknowledges what was seen; with the data flowing again the rollout goes on and completes.
  await ownMetrics(canary.id, 600, 590, 40);
  assert.equal((await admin().post(`/api/v1/deployments/${d.body.id}/resume`)).status, 200);
  await ownMetrics(canary.id, 900, 880, 50);
  const done = await eventually(async () => {
    const x = (await admin().get(`/api/v1/deployments/${d.body.id}`)).body;
    return x.status === 'completed' ? x : null;
  }, 40_000);
  assert.equal(done.pause_details, null);
  assert.ok(other.agent.configs.some((c) => c.body.includes('127.0.0.1:9')));
});
