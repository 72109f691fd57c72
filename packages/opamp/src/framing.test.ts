import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create, toBinary } from '@bufbuild/protobuf';
import { AgentToServerSchema, ServerToAgentSchema } from './gen/opamp/v1/opamp_pb.ts';
import {
  OpampDecodeError,
  agentToServerProblem,
  decodeAgentToServerFrame,
  decodeWsFrame,
  encodeServerToAgentFrame,
  readVarint,
} from './framing.ts';
import { bytesFromUuid, newInstanceUid, uuidFromBytes } from './uuid.ts';
import { configHash } from './config-hash.ts';
import { acceptsGzip } from './server.ts';
import { parseRetryAfter } from './client.ts';
import { AgentCapability, agentCapabilityNames, bitmask, hasBits } from './capabilities.ts';
import { AgentCapabilities, AgentConfigMapSchema } from './gen/opamp/v1/opamp_pb.ts';

const uid = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const sample = create(AgentToServerSchema, {
  instanceUid: uid,
  sequenceNum: 7n,
  capabilities: 0x1n,
  agentDescription: {
    identifyingAttributes: [{ key: 'service.name', value: { value: { case: 'stringValue', value: 'gw' } } }],
  },
});
const body = toBinary(AgentToServerSchema, sample);

test('frames start with a 0x00 header followed by the protobuf', () => {
  const frame = encodeServerToAgentFrame(create(ServerToAgentSchema, { instanceUid: uid, capabilities: 3n }));
  assert.equal(frame[0], 0);
  assert.deepEqual(decodeWsFrame(ServerToAgentSchema, frame).message.capabilities, 3n);
});

test('a frame with the 0x00 header decodes and is not legacy', () => {
  const frame = Uint8Array.from([0, ...body]);
  const { message, legacy } = decodeAgentToServerFrame(frame);
  assert.equal(legacy, false);
  assert.equal(message.sequenceNum, 7n);
  assert.deepEqual(message.instanceUid, uid);
});

test('a header-only frame is a legal empty message', () => {
  const { message } = decodeAgentToServerFrame(Uint8Array.from([0]));
  assert.equal(message.instanceUid.length, 0);
  assert.equal(agentToServerProblem(message), 'instance_uid is missing');
});

test('a legacy frame without header is tolerated (opamp-go behaviour)', () => {
  const { message, legacy } = decodeAgentToServerFrame(body);
  assert.equal(legacy, true);
  assert.equal(message.sequenceNum, 7n);
});

test('a non-zero varint header is rejected, single- and multi-byte', () => {
  for (const header of [[0x01], [0x05], [0x80, 0x01], [0xff, 0x7f]]) {
    assert.throws(
      () => decodeAgentToServerFrame(Uint8Array.from([...header, ...body])),
      (err: unknown) => {
        assert.ok(err instanceof OpampDecodeError);
        assert.match(err.reason, /unsupported WebSocket message header/);
        return true;
      },
      `header ${header.join(',')}`,
    );
  }
});

test('garbage and truncated frames fail with OpampDecodeError, never anything else', () => {
  const bad = [
    Uint8Array.from([0, 0x0a, 0x10, 1, 2]),
    Uint8Array.from([0, 0xff, 0xff, 0xff]),
    body.subarray(0, body.length - 3),
    Uint8Array.from([0x80]),
  ];
  for (const frame of bad) assert.throws(() => decodeAgentToServerFrame(frame), OpampDecodeError);
});

test('readVarint reads up to 10 bytes and refuses unterminated ones', () => {
  assert.deepEqual(readVarint(Uint8Array.from([0x96, 0x01])), { value: 150n, length: 2 });
  assert.equal(readVarint(Uint8Array.from([0x80, 0x80])), undefined);
  assert.equal(readVarint(new Uint8Array(11).fill(0x80)), undefined);
});

test('instance_uid must be exactly 16 bytes', () => {
  assert.equal(agentToServerProblem(create(AgentToServerSchema, { instanceUid: uid })), undefined);
  assert.match(
    agentToServerProblem(create(AgentToServerSchema, { instanceUid: uid.subarray(0, 15) })) ?? '',
    /16 bytes, got 15/,
  );
  assert.match(agentToServerProblem(create(AgentToServerSchema, { instanceUid: new Uint8Array(26) })) ?? '', /got 26/);
});

test('UUID text and bytes convert both ways; UUIDv7 has version and variant bits', () => {
  const text = uuidFromBytes(uid);
  assert.equal(text, '01020304-0506-0708-090a-0b0c0d0e0f10');
  assert.deepEqual(bytesFromUuid(text), uid);
  assert.deepEqual(bytesFromUuid(text.replaceAll('-', '').toUpperCase()), uid);
  assert.throws(() => bytesFromUuid('not-a-uuid'));
  assert.throws(() => uuidFromBytes(new Uint8Array(15)));
  const v7 = newInstanceUid(0x0123456789ab);
  assert.equal(v7[6]! >> 4, 7);
  assert.equal(v7[8]! >> 6, 2);
  assert.equal(uuidFromBytes(v7).slice(0, 13), '01234567-89ab');
});

test('configHash: independent of insertion order, sensitive to names/bodies, unambiguous', () => {
  const a = configHash({ 'a.yaml': { body: 'x: 1' }, 'b.yaml': { body: 'y: 2' } });
  const b = configHash({ 'b.yaml': { body: 'y: 2' }, 'a.yaml': { body: new TextEncoder().encode('x: 1') } });
  assert.deepEqual(a, b);
  assert.equal(a.length, 32);
  assert.notDeepEqual(configHash({ a: { body: 'bc' } }), configHash({ ab: { body: 'c' } }));
  assert.notDeepEqual(
    configHash({ a: { body: '' }, b: { body: '' } }),
    configHash({ a: { body: '\0\0\0\0\0\0\0\x01b' } }),
  );
  assert.notDeepEqual(configHash({ '': { body: 'x: 1' } }), configHash({ '': { body: 'x: 2' } }));
  const msg = create(AgentConfigMapSchema, {
    configMap: {
      'a.yaml': { body: new TextEncoder().encode('x: 1'), contentType: 'text/yaml' },
      'b.yaml': { body: new TextEncoder().encode('y: 2') },
    },
  });
  assert.deepEqual(configHash(msg), a);
});

test('Accept-Encoding and Retry-After parsing', () => {
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('deflate, gzip;q=0.5'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('br'), false);
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(parseRetryAfter('30'), 30_000);
  assert.equal(parseRetryAfter(undefined), undefined);
  const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
  const ms = parseRetryAfter(inTwoMinutes)!;
  assert.ok(ms > 110_000 && ms <= 120_000, String(ms));
});

test('capability helpers agree with the schema enums', () => {
  const mask = bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus, AgentCapability.ReportsHeartbeat);
  assert.equal(mask, 0x2001n);
  assert.equal(hasBits(mask, AgentCapabilities.AgentCapabilities_ReportsHeartbeat), true);
  assert.equal(hasBits(mask, AgentCapability.AcceptsRemoteConfig), false);
  assert.deepEqual(agentCapabilityNames(mask), ['ReportsStatus', 'ReportsHeartbeat']);
  for (const [name, value] of Object.entries(AgentCapability)) {
    assert.equal(
      BigInt((AgentCapabilities as unknown as Record<string, number>)[`AgentCapabilities_${name}`]!),
      value,
      name,
    );
  }
});
