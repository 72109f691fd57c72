// A live log sample from a gateway: POST /api/v1/logs/patterns {gateway_id} asks the gateway (through the
// snapshot custom message) for the records its logs pipeline receives, and mines what comes back, masked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { customMessage, type ServerToAgent } from '@flowgate/opamp';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';

let fg: TestFlowgate;
let agent: AutoAgent;
const admin = () => api(fg, fg.adminToken);

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  const reg = await admin().post('/api/v1/registration-tokens', { name: 'logs-live', expires_in_days: 1 });
  agent = new AutoAgent({
    url: `ws://127.0.0.1:${port}/v1/opamp`,
    token: reg.body.token,
    hostName: 'gw-live-logs',
    components: { receivers: ['otlp'], processors: ['flowgate_measure'], exporters: ['debug'] },
    customCapabilities: [MEASURE_CAPABILITY],
  });
  await agent.start();
});
after(async () => {
  await agent?.stop().catch(() => undefined);
  await fg?.close();
});

const record = (body: string, severityText = 'INFO') => ({ severityText, body: { stringValue: body } });

test('a live sample from a gateway is mined into patterns, with the bearer token in one line masked', async () => {
  const gw = await eventually(async () => {
    const items = (await admin().get('/api/v1/gateways?name=gw-live-logs')).body.items;
    const g = items.find((x: { name: string }) => x.name === 'gw-live-logs');
    return g && (await admin().get(`/api/v1/gateways/${g.id}`)).body.custom_capabilities?.length ? g : null;
  });
  const from = agent.received.length;
  const call = admin().post('/api/v1/logs/patterns', { gateway_id: gw.id });
  const isRequest = (m: ServerToAgent) => m.customMessage?.type === 'snapshot.request';
  const request = JSON.parse(Buffer.from((await agent.next(isRequest, 15_000, from)).customMessage!.data).toString());
  assert.equal(request.signal, 'logs');
  assert.equal(request.position, 'in', 'what the gateway receives, before its own filters');
  const logRecords = [
    ...Array.from({ length: 30 }, (_, i) => record(`user ${100 + i} logged in from 10.0.0.${i}`)),
    ...Array.from({ length: 10 }, (_, i) => record(`cache miss for key item-${i}`, 'DEBUG')),
    record('GET /cart Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abcdef012345', 'WARN'),
  ];
  const otlp = { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] };
  await agent.send({
    customMessage: customMessage(
      MEASURE_CAPABILITY,
      'snapshot.response',
      new Uint8Array(gzipSync(JSON.stringify({ id: request.id, signal: 'logs', position: 'in', otlp }))),
    ),
  });
  const res = await call;
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const templates = res.body.patterns.map((p: { template: string; count: number }) => [p.template, p.count]);
  const login = templates.find(([t]: [string]) => /logged in from/.test(t));
  assert.ok(login, JSON.stringify(templates));
  assert.equal(login[1], 30, 'the 30 login lines are one pattern');
  assert.ok(templates.some(([t, n]: [string, number]) => /cache miss/.test(t) && n === 10));
  assert.equal(res.body.assignments.length, 41);
  assert.ok(!JSON.stringify(res.body).includes('eyJhbGciOiJIUzI1NiJ9'), 'the token never comes back');
});
