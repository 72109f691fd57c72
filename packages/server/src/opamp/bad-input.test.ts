// Bad input against the whole control plane on its main port: hostile frames and requests are answered
// with BAD_REQUEST, a close or a 4xx — never a crash — while a witness agent keeps being served;
// expired, deleted-gateway and foreign tokens are refused with 401 at the upgrade and at POST; size
// limits (413 / 1009); gzip both ways for plain-HTTP agents; and HTTP agent state never crosses from
// one credential (or org) to another through a shared instance_uid.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gzipSync, gunzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { SignJWT, decodeJwt } from 'jose';
import {
  create,
  toBinary,
  fromBinary,
  frameWsPayload,
  newInstanceUid,
  configHash,
  uuidFromBytes,
  AgentToServerSchema,
  ServerToAgentSchema,
  ServerErrorResponseType,
  AgentCapability,
  ComponentHealthSchema,
  EffectiveConfigSchema,
  AgentConfigMapSchema,
  AgentConfigFileSchema,
  RemoteConfigStatusSchema,
  RemoteConfigStatuses,
  type ServerToAgent,
} from '@flowgate/opamp';
import { openRawWs } from '@flowgate/opamp/testing/raw-ws.ts';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import { SimAgent, description, eventually } from '../testing/sim-agent.ts';
import { deriveKey } from '../platform/crypto.ts';
import { systemScope } from '../platform/scope.ts';

let fg: TestFlowgate;
let base: string;
let wsUrl: string;
let httpUrl: string;
let regToken: string;
let witness: SimAgent;
const agents: SimAgent[] = [];
const BadRequest = ServerErrorResponseType.ServerErrorResponseType_BadRequest;
const caps =
  AgentCapability.ReportsStatus |
  AgentCapability.AcceptsRemoteConfig |
  AgentCapability.ReportsRemoteConfig |
  AgentCapability.ReportsEffectiveConfig;

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  wsUrl = `ws://127.0.0.1:${port}/v1/opamp`;
  httpUrl = `${base}/v1/opamp`;
  const res = await admin().post('/api/v1/registration-tokens', { name: 'bad-input', expires_in_days: 1 });
  assert.equal(res.status, 201);
  regToken = res.body.token;
  // A well-behaved agent that stays connected through everything below.
  witness = agent({ url: wsUrl });
  await witness.start();
  await witness.send({ agentDescription: description('witness') });
  await witness.next(() => true);
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

const admin = () => api(fg, fg.adminToken);

function agent(opts: { url: string; token?: string; instanceUid?: Uint8Array; reconnect?: boolean }) {
  const a = new SimAgent({
    url: opts.url,
    token: opts.token ?? regToken,
    capabilities: caps,
    instanceUid: opts.instanceUid,
    reconnect: opts.reconnect,
  });
  agents.push(a);
  return a;
}

/** The witness is still answered on its long-lived socket, and the server is ready. */
async function stillServing() {
  const n = witness.received.length;
  await witness.send({});
  const reply = await witness.next(() => true, 5_000, n);
  assert.equal(reply.errorResponse, undefined);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
}

async function registerGateway(name: string) {
  const res = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${regToken}` },
    payload: { name, instance_id: name },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; org_id: string; opamp_token: string };
}

const a2s = (init: Parameters<typeof create<typeof AgentToServerSchema>>[1]) =>
  toBinary(AgentToServerSchema, create(AgentToServerSchema, init));

function post(
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Length': String(body.length), ...headers } });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.end(body);
  });
}

/** Status of a WebSocket upgrade with these headers: 101 when accepted, else the refusal's status. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const protobuf = { 'Content-Type': 'application/x-protobuf' };

test(
  'hostile WebSocket frames on both paths: BAD_REQUEST each, ' + 'the socket stays open and is served afterwards',
  async () => {
    const gw = await registerGateway('bad-ws-target');
    for (const path of ['/v1/opamp', '/api/v1/opamp/v1/opamp']) {
      const peer = await openRawWs(`${base.replace('http', 'ws')}${path}`, { headers: bearer(gw.opamp_token) });
      const uid = newInstanceUid();
      const good = a2s({
        instanceUid: uid,
        sequenceNum: 1n,
        capabilities: 1n,
        agentDescription: description('bad-ws-target'),
      });
      const hostile: [string, Uint8Array][] = [
        ['random bytes', Uint8Array.from([0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02])],
        ['truncated message', frameWsPayload(good).subarray(0, 12)],
        ['wrong header byte', Uint8Array.from([0x05, ...good])],
        ['missing instance_uid', frameWsPayload(a2s({ sequenceNum: 1n, capabilities: 1n }))],
        ['15-byte instance_uid', frameWsPayload(a2s({ instanceUid: uid.subarray(0, 15), sequenceNum: 1n }))],
        ['17-byte instance_uid', frameWsPayload(a2s({ instanceUid: Uint8Array.from([...uid, 1]), sequenceNum: 1n }))],
        ['empty frame', new Uint8Array(0)],
        ['header only', Uint8Array.of(0)],
      ];
      for (const [what, frame] of hostile) {
        peer.ws.send(frame, { binary: true });
        const reply = await peer.next();
        assert.equal(reply.errorResponse?.type, BadRequest, `${path}: ${what} → BAD_REQUEST`);
      }
      peer.ws.send(frameWsPayload(good), { binary: true });
      const ok = await peer.next();
      assert.equal(ok.errorResponse, undefined, `${path}: a good frame after the bad ones is served`);
      assert.equal(uuidFromBytes(ok.instanceUid), uuidFromBytes(uid));
      peer.ws.close();
      await peer.closed;
    }
    await stillServing();
  },
);

test('a text frame closes with 1003 and an oversized message with 1009; nothing else is disturbed', async () => {
  const gw = await registerGateway('bad-ws-close');
  const text = await openRawWs(wsUrl, { headers: bearer(gw.opamp_token) });
  text.ws.send('{"instance_uid":"hello"}');
  assert.equal((await text.closed).code, 1003);

  const big = await openRawWs(wsUrl, { headers: bearer(gw.opamp_token) });
  const frame = new Uint8Array(4 * 1024 * 1024 + 64);
  frame.set(frameWsPayload(a2s({ instanceUid: newInstanceUid() })));
  big.ws.send(frame, { binary: true });
  assert.equal((await big.closed).code, 1009);
  assert.equal(big.replies.length, 0);
  await stillServing();
});

test(
  'hostile plain-HTTP requests: 400 with BAD_REQUEST, ' + '415 for a wrong content type, 413 when oversized',
  async () => {
    const gw = await registerGateway('bad-http-target');
    const auth = bearer(gw.opamp_token);
    const decodeError = (body: Buffer) => fromBinary(ServerToAgentSchema, body).errorResponse?.type;
    for (const url of [httpUrl, `${base}/api/v1/opamp/v1/opamp`]) {
      const uid = newInstanceUid();
      const good = a2s({ instanceUid: uid, sequenceNum: 1n, capabilities: 1n });
      for (const [what, body] of [
        ['random bytes', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
        ['truncated message', good.subarray(0, 10)],
        ['missing instance_uid', a2s({ sequenceNum: 1n })],
        ['15-byte instance_uid', a2s({ instanceUid: uid.subarray(0, 15) })],
      ] as const) {
        const r = await post(url, body, { ...auth, ...protobuf });
        assert.equal(r.status, 400, `${what}: ${r.status}`);
        assert.equal(decodeError(r.body), BadRequest, `${what}: BAD_REQUEST body`);
      }
      const truncatedGzip = await post(url, gzipSync(good).subarray(0, 12), {
        ...auth,
        ...protobuf,
        'Content-Encoding': 'gzip',
      });
      assert.equal(truncatedGzip.status, 400);
      for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
        const r = await post(url, good, { ...auth, 'Content-Type': type });
        assert.equal(r.status, 415, type);
      }
      const br = await post(url, good, { ...auth, ...protobuf, 'Content-Encoding': 'br' });
      assert.equal(br.status, 415);
      const get = await fetch(url, { headers: auth });
      assert.equal(get.status, 400);
      const ok = await post(url, good, { ...auth, ...protobuf });
      assert.equal(ok.status, 200);
      assert.equal(uuidFromBytes(fromBinary(ServerToAgentSchema, ok.body).instanceUid), uuidFromBytes(uid));
    }
    // Size limit (4 MiB on the main port): raw and after gunzip.
    const huge = new Uint8Array(4 * 1024 * 1024 + 1);
    const tooBig = await post(httpUrl, huge, { ...auth, ...protobuf });
    assert.equal(tooBig.status, 413);
    const bomb = gzipSync(new Uint8Array(16 * 1024 * 1024));
    assert.ok(bomb.length < 64 * 1024);
    const bombed = await post(httpUrl, bomb, { ...auth, ...protobuf, 'Content-Encoding': 'gzip' });
    assert.equal(bombed.status, 413);
    await stillServing();
  },
);

test('expired, deleted-gateway, other-secret and wrong-type tokens: 401 at the upgrade and at POST', async () => {
  const gw = await registerGateway('token-checks');
  const claims = decodeJwt(gw.opamp_token);
  const key = deriveKey(fg.config.secret, 'jwt');
  const now = Math.floor(Date.now() / 1000);
  // Same gateway, same jti, right secret and type — only expired.
  const expired = await new SignJWT({ org_id: gw.org_id, type: 'opamp_token' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(gw.id)
    .setIssuer('flowgate')
    .setJti(String(claims.jti))
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 60)
    .sign(key);
  const otherSecret = await new SignJWT({ org_id: gw.org_id, type: 'opamp_token' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(gw.id)
    .setIssuer('flowgate')
    .setJti(String(claims.jti))
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(deriveKey('some-other-secret-some-other-secret-0123', 'jwt'));
  const deleted = await registerGateway('token-deleted');
  assert.equal((await admin().delete(`/api/v1/gateways/${deleted.id}`)).status, 200);

  // The genuine token is accepted (so the refusals below are about the token alone).
  assert.equal(await upgradeStatus(wsUrl, bearer(gw.opamp_token)), 101);
  const body = a2s({ instanceUid: newInstanceUid(), sequenceNum: 1n });
  assert.equal((await post(httpUrl, body, { ...bearer(gw.opamp_token), ...protobuf })).status, 200);

  const refused: [string, Record<string, string>, string][] = [
    ['expired OpAMP token', bearer(expired), ''],
    ['token of a deleted gateway', bearer(deleted.opamp_token), ''],
    ['token signed with another secret', bearer(otherSecret), ''],
    ['a user access token', bearer(fg.adminToken), ''],
    ['an unknown registration token', bearer('fgr_0000000000000000000000000000'), ''],
    ['no token at all', {}, ''],
    ['expired token as ?token=', {}, `?token=${encodeURIComponent(expired)}`],
  ];
  for (const [what, headers, query] of refused) {
    assert.equal(await upgradeStatus(`${wsUrl}${query}`, headers), 401, `${what}: upgrade`);
    const r = await post(`${httpUrl}${query}`, body, { ...headers, ...protobuf });
    assert.equal(r.status, 401, `${what}: POST`);
    assert.equal(r.headers['www-authenticate'] ?? 'Bearer', 'Bearer');
  }
  // The valid token also works as a query parameter (agents that cannot set headers).
  assert.equal(await upgradeStatus(`${wsUrl}?token=${encodeURIComponent(gw.opamp_token)}`, {}), 101);
  // Nothing was enrolled by any of it.
  const list = await admin().get('/api/v1/gateways?name=token-');
  assert.deepEqual(list.body.items.map((g: { name: string }) => g.name).sort(), ['token-checks']);
  await stillServing();
});

test(
  'plain-HTTP agents: a gzip request is accepted and a ' + 'large reply comes gzipped when the agent accepts it',
  async () => {
    const uid = newInstanceUid();
    const first = await post(
      httpUrl,
      gzipSync(
        a2s({ instanceUid: uid, sequenceNum: 1n, capabilities: caps, agentDescription: description('gzip-agent') }),
      ),
      { ...bearer(regToken), ...protobuf, 'Content-Encoding': 'gzip' },
    );
    assert.equal(first.status, 200);
    assert.ok(
      fromBinary(ServerToAgentSchema, first.body).capabilities & 0x2n,
      'enrolled; first reply carries server capabilities',
    );
    const gw = await eventually(
      async () =>
        (await admin().get('/api/v1/gateways?name=gzip-agent')).body.items[0] as
          { id: string; org_id: string } | undefined,
    );
    const yaml = `receivers:\n  otlp: {}\n# ${'x'.repeat(4000)}\n`;
    const hash = Buffer.from(configHash({ 'collector.yaml': { body: yaml } })).toString('hex');
    await fg.features.gateways.setDesiredConfig(
      systemScope(gw.org_id),
      gw.id,
      { files: { 'collector.yaml': yaml }, deployment_id: null, template_id: null, version: 1 },
      hash,
    );
    const r = await post(httpUrl, gzipSync(a2s({ instanceUid: uid, sequenceNum: 2n, capabilities: caps })), {
      ...bearer(regToken),
      ...protobuf,
      'Content-Encoding': 'gzip',
      'Accept-Encoding': 'gzip',
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.ok(r.body.length < 1000, `compressed: ${r.body.length} bytes`);
    const reply = fromBinary(ServerToAgentSchema, gunzipSync(r.body));
    assert.equal(Buffer.from(reply.remoteConfig!.configHash).toString('hex'), hash);
    assert.equal(Buffer.from(reply.remoteConfig!.config!.configMap['collector.yaml']!.body).toString(), yaml);
    // Without Accept-Encoding the reply is plain protobuf.
    const plain = await post(httpUrl, a2s({ instanceUid: uid, sequenceNum: 3n, capabilities: caps }), {
      ...bearer(regToken),
      ...protobuf,
    });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    fromBinary(ServerToAgentSchema, plain.body);
  },
);

test(
  'plain-HTTP agent state is bound to its credential: another org, ' +
    'or another gateway token, presenting the same instance_uid gets none of it',
  async () => {
    // Org A: an HTTP agent enrolled by registration token, then a config (with a secret-looking value) assigned to it.
    const uid = newInstanceUid();
    const victim = agent({ url: httpUrl, instanceUid: uid });
    await victim.start();
    await victim.send({ agentDescription: description('victim-http') });
    const gw = await eventually(
      async () =>
        (await admin().get('/api/v1/gateways?name=victim-http')).body.items[0] as
          { id: string; org_id: string } | undefined,
    );
    const yaml = 'exporters:\n  otlphttp:\n    headers:\n      api-key: org-a-only\n';
    const hash = Buffer.from(configHash({ 'collector.yaml': { body: yaml } })).toString('hex');
    await fg.features.gateways.setDesiredConfig(
      systemScope(gw.org_id),
      gw.id,
      { files: { 'collector.yaml': yaml }, deployment_id: null, template_id: null, version: 1 },
      hash,
    );

    // Org B: its own registration token; its agent claims org A's instance_uid.
    const orgB = await admin().post('/api/v1/orgs', { name: `Other org ${randomUUID().slice(0, 8)}` });
    assert.equal(orgB.status, 201, JSON.stringify(orgB.body));
    const tokB = await admin().post(`/api/v1/registration-tokens?org_id=${orgB.body.id}`, {
      name: 'b',
      expires_in_days: 1,
    });
    assert.equal(tokB.status, 201);
    const intruder = agent({ url: httpUrl, token: tokB.body.token, instanceUid: uid });
    await intruder.start();
    for (let i = 0; i < 3; i++) await intruder.send({ agentDescription: description('intruder-b') });
    assert.ok(
      intruder.received.every((m: ServerToAgent) => !m.remoteConfig),
      "org B never receives org A's config",
    );
    // Its own gateway in org B, and org A's record is untouched.
    const a = (await admin().get(`/api/v1/gateways/${gw.id}?org_id=${gw.org_id}`)).body;
    assert.equal(a.name, 'victim-http');
    assert.equal(
      a.description.non_identifying['host.name'],
      'victim-http',
      "org A's record is not written by org B's agent",
    );
    const inB = await eventually(
      async () =>
        (await admin().get(`/api/v1/gateways?org_id=${orgB.body.id}&name=intruder-b`)).body.items[0] as
          { id: string } | undefined,
      3_000,
    );
    assert.notEqual(inB.id, gw.id);

    // Same org, another gateway's OpAMP token with the victim's uid: not the victim's state either.
    const other = await registerGateway('other-gw-token');
    const sameOrg = agent({ url: httpUrl, token: other.opamp_token, instanceUid: uid });
    await sameOrg.start();
    await sameOrg.send({ agentDescription: description('other-gw-token') });
    assert.ok(
      sameOrg.received.every((m: ServerToAgent) => !m.remoteConfig),
      "another gateway's token does not get the victim's config",
    );
    // The victim itself still gets its config in its next poll.
    const mine = await victim.send({});
    assert.equal(Buffer.from(mine!.remoteConfig!.configHash).toString('hex'), hash);
    assert.equal(uuidFromBytes(mine!.instanceUid), uuidFromBytes(uid));
    await stillServing();
  },
);

test(
  'NUL characters in what an agent reports (description, health, ' +
    'effective config, error text) are stored without them, not refused',
  async () => {
    const a = agent({ url: wsUrl });
    await a.start();
    await a.send({
      agentDescription: description('nul\u0000host', 'svc\u0000name'),
      health: create(ComponentHealthSchema, { healthy: false, status: 'Status\u0000Error', lastError: 'boom\u0000' }),
      effectiveConfig: create(EffectiveConfigSchema, {
        configMap: create(AgentConfigMapSchema, {
          configMap: {
            '': create(AgentConfigFileSchema, { body: Uint8Array.from([0x61, 0x3a, 0x20, 0x00, 0x62, 0x0a]) }),
          },
        }),
      }),
      remoteConfigStatus: create(RemoteConfigStatusSchema, {
        lastRemoteConfigHash: new Uint8Array(32).fill(7),
        status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
        errorMessage: 'bad\u0000config',
      }),
    });
    const reply = await a.next(() => true);
    assert.equal(reply.errorResponse, undefined);
    const gw = await eventually(
      async () =>
        (await admin().get(`/api/v1/gateways?org_id=${fg.defaultOrgId}&name=nulhost`)).body.items[0] as
          { id: string; connected: boolean } | undefined,
    );
    assert.equal(gw.connected, true);
    const d = (await admin().get(`/api/v1/gateways/${gw.id}?org_id=${fg.defaultOrgId}`)).body;
    assert.equal(d.description.identifying['service.name'], 'svcname');
    assert.equal(d.component_health.status, 'StatusError');
    assert.equal(d.remote_config.status, 'FAILED');
    assert.equal(d.remote_config.error_message, 'badconfig');
    assert.match(d.effective_config_yaml, /a: b/);
    const events = (await admin().get(`/api/v1/gateways/${gw.id}/config-events?org_id=${fg.defaultOrgId}`)).body
      .items as { status: string; error_message: string }[];
    assert.ok(
      events.some((e) => e.status === 'FAILED' && e.error_message === 'badconfig'),
      JSON.stringify(events),
    );
    await stillServing();
  },
);

test(
  'an agent flooding messages beyond its budget is throttled (UNAVAILABLE ' +
    '+ retry_info), owes a full state, and nobody else is affected',
  async () => {
    const gw = await registerGateway('flooder');
    const peer = await openRawWs(wsUrl, { headers: bearer(gw.opamp_token) });
    const uid = newInstanceUid();
    const frames = 120; // the default budget is a burst of 60, then 10 per second
    for (let i = 1; i <= frames; i++)
      peer.ws.send(frameWsPayload(a2s({ instanceUid: uid, sequenceNum: BigInt(i), capabilities: 1n })), {
        binary: true,
      });
    const replies: ServerToAgent[] = [];
    for (let i = 0; i < frames; i++) replies.push(await peer.next());
    const throttled = replies.filter(
      (r) => r.errorResponse?.type === ServerErrorResponseType.ServerErrorResponseType_Unavailable,
    );
    assert.ok(throttled.length >= frames - 60 - 10 && throttled.length <= frames - 60, `${throttled.length} throttled`);
    const retry = throttled[0]!.errorResponse!.Details;
    assert.equal(retry.case, 'retryInfo');
    assert.ok(retry.value!.retryAfterNanoseconds >= 1_000_000_000n, 'retry after at least a second');
    assert.ok(
      replies.slice(0, 60).every((r) => !r.errorResponse),
      'the burst is served',
    );
    // Meanwhile another agent is served normally.
    await stillServing();
    // After waiting as told, the agent is served again and asked for the full state it could not deliver.
    await new Promise((r) => setTimeout(r, 1_100));
    peer.ws.send(frameWsPayload(a2s({ instanceUid: uid, sequenceNum: BigInt(frames + 1), capabilities: 1n })), {
      binary: true,
    });
    const again = await peer.next();
    assert.equal(again.errorResponse, undefined);
    assert.equal(again.flags & 0x1n, 0x1n, 'ReportFullState after dropped messages');
    peer.ws.close();
  },
);
