import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { create, toBinary } from '@bufbuild/protobuf';
import { WebSocket } from 'ws';
import {
  AgentToServerSchema,
  RemoteConfigStatuses,
  ServerErrorResponseType,
  ServerToAgentSchema,
} from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer, ServerToAgent } from './gen/opamp/v1/opamp_pb.ts';
import { OpampClient, OpampClientError } from './client.ts';
import { createOpampServer } from './server.ts';
import type { OpampConnection, ProtocolErrorInfo } from './server.ts';
import { frameWsPayload } from './framing.ts';
import { ServerCapability } from './capabilities.ts';
import { configHash } from './config-hash.ts';
import { startTestOpampServer } from './testing/test-server.ts';
import { openRawWs } from './testing/raw-ws.ts';
import { deeplyNestedHealth, goodFrame } from './testing/frames.ts';
import { uuidFromBytes } from './uuid.ts';

const uidA = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const uidB = Uint8Array.from({ length: 16 }, (_, i) => 0xb0 + i);

async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

test('WebSocket round trip: status in, remote config out, server push, ack, disconnect and close', async (t) => {
  const received: AgentToServer[] = [];
  const connected: OpampConnection<{ tenant: string }>[] = [];
  const closed: Array<{ code?: number }> = [];
  const files = { '': { body: 'receivers: {}' } };
  const srv = await startTestOpampServer<{ tenant: string }>({
    admit: (req) => ({ ok: true, context: { tenant: String(req.headers['x-tenant']) } }),
    serverCapabilities: ServerCapability.AcceptsStatus | ServerCapability.OffersRemoteConfig,
    onConnected: (conn) => connected.push(conn),
    onMessage: (conn, msg) => {
      received.push(msg);
      assert.equal(conn.context.tenant, 'acme');
      if (msg.agentDescription) {
        return create(ServerToAgentSchema, {
          remoteConfig: {
            config: { configMap: { '': { body: new TextEncoder().encode(files[''].body) } } },
            configHash: configHash(files),
          },
        });
      }
      return undefined;
    },
    onClose: (_conn, info) => closed.push(info),
  });
  t.after(() => srv.close());

  const fromServer: ServerToAgent[] = [];
  const client = new OpampClient({
    url: srv.wsUrl,
    instanceUid: uidA,
    headers: { 'x-tenant': 'acme' },
    heartbeatSeconds: 0,
    reconnect: false,
    onMessage: (m) => fromServer.push(m),
  });
  await client.start();
  await until(() => connected.length === 1, 'onConnected');
  assert.equal(connected[0]!.transport, 'websocket');
  assert.equal(connected[0]!.remoteAddress, '127.0.0.1');
  assert.equal(srv.server.connections(), 1);

  await client.send({
    agentDescription: {
      identifyingAttributes: [{ key: 'service.name', value: { value: { case: 'stringValue', value: 'otelcol' } } }],
    },
  });
  await until(() => fromServer.length === 1, 'remote config');
  assert.deepEqual(fromServer[0]!.instanceUid, uidA, 'instance_uid filled in by the server');
  assert.equal(fromServer[0]!.capabilities, 0x3n, 'serverCapabilities filled in');
  assert.deepEqual(fromServer[0]!.remoteConfig?.configHash, configHash(files));
  assert.equal(received[0]!.sequenceNum, 1n);
  assert.equal(received[0]!.capabilities & 1n, 1n, 'ReportsStatus always set');
  assert.deepEqual(connected[0]!.instanceUid, uidA);

  await client.send({
    remoteConfigStatus: {
      status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
      lastRemoteConfigHash: configHash(files),
    },
  });
  await until(() => fromServer.length === 2, 'ack');
  assert.deepEqual(fromServer[1]!.instanceUid, uidA);
  assert.equal(fromServer[1]!.remoteConfig, undefined);
  assert.equal(received[1]!.sequenceNum, 2n);

  await connected[0]!.send(create(ServerToAgentSchema, { flags: 1n }));
  await until(() => fromServer.length === 3, 'server push');
  assert.equal(fromServer[2]!.flags, 1n);
  assert.deepEqual(fromServer[2]!.instanceUid, uidA, 'push gets the connection instance_uid');

  await client.stop();
  await until(() => closed.length === 1, 'onClose');
  assert.ok(received.at(-1)!.agentDisconnect, 'last message carries agent_disconnect');
  assert.equal(closed[0]!.code, 1000);
  assert.equal(srv.server.connections(), 0);
  await assert.rejects(connected[0]!.send(create(ServerToAgentSchema, {})), /closed/);
});

test('admission runs before the upgrade: 401 is a plain HTTP response and no socket opens', async (t) => {
  let messages = 0;
  let connects = 0;
  const srv = await startTestOpampServer({
    admit: (req) =>
      req.headers.authorization === 'Bearer good'
        ? { ok: true, context: {} }
        : { ok: false, status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, message: 'invalid token' },
    onConnected: () => connects++,
    onMessage: () => {
      messages++;
      return undefined;
    },
  });
  t.after(() => srv.close());

  const client = new OpampClient({
    url: srv.wsUrl,
    headers: { Authorization: 'Bearer bad' },
    reconnect: false,
    heartbeatSeconds: 0,
  });
  await assert.rejects(client.start(), (err: unknown) => err instanceof OpampClientError && err.status === 401);

  // What is on the wire: a complete HTTP/1.1 response, then the socket is closed.
  const raw = await new Promise<string>((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => {
      sock.write(
        `GET /v1/opamp HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
  assert.match(raw, /^HTTP\/1\.1 401 Unauthorized\r\n/);
  assert.match(raw, /WWW-Authenticate: Bearer/);
  assert.match(raw, /invalid token/);
  assert.equal(messages, 0);
  assert.equal(connects, 0);

  const good = new OpampClient({
    url: srv.wsUrl,
    headers: { Authorization: 'Bearer good' },
    reconnect: false,
    heartbeatSeconds: 0,
  });
  await good.start();
  await good.stop();
});

test('429 + Retry-After at the upgrade is honoured by the client before it reconnects', async (t) => {
  const attempts: number[] = [];
  const srv = await startTestOpampServer({
    admit: () => {
      attempts.push(Date.now());
      return attempts.length === 1
        ? { ok: false, status: 429, headers: { 'Retry-After': '1' }, message: 'slow down' }
        : { ok: true, context: {} };
    },
  });
  t.after(() => srv.close());
  const errors: OpampClientError[] = [];
  const client = new OpampClient({
    url: srv.wsUrl,
    heartbeatSeconds: 0,
    reconnect: { minDelayMs: 20, maxDelayMs: 50 },
    onError: (e) => errors.push(e as OpampClientError),
  });
  await client.start();
  await client.stop();
  assert.equal(attempts.length, 2);
  assert.equal(errors[0]?.status, 429);
  assert.equal(errors[0]?.retryAfterMs, 1000);
  assert.ok(
    attempts[1]! - attempts[0]! >= 950,
    `reconnected after ${attempts[1]! - attempts[0]!} ms, Retry-After was 1 s`,
  );
});

test(
  'a message over maxMessageBytes closes the socket with 1009, ' + 'also when it only inflates past the limit',
  async (t) => {
    const errors: ProtocolErrorInfo<unknown>[] = [];
    const srv = await startTestOpampServer({ maxMessageBytes: 1024, onProtocolError: (i) => errors.push(i) });
    t.after(() => srv.close());

    const plain = await openRawWs(srv.wsUrl);
    plain.ws.send(new Uint8Array(2048));
    assert.equal((await plain.closed).code, 1009);

    const deflate = await openRawWs(srv.wsUrl, { perMessageDeflate: { threshold: 0 } });
    assert.match(deflate.ws.extensions, /permessage-deflate/, 'compression is negotiable');
    deflate.ws.send(new Uint8Array(64 * 1024)); // compresses to ~100 bytes, inflates to 64 KiB
    assert.equal((await deflate.closed).code, 1009);
    assert.ok(errors.length >= 2);
    assert.equal(errors[0]!.remoteAddress, '127.0.0.1');
  },
);

test('a text frame is refused with close 1003 and reported with the remote address', async (t) => {
  const errors: ProtocolErrorInfo<unknown>[] = [];
  const warnings: Array<{ obj: object; msg: string }> = [];
  const srv = await startTestOpampServer({
    onProtocolError: (i) => errors.push(i),
    logger: { warn: (obj, msg) => warnings.push({ obj, msg }) },
  });
  t.after(() => srv.close());
  const peer = await openRawWs(srv.wsUrl);
  peer.ws.send('hello');
  const { code } = await peer.closed;
  assert.equal(code, 1003);
  assert.match(errors[0]!.reason, /text frame/);
  assert.equal(errors[0]!.transport, 'websocket');
  assert.ok(warnings.some((w) => (w.obj as { remoteAddress?: string }).remoteAddress === '127.0.0.1'));
});

test('bad frames get BAD_REQUEST on the same socket; a second agent keeps being served meanwhile', async (t) => {
  const srv = await startTestOpampServer({ onMessage: () => create(ServerToAgentSchema, { flags: 2n }) });
  t.after(() => srv.close());
  const peer = await openRawWs(srv.wsUrl);
  const other = await openRawWs(srv.wsUrl);

  const hostile: Array<[string, Uint8Array]> = [
    ['random bytes', Uint8Array.from([0, 0xff, 0xfe, 0x01, 0x99, 0x42])],
    ['truncated', goodFrame(uidA).subarray(0, 10)],
    ['non-zero header', Uint8Array.from([0x01, ...goodFrame(uidA).subarray(1)])],
    [
      'missing instance_uid',
      frameWsPayload(toBinary(AgentToServerSchema, create(AgentToServerSchema, { sequenceNum: 1n }))),
    ],
    [
      '15-byte instance_uid',
      frameWsPayload(toBinary(AgentToServerSchema, create(AgentToServerSchema, { instanceUid: uidA.subarray(0, 15) }))),
    ],
    ['recursion bomb', frameWsPayload(deeplyNestedHealth(uidA, 50_000))],
    ['empty frame', new Uint8Array(0)],
  ];
  for (const [name, frame] of hostile) {
    peer.ws.send(frame);
    const reply = await peer.next();
    assert.equal(reply.errorResponse?.type, ServerErrorResponseType.ServerErrorResponseType_BadRequest, name);
    assert.ok(reply.errorResponse.errorMessage.length > 0, name);
    other.ws.send(goodFrame(uidB));
    const ok = await other.next();
    assert.equal(ok.flags, 2n, `other agent served after ${name}`);
    assert.deepEqual(ok.instanceUid, uidB);
  }
  peer.ws.send(goodFrame(uidA));
  assert.equal((await peer.next()).flags, 2n, 'the socket that sent garbage is still served');
  // Legacy frame without header: tolerated.
  peer.ws.send(goodFrame(uidA).subarray(1));
  assert.equal((await peer.next()).flags, 2n);
  assert.equal(peer.ws.readyState, WebSocket.OPEN);
  peer.ws.close();
  other.ws.close();
});

test('messages of one connection are processed strictly in order and every one is answered', async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const srv = await startTestOpampServer({
    wsMaxQueuedMessages: 4,
    onMessage: async (_conn, msg) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await delay(Math.floor(Math.random() * 4));
      inFlight--;
      return create(ServerToAgentSchema, {
        customMessage: { capability: 'test', type: 'seq', data: new TextEncoder().encode(String(msg.sequenceNum)) },
      });
    },
  });
  t.after(() => srv.close());
  const seqs: string[] = [];
  const client = new OpampClient({
    url: srv.wsUrl,
    heartbeatSeconds: 0,
    reconnect: false,
    onMessage: (m) => seqs.push(new TextDecoder().decode(m.customMessage?.data)),
  });
  await client.start();
  const n = 200;
  await Promise.all(Array.from({ length: n }, () => client.send({})));
  await until(() => seqs.length === n, `${n} replies`);
  assert.deepEqual(
    seqs,
    Array.from({ length: n }, (_, i) => String(i + 1)),
  );
  assert.equal(maxInFlight, 1);
  await client.stop();
});

test('a throwing callback is answered with UNAVAILABLE and logged; the socket stays usable', async (t) => {
  const warnings: string[] = [];
  let calls = 0;
  const srv = await startTestOpampServer({
    logger: { warn: (_o, msg) => warnings.push(msg) },
    onMessage: () => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return undefined;
    },
  });
  t.after(() => srv.close());
  const peer = await openRawWs(srv.wsUrl);
  peer.ws.send(goodFrame(uidA));
  const first = await peer.next();
  assert.equal(first.errorResponse?.type, ServerErrorResponseType.ServerErrorResponseType_Unavailable);
  assert.doesNotMatch(first.errorResponse.errorMessage, /database/, 'internal error text is not leaked');
  assert.ok(warnings.some((w) => /onMessage threw/.test(w)));
  peer.ws.send(goodFrame(uidA, 1n));
  assert.deepEqual((await peer.next()).instanceUid, uidA);
  peer.ws.close();
});

test(
  'transport selection and mounting: 400 for GET, ' + '415 for a wrong content type, other paths left alone',
  async (t) => {
    const opamp = createOpampServer({
      admit: () => ({ ok: true, context: {} }),
      onMessage: () => undefined,
      wsPingIntervalMs: 0,
    });
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('app');
    });
    server.on('upgrade', (_req, socket) => {
      socket.end("HTTP/1.1 418 I'm a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
    opamp.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    t.after(async () => {
      await opamp.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    assert.equal(server.keepAliveTimeout, 65_000);

    const get = await fetch(`http://127.0.0.1:${port}/v1/opamp`);
    assert.equal(get.status, 400);
    assert.match(await get.text(), /POST application\/x-protobuf or upgrade to WebSocket/);
    const wrongType = await fetch(`http://127.0.0.1:${port}/v1/opamp?x=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(wrongType.status, 415);
    assert.match(await wrongType.text(), /application\/x-protobuf/);
    const other = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(await other.text(), 'app', 'the existing request handler still serves other paths');

    const teapot = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`);
    teapot.on('error', () => {});
    const status = await new Promise<number>((resolve) =>
      teapot.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    assert.equal(status, 418, 'the existing upgrade listener still gets other paths');
    teapot.terminate();

    const client = new OpampClient({ url: `ws://127.0.0.1:${port}/v1/opamp`, heartbeatSeconds: 0, reconnect: false });
    await client.start();
    assert.equal(opamp.connections(), 1);
    await client.stop();
  },
);

test('close() sends 1001 to connected agents, which reconnect when the server is back', async () => {
  const first = await startTestOpampServer();
  const port = first.port;
  const disconnects: number[] = [];
  let connects = 0;
  const client = new OpampClient({
    url: first.wsUrl,
    heartbeatSeconds: 0,
    reconnect: { minDelayMs: 50, maxDelayMs: 100 },
    onConnect: () => connects++,
    onDisconnect: (i) => disconnects.push(i.code),
  });
  await client.start();
  await first.close();
  await until(() => disconnects.length === 1, 'disconnect');
  assert.equal(disconnects[0], 1001);
  const seen: string[] = [];
  const second = createOpampServer({
    admit: () => ({ ok: true, context: {} }),
    onMessage: (_c, m) => (seen.push(uuidFromBytes(m.instanceUid)), undefined),
    wsPingIntervalMs: 0,
  });
  const listener = await second.listen(port, '127.0.0.1');
  try {
    await until(() => connects === 2, 'reconnect', 10_000);
    await client.send({});
    await until(() => seen.length === 1, 'message after reconnect');
    assert.equal(seen[0], uuidFromBytes(client.instanceUid));
  } finally {
    await client.stop();
    await listener.close();
  }
});

test('ping/pong keepalive terminates a peer that stops answering pings; live peers stay', async (t) => {
  const closes: Array<number | undefined> = [];
  const srv = await startTestOpampServer({ wsPingIntervalMs: 100, onClose: (_c, i) => closes.push(i.code) });
  t.after(() => srv.close());
  const dead = await openRawWs(srv.wsUrl, { autoPong: false });
  const alive = await openRawWs(srv.wsUrl);
  const { code } = await dead.closed;
  assert.equal(code, 1006, 'terminated without a close handshake');
  await until(() => closes.length === 1, 'onClose for the dead peer');
  await delay(250);
  assert.equal(alive.ws.readyState, WebSocket.OPEN);
  assert.equal(srv.server.connections(), 1);
  alive.ws.close();
});

test('a reply object shared between agents is not modified; each agent gets its own instance_uid', async (t) => {
  const shared = create(ServerToAgentSchema, { flags: 1n });
  const srv = await startTestOpampServer({
    serverCapabilities: ServerCapability.AcceptsStatus,
    onMessage: () => shared,
  });
  t.after(() => srv.close());
  const a = await openRawWs(srv.wsUrl);
  const b = await openRawWs(srv.wsUrl);
  a.ws.send(goodFrame(uidA));
  b.ws.send(goodFrame(uidB));
  const [ra, rb] = [await a.next(), await b.next()];
  assert.deepEqual(ra.instanceUid, uidA);
  assert.deepEqual(rb.instanceUid, uidB);
  assert.equal(ra.capabilities, 1n);
  assert.equal(shared.instanceUid.length, 0);
  assert.equal(shared.capabilities, 0n);
  a.ws.close();
  b.ws.close();
});

test(
  'probe(): a live peer answers the ping (true); ' + 'a half-open one does not (false), nor a closed socket',
  async (t) => {
    const conns: OpampConnection<unknown>[] = [];
    const srv = await startTestOpampServer({ wsPingIntervalMs: 0, onConnected: (c) => conns.push(c) });
    t.after(() => srv.close());
    const alive = await openRawWs(srv.wsUrl);
    await until(() => conns.length === 1, 'first connection');
    const dead = await openRawWs(srv.wsUrl, { autoPong: false });
    await until(() => conns.length === 2, 'second connection');
    assert.equal(await conns[0]!.probe(2000), true);
    assert.equal(await conns[1]!.probe(300), false);
    alive.ws.close();
    await alive.closed;
    await delay(50);
    assert.equal(await conns[0]!.probe(2000), false);
    dead.ws.terminate();
  },
);
