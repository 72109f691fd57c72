// Hand-built hostile frames for tests.
import { create, toBinary } from '@bufbuild/protobuf';
import { AgentToServerSchema } from '../gen/opamp/v1/opamp_pb.ts';
import { frameWsPayload } from '../framing.ts';

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/**
 * An AgentToServer (protobuf only, no WS header) whose health is a ComponentHealth nested
 * `depth` levels deep through component_health_map — a recursion bomb for naive decoders.
 */
export function deeplyNestedHealth(instanceUid: Uint8Array, depth: number): Uint8Array {
  // len[i] = encoded size of the ComponentHealth at nesting level i (0 = innermost, empty).
  const len = new Array<number>(depth + 1);
  len[0] = 0;
  for (let i = 1; i <= depth; i++) {
    const entry = 2 + 1 + varintLength(len[i - 1]!) + len[i - 1]!; // key "" + value tag/len/body
    len[i] = 1 + varintLength(entry) + entry;
  }
  const total = 2 + instanceUid.length + 1 + varintLength(len[depth]!) + len[depth]!;
  const buf = new Uint8Array(total);
  let pos = 0;
  buf[pos++] = 0x0a; // AgentToServer.instance_uid
  buf[pos++] = instanceUid.length;
  buf.set(instanceUid, pos);
  pos += instanceUid.length;
  buf[pos++] = 0x2a; // AgentToServer.health
  pos = writeVarint(buf, pos, len[depth]!);
  for (let i = depth; i >= 1; i--) {
    const child = len[i - 1]!;
    buf[pos++] = 0x32; // ComponentHealth.component_health_map entry
    pos = writeVarint(buf, pos, 2 + 1 + varintLength(child) + child);
    buf[pos++] = 0x0a; // key ""
    buf[pos++] = 0x00;
    buf[pos++] = 0x12; // value
    pos = writeVarint(buf, pos, child);
  }
  return buf;
}

/** A well-formed AgentToServer WS frame. */
export function goodFrame(instanceUid: Uint8Array, sequenceNum = 0n): Uint8Array {
  return frameWsPayload(
    toBinary(AgentToServerSchema, create(AgentToServerSchema, { instanceUid, sequenceNum, capabilities: 1n })),
  );
}
