// Two control-plane processes on one PostgreSQL and Redis: what is asked on replica A reaches the
// WebSocket held by replica B. Needs DATABASE_URL and REDIS_URL (CI's second run has both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startServer, eventually, type ServerProcess } from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';

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
  // Started together: migrations run under an advisory lock, bootstrap is idempotent.
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

test(
  'a restart command and a config push asked on replica A reach the agent connected to replica B',
  { skip: !enabled && 'needs DATABASE_URL and REDIS_URL' },
  async () => {
    const tok = await a.api('POST', '/api/v1/registration-tokens', { name: 'x-replica', expires_in_days: 1 });
    assert.equal(tok.status, 201);
    const agent = new TestAgent({
      url: `ws://127.0.0.1:${b.port}/v1/opamp`,
      token: tok.body.token,
      hostName: 'replica-b-agent',
    });
    agents.push(agent);
    await agent.start();
    const gw = await eventually(
      async () => (await a.api('GET', '/api/v1/gateways?name=replica-b-agent')).body.items?.[0],
    );
    assert.equal(gw.connected, true, 'replica A sees the connection held by B');
    const restart = await a.api('POST', `/api/v1/gateways/${gw.id}/restart`);
    assert.equal(restart.status, 200, JSON.stringify(restart.body));
    await eventually(async () => agent.received.some((m) => m.command));

    const t = await a.api('POST', '/api/v1/templates', {
      name: 'x-replica',
      config_yaml:
        'receivers:\n  otlp:\n    protocols:\n      http: {}\n' +
        'exporters:\n  debug: {}\n' +
        'service:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n',
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const d = await a.api('POST', '/api/v1/deployments', {
      template_id: t.body.id,
      version: 1,
      target: { gateway_ids: [gw.id] },
    });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    await eventually(async () => agent.applied.length > 0);
    assert.match(agent.applied[0]!, /exporters:/);
    const done = await eventually(async () => {
      const x = await b.api('GET', `/api/v1/deployments/${d.body.id}`);
      return x.body.status === 'completed' ? x.body : null;
    });
    assert.equal(done.targets[0].status, 'applied');
  },
);
