// Keeps the fleet simulator working (issue 7): a few hundred simulated gateways against a real
// `flowgate start` process. Asserts behaviour only — all connect, a deployment reaches all, a
// restart brings every one back, nothing lost or duplicated — never timings.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, eventually, freePort, type ServerProcess } from '../e2e/lib/server.ts';
import { Simulator } from './simulator.ts';
import { failsAt } from './lib/protocol.ts';
import { collectorConfigYaml } from './lib/payloads.ts';

const N = 300;
const FAIL_SHARE = 0.02;
let server: ServerProcess | null = null;
let sim: Simulator | null = null;
after(async () => {
  await sim?.close();
  await server?.stop();
});

type Gw = { id: string; name: string; connected: boolean; version: string | null };
async function allGateways(s: ServerProcess): Promise<Gw[]> {
  const out: Gw[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const r: { status: number; body: { items: Gw[]; next_cursor: string | null } } = await s.api(
      'GET',
      `/api/v1/gateways?limit=100&name=sim-gw-${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(r.status, 200);
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) break;
  }
  return out;
}

test(
  `${N} simulated gateways enrol, take a deployment and come back after a restart`,
  { timeout: 240_000 },
  async () => {
    const port = await freePort();
    // Embedded PGlite: a database of its own whatever DATABASE_URL the suite runs with.
    server = await startServer({ DATABASE_URL: '' }, { port });
    const tok = await server.api('POST', '/api/v1/registration-tokens', { name: 'sim', expires_in_days: 1 });
    assert.equal(tok.status, 201);
    sim = new Simulator({
      agents: N,
      url: `ws://127.0.0.1:${port}/v1/opamp`,
      token: tok.body.token,
      heartbeatSeconds: 2,
      applyDelayMs: 20,
      failShare: FAIL_SHARE,
      reconnectMinMs: 200,
      reconnectMaxMs: 2000,
      namePrefix: 'sim-gw',
      workers: 2,
    });
    await sim.init();
    await sim.start();
    await sim.waitFor('all connected with full state', (s) => s.fullStateAcked === N, 90_000);

    // All enrolled once, named from host.name, with the description stored.
    const gws = await eventually(
      async () => {
        const list = await allGateways(server!);
        return list.length === N && list.every((g) => g.connected) ? list : null;
      },
      60_000,
      500,
    );
    assert.equal(new Set(gws.map((g) => g.name)).size, N, 'one gateway per simulated agent');
    assert.ok(
      gws.every((g) => g.version === '0.149.0'),
      'description (service.version) stored',
    );
    const summary = await server.api('GET', '/api/v1/gateways/summary');
    assert.equal(summary.body.total, N);

    // Heartbeats flow: every message is answered.
    const s1 = await sim.status();
    await eventually(async () => (await sim!.status()).received >= s1.received + N, 30_000, 250);

    // A deployment to all of them: each agent gets the same hash; the share that fails reports FAILED.
    const tpl = await server.api('POST', '/api/v1/templates', {
      name: 'sim-bench',
      config_yaml: collectorConfigYaml('simulator test'),
    });
    assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
    const t0 = Date.now();
    const dep = await server.api('POST', '/api/v1/deployments', {
      template_id: tpl.body.id,
      version: 1,
      target: { gateway_ids: gws.map((g) => g.id) },
      strategy: { type: 'all_at_once' },
    });
    assert.equal(dep.status, 201, JSON.stringify(dep.body));
    const hash: string = dep.body.targets[0].config_hash;
    await sim.waitFor('deployment applied', (s) => s.applied + s.failed === N, 60_000);
    const ds = await sim.deployStats(hash, t0);
    const expectedFailed = Array.from({ length: N }, (_, i) => failsAt(i, FAIL_SHARE)).filter(Boolean).length;
    assert.ok(expectedFailed > 0);
    assert.equal(ds.missing, 0, 'every agent received the config');
    assert.equal(ds.failed, expectedFailed);
    assert.equal(ds.applied.length, N - expectedFailed);
    const counts = await eventually(
      async () => {
        const d = await server!.api('GET', `/api/v1/deployments/${dep.body.id}`);
        return (d.body.counts.applied ?? 0) + (d.body.counts.failed ?? 0) === N ? d.body.counts : null;
      },
      60_000,
      500,
    );
    assert.deepEqual(
      counts,
      { applied: N - expectedFailed, failed: expectedFailed },
      "the server recorded every agent's answer",
    );

    // Restart: every agent is back with full state, same records, none lost or duplicated.
    assert.equal(await server.stop(), 0);
    await sim.waitFor('all disconnected', (s) => s.fullStateAcked === 0, 30_000);
    server = await startServer({ DATABASE_URL: '' }, { port, dataDir: server.dataDir });
    await sim.waitFor('all back with full state', (s) => s.fullStateAcked === N, 90_000);
    const back = await eventually(
      async () => {
        const list = await allGateways(server!);
        return list.length === N && list.every((g) => g.connected) ? list : null;
      },
      60_000,
      500,
    );
    assert.deepEqual(back.map((g) => g.id).sort(), gws.map((g) => g.id).sort(), 'same gateway records');
    assert.equal((await server.api('GET', '/api/v1/gateways/summary')).body.total, N);
    const st = await sim.status();
    assert.equal(st.reconnected, N, 'every agent reconnected');
  },
);
