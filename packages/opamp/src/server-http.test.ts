import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { gzipSync, gunzipSync } from 'node:zlib';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AgentToServerSchema, ServerErrorResponseType, ServerToAgentSchema } from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer, ServerToAgent } from './gen/opamp/v1/opamp_pb.ts';
import { OpampClient, OpampClientError } from './client.ts';
import type { OpampConnection } from './server.ts';
import { startTestOpampServer } from './testing/test-server.ts';
import { uuidFromBytes } from './uuid.ts';

const uid = Uint8Array.from({ length: 16 }, (_, i) => 0xc0 + i);
const goodBody = (): Uint8Array =>
  toBinary(AgentToServerSchema, create(AgentToServerSchema, { instanceUid: uid, capabilities: 1n }));

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  socketPort?: number;
}

function post(
  url: string,
  body: Uint8Array | string,
  headers: Record<string, string | number> = {},
  agent?: http.Agent,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', ...headers },
      agent: agent ?? false,
    });
    let socketPort: number | undefined;
    req.on('socket', (s) => s.once('connect', () => (socketPort = s.localPort)));
    req.on('error', reject);
    req.on('response', (res) => {
      socketPort ??= res.socket.localPort;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), socketPort }),
      );
    });
    req.end(body);
  });
}

const decodeReply = (r: RawReply): ServerToAgent => {
  const buf = r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;
  return fromBinary(ServerToAgentSchema, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
};

test('HTTP round trip with the client: polls, replies, send(), keep-alive reuse, no onConnected/onClose', async (t) => {
  const got: AgentToServer[] = [];
  const conns: OpampConnection<unknown>[] = [];
  let connectedCalls = 0;
  let closeCalls = 0;
  const srv = await startTestOpampServer({
    onConnected: () => connectedCalls++,
    onClose: () => closeCalls++,
    onMessage: async (conn, msg) => {
      got.push(msg);
      conns.push(conn);
      await assert.rejects(conn.send(create(ServerToAgentSchema, {})), /onMessage/);
      return msg.agentDescription ? create(ServerToAgentSchema, { flags: 1n }) : undefined;
    },
  });
  t.after(() => srv.close());
  const replies: ServerToAgent[] = [];
  const client = new OpampClient({
    url: srv.httpUrl,
    instanceUid: uid,
    heartbeatSeconds: 0.2,
    reconnect: false,
    onMessage: (m) => replies.push(m),
  });
  await client.start(); // first poll
  const reply = await client.send({
    agentDescription: {
      nonIdentifyingAttributes: [{ key: 'host.name', value: { value: { case: 'stringValue', value: 'h1' } } }],
    },
  });
  assert.equal(reply?.flags, 1n);
  await new Promise((r) => setTimeout(r, 450)); // ~2 polls at 200 ms
  await client.stop();
  assert.ok(got.length >= 4, `polls seen: ${got.length}`);
  assert.deepEqual(
    got.map((m) => m.sequenceNum),
    got.map((_, i) => BigInt(i + 1)),
  );
  assert.ok(got.at(-1)!.agentDisconnect, 'stop() sends agent_disconnect over HTTP too');
  assert.ok(
    got.slice(2, -1).every((m) => m.agentDescription === undefined),
    'polls carry only instance_uid (+caps, seq)',
  );
  assert.deepEqual(replies[0]!.instanceUid, uid, 'ack carries instance_uid');
  assert.equal(conns[0]!.transport, 'http');
  assert.equal(conns[0]!.remoteAddress, '127.0.0.1');
  assert.equal(connectedCalls, 0);
  assert.equal(closeCalls, 0);
  assert.equal(srv.server.connections(), 0, 'HTTP agents are not counted as connections');
});

test('keep-alive: one TCP connection carries many polls; server keep-alive outlasts a 30 s poller', async (t) => {
  const srv = await startTestOpampServer();
  t.after(() => srv.close());
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const ports = new Set<number | undefined>();
  for (let i = 0; i < 5; i++) {
    const r = await post(srv.httpUrl, goodBody(), {}, agent);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['keep-alive'] ?? ''), /timeout=65/);
    ports.add(r.socketPort);
  }
  assert.equal(ports.size, 1);
});

test('admission runs before the body is read: 401 arrives although the body never does', async (t) => {
  let messages = 0;
  const srv = await startTestOpampServer({
    admit: (req) =>
      req.headers.authorization === 'Bearer ok'
        ? { ok: true, context: {} }
        : { ok: false, status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
    onMessage: () => {
      messages++;
      return undefined;
    },
  });
  t.after(() => srv.close());
  const raw = await new Promise<string>((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1', () => {
      // Promise 1000 bytes, send none.
      sock.write(
        'POST /v1/opamp HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n',
      );
    });
    let data = '';
    sock.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n\r\n')) {
        sock.destroy();
        resolve(data);
      }
    });
    sock.on('error', reject);
  });
  assert.match(raw, /^HTTP\/1\.1 401 /);
  assert.match(raw, /WWW-Authenticate: Bearer/);

  const client = new OpampClient({ url: srv.httpUrl, headers: { Authorization: 'Bearer nope' }, reconnect: false });
  await assert.rejects(client.start(), (e: unknown) => e instanceof OpampClientError && e.status === 401);
  assert.equal(messages, 0);
});

test('429 + Retry-After on a POST is honoured by the HTTP client', async (t) => {
  const attempts: number[] = [];
  const srv = await startTestOpampServer({
    admit: () => {
      attempts.push(Date.now());
      return attempts.length === 1
        ? { ok: false, status: 429, headers: { 'Retry-After': '1' }, message: 'too many agents' }
        : { ok: true, context: {} };
    },
  });
  t.after(() => srv.close());
  const errors: OpampClientError[] = [];
  const client = new OpampClient({
    url: srv.httpUrl,
    heartbeatSeconds: 30,
    reconnect: { minDelayMs: 10, maxDelayMs: 20 },
    onError: (e) => errors.push(e as OpampClientError),
  });
  await client.start();
  await client.stop();
  assert.equal(errors[0]?.status, 429);
  assert.match(errors[0]!.message, /too many agents/);
  assert.ok(attempts[1]! - attempts[0]! >= 950, `retried after ${attempts[1]! - attempts[0]!} ms`);
});

test('size limit: 413 from Content-Length, from a chunked body, and from a gzip bomb', async (t) => {
  let messages = 0;
  const srv = await startTestOpampServer({
    maxMessageBytes: 4096,
    onMessage: () => {
      messages++;
      return undefined;
    },
  });
  t.after(() => srv.close());
  const declared = await post(srv.httpUrl, new Uint8Array(5000));
  assert.equal(declared.status, 413);
  assert.equal(declared.headers.connection, 'close');

  const chunked = await new Promise<number>((resolve, reject) => {
    const req = http.request(srv.httpUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Transfer-Encoding': 'chunked' },
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write(new Uint8Array(1000));
    req.end();
  });
  assert.equal(chunked, 413);

  const bomb = gzipSync(new Uint8Array(1024 * 1024)); // ~1 KiB on the wire, 1 MiB inflated
  assert.ok(bomb.length < 4096);
  const r = await post(srv.httpUrl, bomb, { 'Content-Encoding': 'gzip' });
  assert.equal(r.status, 413);
  assert.match(r.body.toString(), /decompressed/);
  assert.equal(messages, 0);
});

test('gzip: gzipped requests are accepted; replies are gzipped only when the agent accepts gzip', async (t) => {
  const big = new TextEncoder().encode('x'.repeat(5000));
  const srv = await startTestOpampServer({
    onMessage: () => create(ServerToAgentSchema, { remoteConfig: { config: { configMap: { '': { body: big } } } } }),
  });
  t.after(() => srv.close());

  const zipped = await post(srv.httpUrl, gzipSync(goodBody()), {
    'Content-Encoding': 'gzip',
    'Accept-Encoding': 'gzip',
  });
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers['content-type'], 'application/x-protobuf');
  assert.ok(zipped.body.length < 1000, 'reply is compressed');
  assert.deepEqual(decodeReply(zipped).remoteConfig?.config?.configMap['']?.body, big);

  const plain = await post(srv.httpUrl, goodBody());
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(decodeReply(plain).instanceUid, uid);

  const client = new OpampClient({ url: srv.httpUrl, gzipRequests: true, reconnect: false, heartbeatSeconds: 0 });
  await client.start();
  const viaClient = await client.send({});
  assert.deepEqual(viaClient?.remoteConfig?.config?.configMap['']?.body, big);
  await client.stop();
});

test(
  'bad bodies: 400 with an error_response; wrong content type 415; ' + 'unknown encoding 415; server keeps serving',
  async (t) => {
    const seen: string[] = [];
    const srv = await startTestOpampServer({
      onMessage: (_c, m) => (seen.push(uuidFromBytes(m.instanceUid)), undefined),
    });
    t.after(() => srv.close());
    const cases: Array<[string, Uint8Array]> = [
      ['garbage', Uint8Array.from([0xff, 0xff, 0xff, 0xff])],
      ['truncated', goodBody().subarray(0, 5)],
      ['no instance_uid', toBinary(AgentToServerSchema, create(AgentToServerSchema, { sequenceNum: 3n }))],
      [
        '15-byte instance_uid',
        toBinary(AgentToServerSchema, create(AgentToServerSchema, { instanceUid: uid.subarray(1) })),
      ],
      ['WS header on HTTP', Uint8Array.from([0x01, ...goodBody()])],
    ];
    for (const [name, body] of cases) {
      const r = await post(srv.httpUrl, body);
      assert.equal(r.status, 400, name);
      assert.equal(r.headers['content-type'], 'application/x-protobuf', name);
      assert.equal(
        decodeReply(r).errorResponse?.type,
        ServerErrorResponseType.ServerErrorResponseType_BadRequest,
        name,
      );
    }
    const badGzip = await post(srv.httpUrl, Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), { 'Content-Encoding': 'gzip' });
    assert.equal(badGzip.status, 400);
    const json = await post(srv.httpUrl, '{}', { 'Content-Type': 'application/json' });
    assert.equal(json.status, 415);
    const br = await post(srv.httpUrl, goodBody(), { 'Content-Encoding': 'br' });
    assert.equal(br.status, 415);
    assert.equal(
      (await post(srv.httpUrl, goodBody(), { 'Content-Type': 'application/x-protobuf; charset=binary' })).status,
      200,
    );
    assert.deepEqual(seen, [uuidFromBytes(uid)], 'only the well-formed request reached onMessage');
  },
);

test('a throwing callback over HTTP: 500 with an UNAVAILABLE error_response', async (t) => {
  const srv = await startTestOpampServer({
    onMessage: () => {
      throw new Error('boom');
    },
  });
  t.after(() => srv.close());
  const r = await post(srv.httpUrl, goodBody());
  assert.equal(r.status, 500);
  assert.equal(decodeReply(r).errorResponse?.type, ServerErrorResponseType.ServerErrorResponseType_Unavailable);
});
