// Agent lifecycle against the full control plane: two live WebSocket connections with one
// instance_uid (the newcomer is told to take a new one and becomes its own gateway), and plain-HTTP
// agents (listed as connected over http, configs and commands in their next reply, heartbeats
// batched into last_seen, a restart after agent_disconnect shows as connected again).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AgentCapability,
  RemoteConfigStatuses,
  RemoteConfigStatusSchema,
  CommandType,
  configHash,
  create,
  uuidFromBytes,
  AgentToServerSchema,
  encodeWsFrame,
  newInstanceUid,
} from '@flowgate/opamp';
import { WebSocket } from 'ws';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import { SimAgent, description, eventually } from '../testing/sim-agent.ts';
import { systemScope } from '../platform/scope.ts';

let fg: TestFlowgate;
let wsUrl: string;
let httpUrl: string;
let regToken: string;
const agents: SimAgent[] = [];
const caps =
  AgentCapability.ReportsStatus |
  AgentCapability.AcceptsRemoteConfig |
  AgentCapability.ReportsRemoteConfig |
  AgentCapability.ReportsEffectiveConfig |
  AgentCapability.ReportsHealth |
  AgentCapability.AcceptsRestartCommand;

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  wsUrl = `ws://127.0.0.1:${port}/v1/opamp`;
  httpUrl = `http://127.0.0.1:${port}/v1/opamp`;
  const res = await admin().post('/api/v1/registration-tokens', { name: 'lifecycle', expires_in_days: 1 });
  assert.equal(res.status, 201);
  regToken = res.body.token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

const admin = () => api(fg, fg.adminToken);

function agent(url: string, instanceUid?: Uint8Array) {
  const a = new SimAgent({ url, token: regToken, capabilities: caps, instanceUid });
  agents.push(a);
  return a;
}

type Gateway = {
  id: string;
  org_id: string;
  name: string;
  instance_id: string;
  connected: boolean;
  transport: string | null;
  last_seen: string | null;
};
async function findGateway(name: string): Promise<Gateway> {
  return eventually(async () =>
    ((await admin().get(`/api/v1/gateways?name=${encodeURIComponent(name)}`)).body.items as Gateway[]).find(
      (g) => g.name === name,
    ),
  );
}
const detail = async (id: string) => (await admin().get(`/api/v1/gateways/${id}`)).body;

test(
  'two live WebSocket connections with one instance_uid: ' +
    'the newcomer gets a new 16-byte uid and becomes its own gateway; the first keeps working',
  async () => {
    const first = agent(wsUrl);
    await first.start();
    await first.send({ agentDescription: description('dup-first') });
    await first.next(() => true);
    const uid = first.client.instanceUid;
    const g1 = await findGateway('dup-first');
    assert.equal(g1.instance_id, uuidFromBytes(uid));

    // A clone (same instance_uid) connects while the first is live.
    const clone = agent(wsUrl, uid);
    await clone.start();
    await clone.send({ agentDescription: description('dup-clone') });
    const told = await clone.next((m) => !!m.agentIdentification);
    const fresh = told.agentIdentification!.newInstanceUid;
    assert.equal(fresh.length, 16, 'new_instance_uid is 16 bytes');
    assert.notEqual(uuidFromBytes(fresh), uuidFromBytes(uid));
    assert.deepEqual(told.instanceUid, uid, 'addressed to the uid it used');
    assert.equal(told.errorResponse, undefined);
    assert.equal(uuidFromBytes(clone.client.instanceUid), uuidFromBytes(fresh), 'our client adopts the new uid');
    // Its first message was not taken for the first agent's.
    assert.equal((await detail(g1.id)).description.non_identifying['host.name'], 'dup-first');

    // Re-sent under the new uid, the clone is enrolled as a gateway of its own.
    const n = clone.received.length;
    await clone.send({ agentDescription: description('dup-clone') });
    const reply = await clone.next(() => true, 10_000, n);
    assert.equal(reply.errorResponse, undefined);
    assert.equal(reply.agentIdentification, undefined, 'no second reassignment');
    const g2 = await findGateway('dup-clone');
    assert.notEqual(g2.id, g1.id);
    assert.equal(g2.instance_id, uuidFromBytes(fresh));
    assert.equal(g2.connected, true);

    // The first agent is unaffected: still served, still connected, still its own uid.
    const m = first.received.length;
    await first.send({});
    const ok = await first.next(() => true, 10_000, m);
    assert.equal(ok.errorResponse, undefined);
    assert.equal(ok.agentIdentification, undefined);
    assert.equal(first.client.connected, true);
    const d1 = await detail(g1.id);
    assert.equal(d1.connected, true);
    assert.equal(d1.instance_id, uuidFromBytes(uid));

    // The clone reconnects later with its new uid: same gateway, no new one.
    await clone.stop();
    const back = agent(wsUrl, fresh);
    await back.start();
    await back.send({ agentDescription: description('dup-clone') });
    await back.next(() => true);
    await eventually(async () => (await detail(g2.id)).connected);
    const list = await admin().get('/api/v1/gateways?name=dup-');
    assert.deepEqual(list.body.items.map((g: Gateway) => g.name).sort(), ['dup-clone', 'dup-first']);
  },
);

test(
  'an agent reconnecting while its old connection is half-open (no pong) ' +
    'stays the same gateway: the dead socket is replaced, no new uid',
  async () => {
    // The old connection: enrolled, then silent — it answers no pings, as after a network failure.
    const uid = newInstanceUid();
    const stale = new WebSocket(wsUrl, { headers: { Authorization: `Bearer ${regToken}` }, autoPong: false });
    await new Promise((resolve, reject) => stale.once('open', resolve).once('error', reject));
    const staleClosed = new Promise<void>((resolve) => stale.once('close', () => resolve()));
    stale.send(
      encodeWsFrame(
        AgentToServerSchema,
        create(AgentToServerSchema, {
          instanceUid: uid,
          sequenceNum: 0n,
          capabilities: caps,
          agentDescription: description('half-open'),
        }),
      ),
    );
    const g = await findGateway('half-open');
    assert.equal(g.connected, true);

    // The same agent comes back on a new socket with the same uid.
    const back = agent(wsUrl, uid);
    await back.start();
    await back.send({ agentDescription: description('half-open') });
    const reply = await back.next(() => true, 15_000);
    assert.equal(reply.agentIdentification, undefined, 'not told to take a new uid');
    assert.equal(reply.errorResponse, undefined);
    await staleClosed; // the dead socket was let go
    const list = (await admin().get('/api/v1/gateways?name=half-open')).body.items as Gateway[];
    assert.deepEqual(
      list.map((x) => x.id),
      [g.id],
      'still one gateway',
    );
    const d = await eventually(async () => {
      const x = await detail(g.id);
      return x.connected ? x : null;
    });
    assert.equal(d.instance_id, uuidFromBytes(uid));
  },
);

test(
  'plain-HTTP agent: listed connected over http; ' + 'a pushed config and a restart come in its next reply, once',
  async () => {
    const a = agent(httpUrl);
    await a.start();
    await a.send({ agentDescription: description('http-agent') });
    const gw = await findGateway('http-agent');
    assert.equal(gw.connected, true);
    assert.equal(gw.transport, 'http');
    const d = await detail(gw.id);
    assert.equal(d.connection.transport, 'http');
    assert.match(d.connection.remote_address, /127\.0\.0\.1/);

    const yaml = 'receivers:\n  otlp: {}\n';
    const hash = Buffer.from(configHash({ 'collector.yaml': { body: yaml } })).toString('hex');
    await fg.features.gateways.setDesiredConfig(
      systemScope(gw.org_id),
      gw.id,
      { files: { 'collector.yaml': yaml }, deployment_id: null, template_id: null, version: 1 },
      hash,
    );
    const next = await a.send({});
    assert.equal(Buffer.from(next!.remoteConfig!.configHash).toString('hex'), hash, 'the next poll carries the config');
    assert.equal(Buffer.from(next!.remoteConfig!.config!.configMap['collector.yaml']!.body).toString(), yaml);
    const again = await a.send({});
    assert.equal(again!.remoteConfig, undefined, 'sent once, not on every poll');
    await a.send({
      remoteConfigStatus: create(RemoteConfigStatusSchema, {
        lastRemoteConfigHash: next!.remoteConfig!.configHash,
        status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
      }),
    });
    const status = await eventually(async () => {
      const s = (await admin().get(`/api/v1/gateways/${gw.id}/status`)).body;
      return s.config.remote_config.status === 'APPLIED' ? s : null;
    });
    assert.equal(status.config.remote_config.hash, hash);

    const r = await admin().post(`/api/v1/gateways/${gw.id}/restart`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const cmd = await a.send({});
    assert.equal(cmd!.command?.type, CommandType.CommandType_Restart, 'the next poll carries the restart');
    const after = await a.send({});
    assert.equal(after!.command, undefined, 'the restart is delivered once');
  },
);

test(
  'plain-HTTP heartbeats are batched: no UPDATE per poll, ' + 'last_seen advances when the batch is flushed',
  async () => {
    const a = agent(httpUrl);
    await a.start();
    await a.send({ agentDescription: description('http-heartbeats') });
    const gw = await findGateway('http-heartbeats');
    await fg.features.opamp.flushLastSeen();
    const seen0 = Date.parse((await detail(gw.id)).last_seen);

    // Count the writes to gateways while the agent polls twenty times.
    const db = fg.db as { query: typeof fg.db.query };
    const original = db.query;
    const updates: string[] = [];
    db.query = ((text: string, params?: readonly unknown[]) => {
      if (/^\s*UPDATE gateways/i.test(text)) updates.push(text.replace(/\s+/g, ' ').slice(0, 60));
      return original.call(fg.db, text, params);
    }) as typeof fg.db.query;
    try {
      await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < 20; i++) {
        const reply = await a.send({});
        assert.equal(reply!.errorResponse, undefined);
      }
    } finally {
      db.query = original;
    }
    // At most the periodic batch (every 5 s) may have run in between; never one per heartbeat.
    assert.ok(updates.length <= 1, `UPDATEs during 20 heartbeats: ${JSON.stringify(updates)}`);
    assert.ok(
      updates.every((u) => u.includes('last_seen')),
      JSON.stringify(updates),
    );

    await fg.features.opamp.flushLastSeen();
    const seen1 = Date.parse((await detail(gw.id)).last_seen);
    assert.ok(
      seen1 > seen0,
      `last_seen advanced after the flush: ${new Date(seen0).toISOString()} → ${new Date(seen1).toISOString()}`,
    );
    const health = (await admin().get(`/api/v1/gateways/${gw.id}/health`)).body;
    assert.equal(health.connected, true);
    assert.ok(health.seconds_since_last_seen <= 5, JSON.stringify(health));
  },
);

test(
  'plain-HTTP agent that said agent_disconnect shows disconnected, ' +
    'and connected again when it polls after a restart',
  async () => {
    const a = agent(httpUrl);
    await a.start();
    await a.send({ agentDescription: description('http-restarts') });
    const gw = await findGateway('http-restarts');
    const uid = a.client.instanceUid;
    await a.stop(); // sends agent_disconnect
    await eventually(async () => (await detail(gw.id)).connected === false);
    assert.equal((await detail(gw.id)).connection, null);

    // The collector restarts with the same instance_uid and polls again within a few seconds.
    const b = agent(httpUrl, uid);
    await b.start();
    await b.send({ agentDescription: description('http-restarts') });
    const d = await eventually(async () => {
      const x = await detail(gw.id);
      return x.connected ? x : null;
    }, 5_000);
    assert.equal(d.connection.transport, 'http');
    const list = await admin().get('/api/v1/gateways?name=http-restarts');
    assert.equal(list.body.items.length, 1, 'the same gateway, not a new one');
  },
);

test(
  'gateways held by a replica that stopped saying it is ' + "alive are shown disconnected; a live replica's are not",
  async () => {
    const dead = agent(wsUrl);
    await dead.start();
    await dead.send({ agentDescription: description('replica-dead') });
    const live = agent(wsUrl);
    await live.start();
    await live.send({ agentDescription: description('replica-live') });
    const gDead = await findGateway('replica-dead');
    const gLive = await findGateway('replica-live');
    await eventually(async () => (await detail(gDead.id)).connected && (await detail(gLive.id)).connected);
    // As if each were held by another process: one that was killed a while ago, one that is fine.
    await fg.db.query(
      "INSERT INTO opamp_replicas (id, seen_at) VALUES ('killed-replica', now() - interval '10 minutes'), " +
        "('other-live-replica', now())",
    );
    await fg.db.query("UPDATE gateways SET replica_id = 'killed-replica' WHERE id = $1", [gDead.id]);
    await fg.db.query("UPDATE gateways SET replica_id = 'other-live-replica' WHERE id = $1", [gLive.id]);
    await fg.features.opamp.sweepReplicas();
    assert.equal((await detail(gDead.id)).connected, false);
    assert.equal((await detail(gLive.id)).connected, true);
  },
);

test(
  'a replica that was silent (database unreachable) ' +
    'and taken for dead marks the gateways it still holds connected again',
  async () => {
    const a = agent(wsUrl);
    await a.start();
    await a.send({ agentDescription: description('replica-silent') });
    const g = await findGateway('replica-silent');
    await eventually(async () => (await detail(g.id)).connected);
    // Another replica's sweep while this one could not say it is alive.
    await fg.db.query("UPDATE opamp_replicas SET seen_at = now() - interval '10 minutes' WHERE id = $1", [
      fg.features.opamp.replicaId,
    ]);
    await fg.db.query(
      `UPDATE gateways SET connected = false, connection_id = NULL, status = 'inactive'
        WHERE replica_id = $1
          AND replica_id NOT IN (SELECT id FROM opamp_replicas WHERE seen_at > now() - interval '1 minute')`,
      [fg.features.opamp.replicaId],
    );
    assert.equal((await detail(g.id)).connected, false);
    await fg.features.opamp.reclaimConnections();
    const d = await detail(g.id);
    assert.equal(d.connected, true, 'the socket is still open here');
    assert.equal(d.status, 'active');
    // And its next message still works on the same connection.
    const n = a.received.length;
    await a.send({});
    assert.equal((await a.next(() => true, 10_000, n)).errorResponse, undefined);
  },
);
