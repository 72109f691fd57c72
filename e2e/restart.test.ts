// A control-plane restart: WebSocket agents reconnect and the server gets their full state again
// (same gateway record, same instance_uid), on whatever database the suite runs against.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startServer, eventually, freePort, type ServerProcess } from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';

let server: ServerProcess | null = null;
const agents: TestAgent[] = [];
let dbName = '';
after(async () => {
  for (const ag of agents) await ag.stop().catch(() => undefined);
  await server?.stop();
  if (dbName) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  }
});

test('after a server restart every WebSocket agent is back, connected, with its full state, none duplicated', async () => {
  const env: Record<string, string> = {};
  if (process.env.DATABASE_URL) {
    dbName = `flowgate_e2e_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  const port = await freePort();
  server = await startServer(env, { port });
  const tok = await server.api('POST', '/api/v1/registration-tokens', { name: 'restart', expires_in_days: 1 });
  for (let i = 0; i < 5; i++) {
    const ag = new TestAgent({ url: `ws://127.0.0.1:${port}/v1/opamp`, token: tok.body.token, hostName: `restart-agent-${i}` });
    agents.push(ag);
    await ag.start();
  }
  const before = await eventually(async () => {
    const r = await server!.api('GET', '/api/v1/gateways?name=restart-agent-');
    return r.body.items.length === 5 && r.body.items.every((g: { connected: boolean }) => g.connected) ? r.body.items : null;
  });
  const dataDir = server.dataDir;
  assert.equal(await server.stop(), 0, 'SIGTERM ends the server cleanly');
  // The old process is gone: the agents lose their socket.
  await eventually(async () => agents.every((ag) => !ag.client.connected));
  // Wipe what a restart would lose anyway (in-memory state); keep the database.
  await server.stop();
  server = await startServer(env, { port, dataDir });
  const after = await eventually(async () => {
    const r = await server!.api('GET', '/api/v1/gateways?name=restart-agent-');
    return r.body.items.length === 5 && r.body.items.every((g: { connected: boolean }) => g.connected) ? r.body.items : null;
  }, 30_000);
  assert.deepEqual(after.map((g: { id: string }) => g.id).sort(), before.map((g: { id: string }) => g.id).sort(), 'same gateway records, none lost or duplicated');
  for (const ag of agents) assert.ok(ag.received.some((m) => m.flags & 0x1n) || ag.received.length > 0);
  const detail = await server.api('GET', `/api/v1/gateways/${after[0].id}`);
  assert.equal(detail.body.description.identifying['service.name'], 'otelcol-flowgate', 'full state obtained again');
  assert.equal(detail.body.connection.transport, 'websocket');
});
