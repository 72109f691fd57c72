// The outbox: events written with the change, published once, never lost; the live stream and the event
// log carry the same events as webhooks; gateways' connection changes and rollouts become events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';
import { systemScope } from '../../platform/scope.ts';
import { redisChannels } from '../../platform/names.ts';
import { recordEvent } from './events.store.ts';
import { createOutboxRelay } from './outbox-relay.ts';

let fg: TestFlowgate;
let ws: string;
let base: string;
let regToken: string;
const admin = () => api(fg, fg.adminToken);
const agents: AutoAgent[] = [];

before(async () => {
  fg = await startTestFlowgate({ FLOWGATE_PUBLIC_URL: 'https://console.example.com' });
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  ws = `ws://127.0.0.1:${port}/v1/opamp`;
  base = `http://127.0.0.1:${port}`;
  regToken = (await admin().post('/api/v1/registration-tokens', { name: 'events', expires_in_days: 1 })).body.token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

type LoggedEvent = {
  id: string;
  type: string;
  subject: { type: string; id: string; name: string };
  data: Record<string, unknown>;
  summary: string;
  url: string;
};
const eventLog = async (type?: string): Promise<LoggedEvent[]> =>
  (await admin().get(`/api/v1/event-log?limit=500${type ? `&type=${encodeURIComponent(type)}` : ''}`)).body.items;

test('an event is published once when its transaction commits, and never when it rolls back', async () => {
  const seen: Record<string, unknown>[] = [];
  const off = fg.bus.subscribe(redisChannels.events, (m) => {
    if (String(m.type) === 'alert.fired') seen.push(m);
  });
  const scope = systemScope(fg.defaultOrgId);
  await assert.rejects(
    fg.db.tx(async (sql) => {
      await recordEvent(sql, scope, {
        type: 'alert.fired',
        subject: { type: 'gateway', id: 'g-rolled-back', name: 'x' },
      });
      throw new Error('the change failed');
    }),
  );
  await fg.db.tx((sql) =>
    recordEvent(sql, scope, { type: 'alert.fired', subject: { type: 'gateway', id: 'g-committed', name: 'y' } }),
  );
  fg.features.outbox.kick();
  await eventually(async () => seen.length >= 1);
  await fg.features.outbox.drain();
  await new Promise((r) => setTimeout(r, 100));
  off();
  assert.deepEqual(
    seen.map((m) => m.id),
    ['g-committed'],
  );
  const logged = await eventLog('alert.fired');
  assert.equal(logged.filter((e) => e.subject.id === 'g-rolled-back').length, 0);
});

test('events committed while no relay runs (the process died after the commit) are published by the next one', async () => {
  await fg.features.outbox.stop();
  const t = await admin().post('/api/v1/templates', {
    name: 'written-before-the-crash',
    config_yaml: 'exporters:\n  debug: {}\n',
  });
  assert.equal(t.status, 201);
  const pending = await fg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM event_outbox');
  assert.ok(pending[0]!.n >= 1, 'the event waits in the outbox');
  // Another process (a new relay on the same database) starts and publishes it.
  const seen: Record<string, unknown>[] = [];
  const off = fg.bus.subscribe(redisChannels.events, (m) => seen.push(m));
  const next = createOutboxRelay({ db: fg.db, bus: fg.bus, logger: pino({ level: 'silent' }) });
  next.start();
  try {
    await eventually(async () => seen.find((m) => m.type === 'template.created' && m.id === t.body.id));
    assert.equal((await fg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM event_outbox'))[0]!.n, 0);
  } finally {
    off();
    await next.stop();
    fg.features.outbox.start();
  }
});

test('the live stream (SSE) carries the domain events from the outbox', async () => {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/events?org_id=${fg.defaultOrgId}&access_token=${fg.adminToken}`, {
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += Buffer.from(value).toString('utf8');
    }
  })().catch(() => undefined);
  try {
    await new Promise((r) => setTimeout(r, 200));
    const t = await admin().post('/api/v1/templates', {
      name: 'live-stream',
      config_yaml: 'exporters:\n  debug: {}\n',
    });
    await eventually(async () => text.includes('event: template.created'));
    const block = text.split('\n\n').find((b) => b.startsWith('event: template.created'))!;
    const data = JSON.parse(block.split('\ndata: ')[1]!);
    assert.equal(data.id, t.body.id);
    assert.equal(data.data.subject.name, 'live-stream');
    assert.match(String(data.event_id), /^\d+$/);
  } finally {
    controller.abort();
    await reading;
  }
});

test('gateways connecting and disconnecting are events, recorded with the change itself', async () => {
  const agent = new AutoAgent({ url: ws, token: regToken, hostName: 'edge-events-1' });
  agents.push(agent);
  await agent.start();
  await agent.sendFull();
  const connected = await eventually(async () =>
    (await eventLog('gateway.connected')).find((e) => e.subject.name === 'edge-events-1'),
  );
  assert.equal(connected.summary, 'Gateway edge-events-1 connected');
  assert.equal(connected.url, `https://console.example.com/agents/${connected.subject.id}`);
  await agent.stop();
  const gone = await eventually(async () =>
    (await eventLog('gateway.*')).find(
      (e) => e.type === 'gateway.disconnected' && e.subject.id === connected.subject.id,
    ),
  );
  assert.equal(gone.summary, 'Gateway edge-events-1 disconnected');
});

test('a rollout records created, failed (with the reason) and rolled back; template versions too', async () => {
  const agent = new AutoAgent({
    url: ws,
    token: regToken,
    hostName: 'edge-events-2',
    fails: (body) => (body.includes('fail-me') ? '\'exporters\' unknown type: "nope"' : null),
  });
  agents.push(agent);
  await agent.start();
  await agent.sendFull();
  const gw = await eventually(async () =>
    (await admin().get('/api/v1/gateways?name=edge-events-2')).body.items.find(
      (g: { name: string }) => g.name === 'edge-events-2',
    ),
  );
  const yaml =
    'receivers:\n  otlp:\n    protocols:\n      http: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n';
  const t = (await admin().post('/api/v1/templates', { name: 'rollout-events', config_yaml: yaml })).body;
  await admin().post(`/api/v1/templates/${t.id}/versions`, { config_yaml: `${yaml}# fail-me\n` });
  const d = await admin().post('/api/v1/deployments', {
    name: 'events canary',
    template_id: t.id,
    version: 2,
    target: { gateway_ids: [gw.id] },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const failed = await eventually(
    async () => (await eventLog('deployment.failed')).find((e) => e.subject.id === d.body.id),
    15_000,
  );
  assert.equal(failed.data.cause, 'apply_failed');
  assert.match(String(failed.data.reason), /Gateway edge-events-2 failed to apply version 2: 'exporters' unknown type/);
  assert.equal(failed.summary.startsWith('Rollout "events canary" of rollout-events v2 failed and is paused'), true);
  const detail = (await admin().get(`/api/v1/deployments/${d.body.id}`)).body;
  assert.equal(detail.status, 'paused');
  assert.equal(detail.pause_details.cause, 'apply_failed');
  assert.equal((await admin().post(`/api/v1/deployments/${d.body.id}/rollback`)).status, 200);
  const types = (await eventLog('deployment.*'))
    .filter((e) => e.subject.id === d.body.id)
    .map((e) => e.type)
    .reverse();
  assert.deepEqual(types, ['deployment.created', 'deployment.failed', 'deployment.rolled_back']);
  const versions = (await eventLog('template.*'))
    .filter((e) => e.subject.id === t.id)
    .map((e) => e.type)
    .reverse();
  assert.deepEqual(versions, ['template.created', 'template.version_created']);
  // Another org sees none of them.
  const other = await admin().post('/api/v1/orgs', { name: 'Other events org' });
  if (other.status === 201) {
    const list = await admin().get(`/api/v1/event-log?org_id=${other.body.id}`);
    assert.equal(list.body.items.length, 0);
  }
});
