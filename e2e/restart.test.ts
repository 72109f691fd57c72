// A control-plane restart: WebSocket agents reconnect and the server gets their full state again
// (same gateway record, same instance_uid), on whatever database the suite runs against.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  eventually,
  freePort,
  scratchDatabaseEnv,
  dropScratchDatabases,
  type ServerProcess,
} from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';

let server: ServerProcess | null = null;
const agents: TestAgent[] = [];
after(async () => {
  for (const ag of agents) await ag.stop().catch(() => undefined);
  await server?.stop();
  await dropScratchDatabases();
});

test(
  'after a server restart every WebSocket agent is back, ' + 'connected, with its full state, none duplicated',
  async () => {
    const env = await scratchDatabaseEnv();
    const port = await freePort();
    server = await startServer(env, { port });
    const tok = await server.api('POST', '/api/v1/registration-tokens', { name: 'restart', expires_in_days: 1 });
    for (let i = 0; i < 5; i++) {
      const ag = new TestAgent({
        url: `ws://127.0.0.1:${port}/v1/opamp`,
        token: tok.body.token,
        hostName: `restart-agent-${i}`,
      });
      agents.push(ag);
      await ag.start();
    }
    const before = await eventually(async () => {
      const r = await server!.api('GET', '/api/v1/gateways?name=restart-agent-');
      return r.body.items.length === 5 && r.body.items.every((g: { connected: boolean }) => g.connected)
        ? r.body.items
        : null;
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
      return r.body.items.length === 5 && r.body.items.every((g: { connected: boolean }) => g.connected)
        ? r.body.items
        : null;
    }, 30_000);
    assert.deepEqual(
      after.map((g: { id: string }) => g.id).sort(),
      before.map((g: { id: string }) => g.id).sort(),
      'same gateway records, none lost or duplicated',
    );
    for (const ag of agents) assert.ok(ag.received.some((m) => m.flags & 0x1n) || ag.received.length > 0);
    const detail = await server.api('GET', `/api/v1/gateways/${after[0].id}`);
    assert.equal(detail.body.description.identifying['service.name'], 'otelcol-flowgate', 'full state obtained again');
    assert.equal(detail.body.connection.transport, 'websocket');
  },
);

test(
  'a control plane that was killed (SIGKILL) leaves no gateway shown ' +
    'connected that is not: the next process lets them go',
  async () => {
    // Replicas say they are alive every few seconds; with PostgreSQL a silent one is taken for dead after
    // FLOWGATE_REPLICA_TIMEOUT_SECONDS (here 3). The embedded database has one process: at start-up.
    const env = { ...(await scratchDatabaseEnv()), FLOWGATE_REPLICA_TIMEOUT_SECONDS: '3' };
    const port = await freePort();
    let killed: ServerProcess | null = await startServer(env, { port });
    const tok = await killed.api('POST', '/api/v1/registration-tokens', { name: 'killed', expires_in_days: 1 });
    const ag = new TestAgent({
      url: `ws://127.0.0.1:${port}/v1/opamp`,
      token: tok.body.token,
      hostName: 'killed-agent',
    });
    await ag.start();
    const gw = await eventually(async () => {
      const r = await killed!.api('GET', '/api/v1/gateways?name=killed-agent');
      return r.body.items[0]?.connected ? r.body.items[0] : null;
    });
    // The gateway goes away while the control plane is down: nobody will ever close its record.
    await ag.stop();
    await killed.stop('SIGKILL');
    const dataDir = killed.dataDir;
    killed = null;
    const next = await startServer(env, { port: await freePort(), dataDir });
    try {
      const d = await eventually(async () => {
        const r = await next.api('GET', `/api/v1/gateways/${gw.id}`);
        return r.body.connected === false ? r.body : null;
      }, 30_000);
      assert.equal(d.status, 'inactive');
      const summary = await next.api('GET', '/api/v1/gateways/summary');
      assert.equal(summary.body.connected, 0);
    } finally {
      await next.stop();
    }
  },
);
