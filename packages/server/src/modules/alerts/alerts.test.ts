// Alert rules: CRUD with their parameters checked, and each kind firing (and resolving) as events that
// webhooks receive. Time passing is simulated where a rule waits for it: a gateway's last contact and
// own-telemetry history are written into the past, as a long-running fleet would have them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';
import { startReceiver } from '../../testing/http-stubs.ts';
import { systemScope } from '../../platform/scope.ts';
import { recordEvent } from '../events/events.store.ts';

let fg: TestFlowgate;
let ws: string;
let regToken: string;
const agents: AutoAgent[] = [];
const admin = () => api(fg, fg.adminToken);
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  fg = await startTestFlowgate({ FLOWGATE_WEBHOOK_ALLOW_PRIVATE: 'true', FLOWGATE_WEBHOOK_RETRY_BASE_SECONDS: '0.2' });
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  ws = `ws://127.0.0.1:${(fg.app.server.address() as { port: number }).port}/v1/opamp`;
  regToken = (await admin().post('/api/v1/registration-tokens', { name: 'alerts', expires_in_days: 1 })).body.token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  for (const c of closers) await c().catch(() => undefined);
  await fg?.close();
});

type Ev = { type: string; subject: { id: string; name: string }; data: Record<string, unknown>; summary: string };
const alerts = async (): Promise<Ev[]> => (await admin().get('/api/v1/event-log?type=alert.*&limit=500')).body.items;

async function rule(body: Record<string, unknown>) {
  const res = await admin().post('/api/v1/alert-rules', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; params: Record<string, unknown> };
}

test('rules: defaults per kind, parameters checked, roles, list shows what fires', async () => {
  const kinds = (await admin().get('/api/v1/alert-rule-kinds')).body.items.map((k: { kind: string }) => k.kind);
  assert.deepEqual(kinds, ['gateway_unhealthy', 'rollout_failed', 'send_failures', 'savings_regressed']);
  const r = await rule({ name: 'down 5 min', kind: 'gateway_unhealthy' });
  assert.deepEqual(r.params, { minutes: 5 });
  const wrong = await admin().post('/api/v1/alert-rules', {
    name: 'x',
    kind: 'gateway_unhealthy',
    params: { percent: 5 },
  });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.code, 'VALIDATION_FAILED');
  assert.match(wrong.body.error.message, /takes minutes; not percent/);
  const dup = await admin().post('/api/v1/alert-rules', { name: 'down 5 min', kind: 'rollout_failed' });
  assert.equal(dup.status, 409);
  const editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
  assert.equal(
    (await api(fg, editor.token).post('/api/v1/alert-rules', { name: 'e', kind: 'rollout_failed' })).status,
    403,
  );
  assert.equal((await api(fg, editor.token).get('/api/v1/alert-rules')).status, 200);
  const patched = await admin().patch(`/api/v1/alert-rules/${r.id}`, { params: { minutes: 1 } });
  assert.deepEqual(patched.body.params, { minutes: 1 });
  assert.equal((await admin().delete(`/api/v1/alert-rules/${r.id}`)).status, 200);
  assert.equal((await admin().get(`/api/v1/alert-rules/${r.id}`)).body.error.code, 'ALERT_RULE_NOT_FOUND');
});

test('rollout failed: the rule turns deployment.failed into alert.fired, and a webhook on alert.* gets it', async () => {
  const receiver = await startReceiver();
  closers.push(receiver.close);
  const hook = await admin().post('/api/v1/webhooks', { name: 'alerts-only', url: receiver.url, events: ['alert.*'] });
  assert.equal(hook.status, 201);
  const r = await rule({ name: 'rollouts that fail', kind: 'rollout_failed' });
  await fg.db.tx((sql) =>
    recordEvent(sql, systemScope(fg.defaultOrgId), {
      type: 'deployment.failed',
      subject: { type: 'deployment', id: 'd-alert-1', name: 'edge rollout' },
      data: { reason: 'Gateway edge-1 is unhealthy after applying version 3', cause: 'unhealthy' },
    }),
  );
  await fg.db.tx((sql) =>
    recordEvent(sql, systemScope(fg.defaultOrgId), {
      type: 'deployment.paused',
      subject: { type: 'deployment', id: 'd-alert-2', name: 'paused by hand' },
      data: { reason: 'Paused by user' },
    }),
  );
  fg.features.outbox.kick();
  const fired = await eventually(async () => (await alerts()).find((e) => e.subject.id === 'd-alert-1'));
  assert.equal(fired.type, 'alert.fired');
  assert.equal(fired.data.rule_id, r.id);
  assert.equal(
    fired.summary,
    'Alert "rollouts that fail": Rollout "edge rollout" failed and is paused: Gateway edge-1 is unhealthy after applying version 3',
  );
  await fg.features.outbox.drain();
  assert.equal(
    (await alerts()).some((e) => e.subject.id === 'd-alert-2'),
    false,
    'a user pause only with include_paused',
  );
  await eventually(async () => receiver.requests.some((q) => JSON.parse(q.body).subject.id === 'd-alert-1'));
  assert.equal(
    receiver.requests.every((q) => JSON.parse(q.body).type.startsWith('alert.')),
    true,
  );
  await admin().delete(`/api/v1/alert-rules/${r.id}`);
});

test('gateway unhealthy: fires once it has been disconnected longer than the limit, resolves when it is back', async () => {
  const r = await rule({ name: 'gateway away', kind: 'gateway_unhealthy', params: { minutes: 3 } });
  const agent = new AutoAgent({ url: ws, token: regToken, hostName: 'alert-edge' });
  agents.push(agent);
  await agent.start();
  await agent.sendFull();
  const g = await eventually(async () =>
    (await admin().get('/api/v1/gateways?name=alert-edge')).body.items.find(
      (x: { name: string; connected: boolean }) => x.name === 'alert-edge' && x.connected,
    ),
  );
  await fg.features.alertEngine.evaluate();
  assert.equal(
    (await alerts()).some((e) => e.subject.id === g.id),
    false,
    'connected and healthy',
  );
  await agent.stop();
  await eventually(async () => !(await admin().get(`/api/v1/gateways/${g.id}`)).body.connected);
  await fg.features.alertEngine.evaluate();
  assert.equal(
    (await alerts()).some((e) => e.subject.id === g.id),
    false,
    'disconnected, but not for 3 minutes yet',
  );
  // Four minutes pass without a word from it.
  await fg.db.query("UPDATE gateways SET last_seen = now() - interval '4 minutes' WHERE id = $1", [g.id]);
  await fg.features.alertEngine.evaluate();
  await fg.features.alertEngine.evaluate();
  const fired = (await alerts()).filter((e) => e.subject.id === g.id);
  assert.equal(fired.length, 1, 'fired once');
  assert.equal(fired[0]!.data.message, 'Gateway alert-edge has been disconnected for 4 minutes (limit 3)');
  assert.equal((await admin().get(`/api/v1/alert-rules/${r.id}`)).body.firing, 1);
  await agent.start();
  await agent.sendFull();
  await eventually(async () => (await admin().get(`/api/v1/gateways/${g.id}`)).body.connected);
  await fg.features.alertEngine.evaluate();
  const resolved = (await alerts()).find((e) => e.subject.id === g.id && e.type === 'alert.resolved');
  assert.ok(resolved);
  assert.equal((await admin().get(`/api/v1/alert-rules/${r.id}`)).body.firing, 0);
  await admin().delete(`/api/v1/alert-rules/${r.id}`);
});

/** A gateway's own-telemetry history, one snapshot a minute ending `endMinutesAgo` (as the ingest stores it). */
async function history(gatewayId: string, points: { minutesAgo: number; sent: number; failed: number }[]) {
  for (const p of points) {
    const at = new Date(Date.now() - p.minutesAgo * 60_000);
    await fg.db.query(
      `INSERT INTO gateway_metrics (org_id, gateway_id, bucket, values) VALUES ($1, $2, date_trunc('minute', $3::timestamptz), $4)
       ON CONFLICT (gateway_id, bucket) DO UPDATE SET values = EXCLUDED.values`,
      [
        fg.defaultOrgId,
        gatewayId,
        at,
        JSON.stringify({
          received: { metric_points: p.sent + p.failed },
          sent: { metric_points: p.sent },
          refused: {},
          send_failed: { metric_points: p.failed },
          processors: {},
          at: at.toISOString(),
        }),
      ],
    );
  }
}

test('send failures above a rate fire; a savings regression after a completed rollout fires once', async () => {
  const sf = await rule({ name: 'exporters failing', kind: 'send_failures', params: { per_minute: 50, minutes: 5 } });
  const sr = await rule({
    name: 'savings regressed',
    kind: 'savings_regressed',
    params: { percent: 20, window_minutes: 30 },
  });
  const g = (await admin().get('/api/v1/gateways?name=alert-edge')).body.items[0];
  // 600 failed items over the last 4 minutes: 150 a minute.
  await history(g.id, [
    { minutesAgo: 4, sent: 1000, failed: 0 },
    { minutesAgo: 2, sent: 1500, failed: 300 },
    { minutesAgo: 0, sent: 2000, failed: 600 },
  ]);
  await fg.features.alertEngine.evaluate();
  const fired = (await alerts()).find((e) => e.data.rule_id === sf.id);
  assert.ok(fired, 'send failures fired');
  assert.match(
    String(fired.data.message),
    /^Gateway alert-edge: exporters failed to send 150 items per minute over 4 minutes \(limit 50\)$/,
  );

  // A rollout completed 40 minutes ago; before it the gateway sent 100 items a minute, after it 200.
  const t = (await admin().post('/api/v1/templates', { name: 'regressing', config_yaml: 'exporters:\n  debug: {}\n' }))
    .body;
  const [d] = await fg.db.query<{ id: string }>(
    `INSERT INTO deployments (org_id, name, template_id, version, status, target, strategy, created_at, updated_at)
     VALUES ($1, 'noisy rollout', $2, 1, 'completed', '{}', '{"type":"all_at_once"}', now() - interval '45 minutes', now() - interval '40 minutes')
     RETURNING id`,
    [fg.defaultOrgId, t.id],
  );
  await fg.db.query(
    "INSERT INTO deployment_targets (deployment_id, org_id, gateway_id, batch, status) VALUES ($1, $2, $3, 0, 'applied')",
    [d!.id, fg.defaultOrgId, g.id],
  );
  await fg.db.query('DELETE FROM gateway_metrics WHERE gateway_id = $1', [g.id]);
  const points = [];
  for (let m = 80; m >= 46; m -= 2) points.push({ minutesAgo: m, sent: (80 - m) * 100, failed: 0 });
  for (let m = 40; m >= 8; m -= 2) points.push({ minutesAgo: m, sent: 3400 + 500 + (40 - m) * 200, failed: 0 });
  await history(g.id, points);
  await fg.features.alertEngine.evaluate();
  await fg.features.alertEngine.evaluate();
  const regressed = (await alerts()).filter((e) => e.data.rule_id === sr.id);
  assert.equal(regressed.length, 1, 'told once');
  assert.equal(regressed[0]!.subject.id, d!.id);
  assert.match(
    String(regressed[0]!.data.message),
    /^After rollout noisy rollout, gateways send 200 items per minute against 100 before \(\+100 %, limit 20 %\)$/,
  );
});
