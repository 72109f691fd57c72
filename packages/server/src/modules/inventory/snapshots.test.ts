// Snapshots: the control plane asks a gateway for records seen at a point of its pipelines
// (snapshot.request) and answers the caller with the gateway's snapshot.response, credentials masked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { customMessage, type ServerToAgent } from '@flowgate/opamp';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';

let fg: TestFlowgate;
let port = 0;
let regToken = '';
const agents: AutoAgent[] = [];
const admin = () => api(fg, fg.adminToken);
const COMPONENTS = { receivers: ['otlp'], processors: ['flowgate_measure'], exporters: ['debug'] };
const SECRET_VALUE = 'tenant-secret-0f3a9c77';

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  port = (fg.app.server.address() as { port: number }).port;
  regToken = (await admin().post('/api/v1/registration-tokens', { name: 'snapshots', expires_in_days: 1 })).body.token;
  assert.equal((await admin().put('/api/v1/secrets', { name: 'TENANT', value: SECRET_VALUE })).status, 201);
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

async function gateway(name: string, opts: { transport?: 'ws' | 'http'; measure?: boolean } = {}) {
  const transport = opts.transport ?? 'ws';
  const a = new AutoAgent({
    url: `${transport}://127.0.0.1:${port}/v1/opamp`,
    token: regToken,
    hostName: name,
    heartbeatSeconds: transport === 'http' ? 1 : 0,
    ...(opts.measure === false ? {} : { components: COMPONENTS, customCapabilities: [MEASURE_CAPABILITY] }),
  });
  agents.push(a);
  await a.start();
  if (transport === 'http') await a.sendFull();
  const gw = await eventually(async () =>
    (await admin().get(`/api/v1/gateways?name=${name}`)).body.items.find((g: { name: string }) => g.name === name),
  );
  await eventually(async () => {
    const d = (await admin().get(`/api/v1/gateways/${gw.id}`)).body;
    return d.connected && (opts.measure === false || d.custom_capabilities?.length);
  });
  return { agent: a, id: gw.id as string };
}

const isRequest = (m: ServerToAgent) => m.customMessage?.type === 'snapshot.request';
const requestOf = (m: ServerToAgent) => JSON.parse(Buffer.from(m.customMessage!.data).toString('utf8'));

/** Captured logs as the processor would send them: a bearer token, a password attribute, a known secret. */
const capturedLogs = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeLogs: [
        {
          logRecords: [
            {
              timeUnixNano: '1765137600000000000',
              severityText: 'INFO',
              body: { stringValue: 'GET /cart Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abcdef012345' },
              attributes: [
                { key: 'db.password', value: { stringValue: 'hunter2-hunter2' } },
                { key: 'tenant', value: { stringValue: `tenant is ${SECRET_VALUE}` } },
              ],
            },
            { severityText: 'WARN', body: { stringValue: 'cart is slow' } },
          ],
        },
      ],
    },
  ],
};
const respond = (agent: AutoAgent, request: { id: string }, extra: Record<string, unknown> = {}) =>
  agent.send({
    customMessage: customMessage(
      MEASURE_CAPABILITY,
      'snapshot.response',
      new Uint8Array(
        gzipSync(
          JSON.stringify({
            id: request.id,
            pipeline: 'logs',
            position: 'in',
            signal: 'logs',
            truncated: false,
            otlp: capturedLogs,
            ...extra,
          }),
        ),
      ),
    ),
  });

for (const transport of ['ws', 'http'] as const) {
  test(`${transport}: a snapshot round trip; records come back with credentials masked, nothing is stored`, async () => {
    const { agent, id } = await gateway(`snap-${transport}`, { transport });
    const from = agent.received.length;
    const call = admin().post(`/api/v1/gateways/${id}/snapshots`, {
      signal: 'logs',
      pipeline: 'logs',
      position: 'in',
      max_items: 50,
      timeout_s: 5,
    });
    const request = requestOf(await agent.next(isRequest, 15_000, from));
    assert.deepEqual(
      { ...request, id: typeof request.id },
      {
        id: 'string',
        pipeline: 'logs',
        position: 'in',
        signal: 'logs',
        max_items: 50,
        max_bytes: 262_144,
        timeout_s: 5,
      },
    );
    await respond(agent, request);
    const res = await call;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, request.id);
    assert.deepEqual(
      [res.body.gateway_id, res.body.signal, res.body.pipeline, res.body.position, res.body.records],
      [id, 'logs', 'logs', 'in', 2],
    );
    const text = JSON.stringify(res.body.otlp);
    for (const secret of ['eyJhbGciOiJIUzI1NiJ9', 'hunter2-hunter2', SECRET_VALUE])
      assert.ok(!text.includes(secret), `${secret} is masked`);
    assert.ok(text.includes('cart is slow'), 'the rest is readable');
    const record = res.body.otlp.resourceLogs[0].scopeLogs[0].logRecords[0];
    assert.equal(record.body.stringValue, 'GET /cart Authorization: ***');

    const audit = (await admin().get(`/api/v1/audit-logs?action=gateway.snapshot&resource_id=${id}`)).body.items;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].after.records, 2);
    // The records themselves are kept nowhere.
    const tables = await fg.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    for (const { table_name } of tables) {
      const rows = await fg.db.query<{ j: string }>(`SELECT to_jsonb(t)::text AS j FROM "${table_name}" t`);
      assert.ok(!rows.some((r) => r.j.includes('cart is slow')), `no record text in ${table_name}`);
    }
  });
}

test('no answer in time: 504 SNAPSHOT_TIMEOUT; another gateway cannot answer for this one', async () => {
  const silent = await gateway('snap-silent');
  const other = await gateway('snap-other');
  const from = silent.agent.received.length;
  const call = admin().post(`/api/v1/gateways/${silent.id}/snapshots`, { signal: 'logs', timeout_s: 1 });
  const request = requestOf(await silent.agent.next(isRequest, 15_000, from));
  await respond(other.agent, request); // the right id, from the wrong gateway
  const res = await call;
  assert.equal(res.status, 504, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'SNAPSHOT_TIMEOUT');
  // A late answer after the caller gave up goes nowhere and harms nothing.
  await respond(silent.agent, request);
  assert.equal((await admin().get(`/api/v1/gateways/${silent.id}`)).body.connected, true);
});

test('refused before anything is sent: no capability, not connected, viewer, bad bounds', async () => {
  const old = await gateway('snap-old-build', { measure: false });
  const r1 = await admin().post(`/api/v1/gateways/${old.id}/snapshots`, { signal: 'logs' });
  assert.equal(r1.status, 409);
  assert.equal(r1.body.error.code, 'CAPABILITY_MISSING');
  assert.ok(!old.agent.received.some(isRequest), 'no request sent to an agent without the capability');

  const gone = await gateway('snap-gone');
  await gone.agent.stop();
  await eventually(async () => !(await admin().get(`/api/v1/gateways/${gone.id}`)).body.connected);
  const r2 = await admin().post(`/api/v1/gateways/${gone.id}/snapshots`, { signal: 'logs' });
  assert.equal(r2.status, 409);
  assert.equal(r2.body.error.code, 'GATEWAY_NOT_CONNECTED');

  const viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  const r3 = await api(fg, viewer.token).post(`/api/v1/gateways/${old.id}/snapshots`, { signal: 'logs' });
  assert.equal(r3.status, 403);
  for (const body of [{ signal: 'logs', max_items: 5000 }, { signal: 'profiles' }, { signal: 'logs', timeout_s: 61 }]) {
    const r = await admin().post(`/api/v1/gateways/${old.id}/snapshots`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.code, 'VALIDATION_FAILED');
  }
  const missing = await admin().post('/api/v1/gateways/00000000-0000-4000-8000-000000000000/snapshots', {
    signal: 'logs',
  });
  assert.equal(missing.status, 404);
});

test('the gateway answers with an error: 502 SNAPSHOT_FAILED with its text', async () => {
  const { agent, id } = await gateway('snap-error');
  const from = agent.received.length;
  const call = admin().post(`/api/v1/gateways/${id}/snapshots`, { signal: 'logs', pipeline: 'nope' });
  const request = requestOf(await agent.next(isRequest, 15_000, from));
  await agent.send({
    customMessage: customMessage(
      MEASURE_CAPABILITY,
      'snapshot.response',
      new Uint8Array(
        gzipSync(JSON.stringify({ id: request.id, error: 'no flowgate_measure instance in pipeline "nope"' })),
      ),
    ),
  });
  const res = await call;
  assert.equal(res.status, 502, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'SNAPSHOT_FAILED');
  assert.match(res.body.error.message, /pipeline "nope"/);
});
