import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AgentCapability,
  RemoteConfigStatuses,
  create,
  RemoteConfigStatusSchema,
  ComponentHealthSchema,
  EffectiveConfigSchema,
  AgentConfigMapSchema,
  AgentConfigFileSchema,
  configHash,
} from '@flowgate/opamp';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import { SimAgent, description, eventually } from '../testing/sim-agent.ts';
import { systemScope } from '../platform/scope.ts';

let fg: TestFlowgate;
let base: string;
let ws: string;
let regToken: string;
const agents: SimAgent[] = [];

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  ws = `ws://127.0.0.1:${port}/v1/opamp`;
  const res = await api(fg, fg.adminToken).post('/api/v1/registration-tokens', { name: 'test', expires_in_days: 1 });
  assert.equal(res.status, 201);
  regToken = res.body.token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

const admin = () => api(fg, fg.adminToken);
const caps =
  AgentCapability.ReportsStatus |
  AgentCapability.AcceptsRemoteConfig |
  AgentCapability.ReportsEffectiveConfig |
  AgentCapability.ReportsRemoteConfig |
  AgentCapability.ReportsHealth |
  AgentCapability.AcceptsRestartCommand;

function agent(opts: { token?: string; url?: string; capabilities?: bigint; instanceUid?: Uint8Array } = {}) {
  const a = new SimAgent({
    url: opts.url ?? ws,
    token: opts.token ?? regToken,
    capabilities: opts.capabilities ?? caps,
    instanceUid: opts.instanceUid,
  });
  agents.push(a);
  return a;
}

async function findGateway(name: string) {
  return eventually(async () => {
    const list = await admin().get(`/api/v1/gateways?name=${encodeURIComponent(name)}`);
    return list.body.items.find((g: { name: string }) => g.name === name) as
      { id: string; [k: string]: unknown } | undefined;
  });
}

test(
  'zero-touch enrolment over WebSocket with a registration token: ' + 'named from host.name, listed, healthy',
  async () => {
    const a = agent();
    await a.start();
    await a.send({
      agentDescription: description('edge-ws-1'),
      health: create(ComponentHealthSchema, { healthy: true, status: 'StatusOK' }),
    });
    const first = await a.next(() => true);
    assert.ok(first.capabilities & 0x1n, 'capabilities in the first reply');
    const gw = await findGateway('edge-ws-1');
    assert.equal(gw.connected, true);
    assert.equal(gw.transport, 'websocket');
    assert.equal((gw.health as { status: string }).status, 'healthy');
    assert.equal(gw.version, '0.161.0');
    const detail = await admin().get(`/api/v1/gateways/${gw.id}`);
    assert.equal(detail.body.description.identifying['service.name'], 'otelcol-flowgate');
    assert.ok(detail.body.capabilities.includes('AcceptsRemoteConfig'));
  },
);

test('first message without description → ReportFullState; a sequence gap → ReportFullState', async () => {
  const a = agent();
  await a.start();
  await a.send({});
  const r1 = await a.next(() => true);
  assert.equal(r1.flags & 0x1n, 0x1n);
  await a.send({ agentDescription: description('edge-ws-gap') });
  const r2 = await a.next((m) => m !== r1);
  assert.equal(r2.flags & 0x1n, 0n, 'no full-state request when in sequence');
  // Skip a sequence number by sending through the raw client twice but dropping one from our count.
  (a.client as unknown as { seq: bigint }).seq += 5n;
  const before = a.received.length;
  await a.send({});
  const r3 = await a.next(() => true, 5000, before);
  assert.equal(r3.flags & 0x1n, 0x1n);
});

test(
  'seed registration flow: POST /gateways → OpAMP token; ' + 'heartbeat; instance mismatch 403; bad token 401',
  async () => {
    const reg = await fg.app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: { authorization: `Bearer ${regToken}` },
      payload: {
        name: 'seed-gw',
        instance_id: 'gateway-1',
        hostname: 'seed.example',
        ip_address: '10.0.0.1',
        metadata: { version: '1.0.0' },
      },
    });
    assert.equal(reg.statusCode, 201, reg.body);
    const body = reg.json();
    assert.equal(body.status, 'registered');
    assert.match(body.opamp_endpoint, /\/v1\/opamp$/);
    const hb = await fg.app.inject({
      method: 'POST',
      url: '/api/v1/opamp/heartbeat/gateway-1',
      headers: { authorization: `Bearer ${body.opamp_token}` },
    });
    assert.equal(hb.statusCode, 200);
    assert.deepEqual(hb.json(), { status: 'ok', gateway_id: body.id });
    const mismatch = await fg.app.inject({
      method: 'POST',
      url: '/api/v1/opamp/heartbeat/gateway-2',
      headers: { authorization: `Bearer ${body.opamp_token}` },
    });
    assert.equal(mismatch.statusCode, 403);
    assert.equal(mismatch.json().error.code, 'INSTANCE_MISMATCH');
    const bad = await fg.app.inject({
      method: 'POST',
      url: '/api/v1/opamp/heartbeat/gateway-1',
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(bad.statusCode, 401);
    const badReg = await fg.app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: { authorization: 'Bearer fgr_wrong' },
      payload: { name: 'x', instance_id: 'y' },
    });
    assert.equal(badReg.statusCode, 401);
    assert.equal(badReg.json().error.code, 'INVALID_REGISTRATION_TOKEN');
    const status = await admin().get(`/api/v1/gateways/${body.id}/status`);
    assert.equal(status.status, 200);
    assert.equal(status.body.health.status, 'healthy');
    const cfg = await fg.app.inject({
      method: 'GET',
      url: '/api/v1/opamp/config/gateway-1',
      headers: { authorization: `Bearer ${body.opamp_token}` },
    });
    assert.equal(cfg.json().source, 'base');
    assert.match(cfg.json().config_yaml, /receivers:/);

    // The same token then connects over plain HTTP OpAMP; the record is the same gateway.
    const h = agent({ token: body.opamp_token, url: `${base}/v1/opamp` });
    await h.start();
    await h.send({ agentDescription: description('seed.example') });
    await eventually(async () => (await admin().get(`/api/v1/gateways/${body.id}`)).body.transport === 'http');
    const gw = (await admin().get(`/api/v1/gateways/${body.id}`)).body;
    assert.equal(gw.name, 'seed-gw', 'a name chosen at registration is kept');
    assert.equal(gw.connected, true);
  },
);

test('config push: WebSocket agent gets it at once, reports APPLIED; a FAILED hash is never re-pushed', async () => {
  const a = agent();
  await a.start();
  await a.send({ agentDescription: description('edge-push') });
  const gw = await findGateway('edge-push');
  const scope = systemScope(gw.org_id as string);
  const files = { 'collector.yaml': 'receivers: {otlp: {protocols: {http: {}}}}\n' };
  const hash = Buffer.from(configHash({ 'collector.yaml': { body: files['collector.yaml'] } })).toString('hex');
  await fg.features.gateways.setDesiredConfig(
    scope,
    gw.id,
    { files, deployment_id: null, template_id: null, version: 1 },
    hash,
  );
  const pushed = await a.next((m) => !!m.remoteConfig);
  assert.equal(Buffer.from(pushed.remoteConfig!.configHash).toString('hex'), hash);
  assert.equal(
    Buffer.from(pushed.remoteConfig!.config!.configMap['collector.yaml']!.body).toString(),
    files['collector.yaml'],
  );
  await a.send({
    remoteConfigStatus: create(RemoteConfigStatusSchema, {
      lastRemoteConfigHash: pushed.remoteConfig!.configHash,
      status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
    }),
    effectiveConfig: create(EffectiveConfigSchema, {
      configMap: create(AgentConfigMapSchema, {
        configMap: {
          '': create(AgentConfigFileSchema, {
            body: Buffer.from(
              'receivers:\n  otlp: {}\nexporters:\n  otlphttp:\n    headers:\n      api-key: supersecret\n',
            ),
          }),
        },
      }),
    }),
  });
  const detail = await eventually(async () => {
    const d = (await admin().get(`/api/v1/gateways/${gw.id}`)).body;
    return d.remote_config.status === 'APPLIED' ? d : null;
  });
  assert.equal(detail.remote_config.hash, hash);
  assert.ok(!detail.effective_config_yaml.includes('supersecret'), 'credentials are masked in the effective config');

  // A second config fails; reconnecting does not bring it back.
  const files2 = { 'collector.yaml': 'receivers: {bogus: {}}\n' };
  const hash2 = Buffer.from(configHash({ 'collector.yaml': { body: files2['collector.yaml'] } })).toString('hex');
  const n = a.received.length;
  await fg.features.gateways.setDesiredConfig(
    scope,
    gw.id,
    { files: files2, deployment_id: null, template_id: null, version: 2 },
    hash2,
  );
  const pushed2 = await a.next((m) => !!m.remoteConfig, 10_000, n);
  await a.send({
    remoteConfigStatus: create(RemoteConfigStatusSchema, {
      lastRemoteConfigHash: pushed2.remoteConfig!.configHash,
      status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
      errorMessage: 'unknown type: "bogus"',
    }),
  });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${gw.id}`)).body.remote_config.status === 'FAILED');
  // No rollback in the supervisor at our release: the control plane re-sends the last applied config.
  const resent = await a.next(
    (m) => !!m.remoteConfig && Buffer.from(m.remoteConfig.configHash).toString('hex') === hash,
    10_000,
    n + 1,
  );
  assert.equal(
    Buffer.from(resent.remoteConfig!.config!.configMap['collector.yaml']!.body).toString(),
    files['collector.yaml'],
  );
  const recovered = (await admin().get(`/api/v1/gateways/${gw.id}`)).body;
  assert.match(
    recovered.remote_config.recovery,
    /Version 2 failed; the control plane re-sent the last applied configuration \(version 1\)/,
  );
  assert.equal((await admin().get(`/api/v1/gateways/${gw.id}/config`)).body.config_version, 1);
  const events = await admin().get(`/api/v1/gateways/${gw.id}/config-events`);
  assert.ok(
    events.body.items.some(
      (e: { status: string; error_message: string }) => e.status === 'FAILED' && e.error_message.includes('bogus'),
    ),
  );
  // Reconnect with a fresh connection (same uid): the server must not re-offer the failed hash.
  await a.stop();
  const again = agent({ instanceUid: a.client.instanceUid });
  await again.start();
  await again.send({
    agentDescription: description('edge-push'),
    remoteConfigStatus: create(RemoteConfigStatusSchema, {
      lastRemoteConfigHash: Buffer.from(hash, 'hex'),
      status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
    }),
  });
  await again.send({});
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(again.received.filter((m) => m.remoteConfig).length, 0, 'FAILED config was not re-pushed');
});

test('restart: 409 without AcceptsRestartCommand, delivered as a command with it', async () => {
  const without = agent({ capabilities: AgentCapability.ReportsStatus | AgentCapability.AcceptsRemoteConfig });
  await without.start();
  await without.send({ agentDescription: description('edge-norestart') });
  const g1 = await findGateway('edge-norestart');
  const r1 = await admin().post(`/api/v1/gateways/${g1.id}/restart`);
  assert.equal(r1.status, 409);
  assert.equal(r1.body.error.code, 'CAPABILITY_MISSING');
  const withCap = agent();
  await withCap.start();
  await withCap.send({ agentDescription: description('edge-restart') });
  const g2 = await findGateway('edge-restart');
  const r2 = await admin().post(`/api/v1/gateways/${g2.id}/restart`);
  assert.equal(r2.status, 200);
  const cmd = await withCap.next((m) => !!m.command);
  assert.equal(cmd.command!.type, 0);
});

test('a revoked OpAMP token closes the live connection and is refused at the next connect', async () => {
  const reg = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${regToken}` },
    payload: { name: 'to-revoke', instance_id: 'revoke-1' },
  });
  const token = reg.json().opamp_token;
  const a = new SimAgent({ url: ws, token, capabilities: caps, reconnect: false });
  agents.push(a);
  await a.start();
  await a.send({ agentDescription: description('to-revoke') });
  await eventually(async () => (await admin().get(`/api/v1/gateways/${reg.json().id}`)).body.connected);
  const rv = await admin().post(`/api/v1/gateways/${reg.json().id}/revoke-token`);
  assert.equal(rv.status, 200);
  await eventually(async () => !a.client.connected);
  const b = new SimAgent({ url: ws, token, capabilities: caps, reconnect: false });
  await assert.rejects(b.start(), (err: Error & { status?: number }) => err.status === 401);
  const h = await fetch(`${base}/v1/opamp`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
    body: new Uint8Array([0x0a, 0x10, ...new Uint8Array(16)]),
  });
  assert.equal(h.status, 401);
});

test(
  'a used-up or expired registration token enrols nobody new, ' +
    'but the gateways it enrolled zero-touch keep reconnecting; revoking it cuts them off',
  async () => {
    const t = await admin().post('/api/v1/registration-tokens', { name: 'one-shot', expires_in_days: 1, max_uses: 1 });
    const a = agent({ token: t.body.token });
    await a.start();
    await a.send({ agentDescription: description('one-shot-1') });
    const gw = await findGateway('one-shot-1');
    const list = await admin().get('/api/v1/registration-tokens');
    const row = list.body.items.find((x: { id: string }) => x.id === t.body.id);
    assert.equal(row.uses, 1);
    assert.equal('token' in row, false, 'no plaintext in lists');

    // A second agent with the used-up token: told why, disconnected, not enrolled.
    const b = new SimAgent({ url: ws, token: t.body.token, capabilities: caps, reconnect: false });
    await b.start();
    await b.send({ agentDescription: description('one-shot-2') });
    const refused = await b.next((m) => !!m.errorResponse);
    assert.match(refused.errorResponse!.errorMessage, /expired or used up/);
    await eventually(async () => !b.client.connected);
    assert.equal((await admin().get('/api/v1/gateways?name=one-shot-2')).body.items.length, 0);
    const h = await fetch(`${base}/v1/opamp`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${t.body.token}` },
      body: new Uint8Array([0x0a, 0x10, ...new Uint8Array(16).fill(7)]),
    });
    assert.equal(h.status, 200, 'the transport admits a spent token; the message is refused');

    // The enrolled gateway restarts (same instance_uid): back online, same record — also once the token expired.
    await a.stop();
    await fg.db.query("UPDATE registration_tokens SET expires_at = now() - interval '1 day' WHERE id = $1", [
      t.body.id,
    ]);
    const again = agent({ token: t.body.token, instanceUid: a.client.instanceUid });
    await again.start();
    await again.send({ agentDescription: description('one-shot-1') });
    const ok = await again.next(() => true);
    assert.equal(ok.errorResponse, undefined);
    const back = await eventually(async () => {
      const g = (await admin().get(`/api/v1/gateways/${gw.id}`)).body;
      return g.connected ? g : null;
    });
    assert.equal(back.id, gw.id);
    assert.equal((await admin().get('/api/v1/gateways?name=one-shot-1')).body.items.length, 1);

    // Revoked: the live connection is closed at once, and the door stays shut, even for the gateways it enrolled.
    assert.equal((await admin().delete(`/api/v1/registration-tokens/${t.body.id}`)).status < 300, true);
    await eventually(async () => !again.client.connected);
    await eventually(async () => !(await admin().get(`/api/v1/gateways/${gw.id}`)).body.connected);
    await again.stop();
    const c = new SimAgent({
      url: ws,
      token: t.body.token,
      capabilities: caps,
      instanceUid: a.client.instanceUid,
      reconnect: false,
    });
    await assert.rejects(c.start(), (err: Error & { status?: number }) => err.status === 401);
  },
);

test('SSE event stream delivers gateway changes of the caller org only', async () => {
  const port = (fg.app.server.address() as { port: number }).port;
  const ctrl = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/events?access_token=${fg.adminToken}`, {
    signal: ctrl.signal,
  });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = '';
  const a = agent();
  await a.start();
  await a.send({ agentDescription: description('edge-sse') });
  const deadline = Date.now() + 10_000;
  while (!/event: gateway\.(created|connected)/.test(text) && Date.now() < deadline) {
    const { value } = await reader.read();
    text += new TextDecoder().decode(value);
  }
  ctrl.abort();
  assert.match(text, /event: gateway\.(created|connected)/);
});

test('/metrics counts OpAMP messages and live connections by transport', async () => {
  const a = agent();
  await a.start();
  await a.send({ agentDescription: description('edge-metrics') });
  await findGateway('edge-metrics');
  const text = (await fg.app.inject({ method: 'GET', url: '/metrics' })).body;
  const messages = Number(/^flowgate_opamp_messages_total (\d+)/m.exec(text)?.[1]);
  const ws = Number(/^flowgate_opamp_connections\{transport="websocket"\} (\d+)/m.exec(text)?.[1]);
  assert.ok(messages > 0, 'messages counted');
  assert.ok(ws >= 1, 'the live WebSocket is counted');
});

test(
  'a registration token never makes its holder another gateway: ' +
    "presenting an existing gateway's instance_uid is refused unless that token enrolled it zero-touch",
  async () => {
    // A script-onboarded gateway (its own OpAMP token), connected with its instance_uid.
    const reg = await fg.app.inject({
      method: 'POST',
      url: '/api/v1/gateways',
      headers: { authorization: `Bearer ${regToken}` },
      payload: { name: 'own-token-gw', instance_id: 'own-token-gw' },
    });
    assert.equal(reg.statusCode, 201, reg.body);
    const own = reg.json() as { id: string; opamp_token: string };
    const real = agent({ token: own.opamp_token });
    await real.start();
    await real.send({ agentDescription: description('own-token-host') });
    await real.next(() => true);
    const uid = real.client.instanceUid;
    await real.stop();

    // Someone with a registration token of the same org (even the one that registered it) presents that uid.
    const thief = new SimAgent({ url: ws, token: regToken, capabilities: caps, instanceUid: uid, reconnect: false });
    agents.push(thief);
    await thief.start();
    await thief.send({ agentDescription: description('thief-host') });
    const refused = await thief.next(() => true);
    assert.match(refused.errorResponse?.errorMessage ?? '', /not enrolled with this registration token/);
    assert.equal(refused.remoteConfig, undefined, 'no configuration handed out');
    const d = (await admin().get(`/api/v1/gateways/${own.id}`)).body;
    assert.equal(d.description.non_identifying['host.name'], 'own-token-host', 'the gateway record is untouched');

    // A zero-touch gateway enrolled with one token; another token of the org presents its uid.
    const zt = agent();
    await zt.start();
    await zt.send({ agentDescription: description('zt-victim') });
    await findGateway('zt-victim');
    await zt.stop();
    const other = (await admin().post('/api/v1/registration-tokens', { name: 'other-token', expires_in_days: 1 })).body
      .token as string;
    const thief2 = new SimAgent({
      url: ws,
      token: other,
      capabilities: caps,
      instanceUid: zt.client.instanceUid,
      reconnect: false,
    });
    agents.push(thief2);
    await thief2.start();
    await thief2.send({ agentDescription: description('thief-2') });
    assert.match(
      (await thief2.next(() => true)).errorResponse?.errorMessage ?? '',
      /not enrolled with this registration token/,
    );
    // Its own token still works.
    const back = agent({ instanceUid: zt.client.instanceUid });
    await back.start();
    await back.send({ agentDescription: description('zt-victim') });
    assert.equal((await back.next(() => true)).errorResponse, undefined);
  },
);
