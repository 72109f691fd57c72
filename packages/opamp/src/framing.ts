// OpAMP message encoding on the wire.
//
// WebSocket: every binary message is varint(header) + protobuf, and the header is always 0
// today, so in practice a frame is 0x00 followed by the encoded message. Plain HTTP bodies
// carry the bare protobuf without any header.
//
// Decoding follows opamp-go: a frame starting with 0x00 has a header; a frame starting with
// anything else is first tried as a legacy (pre-header, pre-2023) frame that is nothing but
// protobuf. Only when that fails and the frame starts with a well-formed non-zero varint do we
// call it a "non-zero header" (which the spec says decoders should reject). The two readings
// are ambiguous for some byte strings; preferring the legacy reading is what opamp-go does.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { AgentToServerSchema, ServerToAgentSchema } from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer, ServerToAgent } from './gen/opamp/v1/opamp_pb.ts';

/** The only WebSocket message header value defined by the spec. */
export const WS_HEADER_NONE = 0;

/** Length in bytes of an OpAMP instance_uid. */
export const INSTANCE_UID_LENGTH = 16;

/** A frame or body that cannot be turned into an OpAMP message. `reason` is safe to show to the peer. */
export class OpampDecodeError extends Error {
  override readonly name = 'OpampDecodeError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

const binaryReadOptions = { readUnknownFields: false } as const;

/** Prefixes encoded protobuf bytes with the 0x00 WebSocket header. */
export function frameWsPayload(protobuf: Uint8Array): Uint8Array {
  const frame = new Uint8Array(protobuf.length + 1);
  frame[0] = WS_HEADER_NONE;
  frame.set(protobuf, 1);
  return frame;
}

/** Encodes a message as a WebSocket frame (0x00 header + protobuf). */
export function encodeWsFrame<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  return frameWsPayload(toBinary(schema, message));
}

/**
 * Reads a varint at the start of `bytes`. Returns undefined when the bytes do not start with
 * a complete varint of at most 10 bytes.
 */
export function readVarint(bytes: Uint8Array): { value: bigint; length: number } | undefined {
  let value = 0n;
  for (let i = 0; i < Math.min(bytes.length, 10); i++) {
    const b = bytes[i]!;
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return { value, length: i + 1 };
  }
  return undefined;
}

function parse<Desc extends DescMessage>(schema: Desc, body: Uint8Array): MessageShape<Desc> | Error {
  try {
    return fromBinary(schema, body, binaryReadOptions);
  } catch (err) {
    // Includes RangeError from absurdly deep nesting: a peer must never crash us.
    return err instanceof Error ? err : new Error(String(err));
  }
}

export interface DecodedFrame<T> {
  message: T;
  /** True when the frame had no header (pre-2023 peers). */
  legacy: boolean;
}

/** Decodes a WebSocket frame into a message of `schema`. Throws OpampDecodeError. */
export function decodeWsFrame<Desc extends DescMessage>(
  schema: Desc,
  frame: Uint8Array,
): DecodedFrame<MessageShape<Desc>> {
  if (frame.length > 0 && frame[0] === WS_HEADER_NONE) {
    const parsed = parse(schema, frame.subarray(1));
    if (parsed instanceof Error)
      throw new OpampDecodeError(`undecodable protobuf after header: ${parsed.message}`, { cause: parsed });
    return { message: parsed, legacy: false };
  }
  const legacy = parse(schema, frame);
  if (!(legacy instanceof Error)) return { message: legacy, legacy: true };
  const header = readVarint(frame);
  if (header !== undefined && header.value !== 0n) {
    throw new OpampDecodeError(`unsupported WebSocket message header ${header.value} (only 0 is defined)`);
  }
  throw new OpampDecodeError(`undecodable frame: ${legacy.message}`, { cause: legacy });
}

/** Decodes a plain-HTTP body (bare protobuf). Throws OpampDecodeError. */
export function decodeHttpBody<Desc extends DescMessage>(schema: Desc, body: Uint8Array): MessageShape<Desc> {
  const parsed = parse(schema, body);
  if (parsed instanceof Error)
    throw new OpampDecodeError(`undecodable protobuf body: ${parsed.message}`, { cause: parsed });
  return parsed;
}

/**
 * Checks the parts of an AgentToServer that the transport itself depends on.
 * Returns a reason when the message must be answered with BAD_REQUEST.
 */
export function agentToServerProblem(msg: AgentToServer): string | undefined {
  if (msg.instanceUid.length === 0) return 'instance_uid is missing';
  if (msg.instanceUid.length !== INSTANCE_UID_LENGTH) {
    return `instance_uid must be ${INSTANCE_UID_LENGTH} bytes, got ${msg.instanceUid.length}`;
  }
  return undefined;
}

export const decodeAgentToServerFrame = (frame: Uint8Array): DecodedFrame<AgentToServer> =>
  decodeWsFrame(AgentToServerSchema, frame);
export const decodeServerToAgentFrame = (frame: Uint8Array): DecodedFrame<ServerToAgent> =>
  decodeWsFrame(ServerToAgentSchema, frame);
export const encodeAgentToServerFrame = (msg: AgentToServer): Uint8Array => encodeWsFrame(AgentToServerSchema, msg);
export const encodeServerToAgentFrame = (msg: ServerToAgent): Uint8Array => encodeWsFrame(ServerToAgentSchema, msg);
