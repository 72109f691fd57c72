// Edge measurement across two control-plane processes on one PostgreSQL and Redis: a summary sent to the
// replica holding the gateway's connection is read through the other, and a snapshot asked on replica A
// reaches the gateway connected to replica B (WebSocket at once, plain HTTP at its next poll) and its
// answer comes back to A. Needs DATABASE_URL and REDIS_URL (CI's second run has both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { customMessage } from '@flowgate/opamp';
import { startServer, eventually, type ServerProcess } from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';
import { clusterSummary, MEASURE_CAPABILITY, MEASURE_COMPONENTS, summaryMessage } from './lib/inventory.ts';

const enabled = !!process.env.DATABASE_URL && !!process.env.REDIS_URL;
let a: ServerProcess;
let b: ServerProcess;
let dbName = '';
const agents: TestAgent[] = [];

before(async () => {
  if (!enabled) return;
  dbName = `flowgate_e2e_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${dbName}`;
  const env = { DATABASE_URL: u.toString(), REDIS_URL: process.env.REDIS_URL! };
  [a, b] = await Promise.all([startServer(env), startServer(env)]);
});
after(async () => {
  for (const ag of agents) await ag.stop().catch(() => undefined);
  await Promise.all([a?.stop(), b?.stop()]);
  if (dbName) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
});

async function agentOnB(host: string, transport: 'websocket' | 'http') {
  const tok = await a.api('POST', '/api/v1/registration-tokens', { name: host, expires_in_days: 1 });
  assert.equal(tok.status, 201);
  const agent = new TestAgent({
    url: `${transport === 'http' ? 'http' : 'ws'}://127.0.0.1:${b.port}/v1/opamp`,
    transport,
    token: tok.body.token,
    hostName: host,
    components: MEASURE_COMPONENTS,
    customCapabilities: [MEASURE_CAPABILITY],
  });
  agents.push(agent);
  await agent.start();
  const gw = await eventually(async () => {
    const g = (await a.api('GET', `/api/v1/gateways?name=${host}`)).body.items?.[0];
    if (!g) return null;
    const d = (await a.api('GET', `/api/v1/gateways/${g.id}`)).body;
    return d.custom_capabilities?.includes(MEASURE_CAPABILITY) ? d : null;
  });
  return { agent, id: gw.id as string };
}

/** Answers the next snapshot request the agent receives with one log record. */
async function answerSnapshot(agent: TestAgent) {
  const from = agent.received.length;
  const request = await eventually(async () =>
    agent.received.slice(from).find((m) => m.customMessage?.type === 'snapshot.request'),
  );
  const { id } = JSON.parse(Buffer.from(request.customMessage!.data).toString());
  const otlp = {
    resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityText: 'INFO', body: { stringValue: 'cross-replica' } }] }] }],
  };
  await agent.send({
    customMessage: customMessage(
      MEASURE_CAPABILITY,
      'snapshot.response',
      new Uint8Array(gzipSync(JSON.stringify({ id, signal: 'logs', truncated: false, otlp }))),
    ),
  });
}

for (const transport of ['websocket', 'http'] as const) {
  test(
    `${transport}: a summary sent to replica B is read on A; a snapshot asked on A is answered by the gateway on B`,
    { skip: !enabled && 'needs DATABASE_URL and REDIS_URL' },
    async () => {
      const { agent, id } = await agentOnB(`x-replica-measure-${transport}`, transport);
      await agent.send({
        customMessage: summaryMessage(clusterSummary(new Date(Math.floor(Date.now() / 60_000) * 60_000))),
      });
      const inv = await eventually(async () => {
        const r = (await a.api('GET', `/api/v1/gateways/${id}/inventory`)).body;
        return r.measurement?.status === 'reporting' ? r : null;
      });
      assert.deepEqual(
        inv.pipelines.map((p: { name: string }) => p.name),
        ['logs', 'metrics'],
      );
      const call = a.api('POST', `/api/v1/gateways/${id}/snapshots`, { signal: 'logs', timeout_s: 30 });
      await answerSnapshot(agent);
      const snap = await call;
      assert.equal(snap.status, 200, JSON.stringify(snap.body));
      assert.equal(snap.body.records, 1);
      assert.match(JSON.stringify(snap.body.otlp), /cross-replica/);
    },
  );
}
