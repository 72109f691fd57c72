// @flowgate/opamp — the OpAMP protocol for Flowgate: schema, framing, server transport and a
// lean agent-side client. Knows nothing of orgs, gateways or databases.
export * from './gen/opamp/v1/opamp_pb.ts';
export * from './gen/opamp/v1/anyvalue_pb.ts';
export { create, toBinary, fromBinary, clone, equals, isMessage } from '@bufbuild/protobuf';
export type { MessageInitShape } from '@bufbuild/protobuf';

export {
  WS_HEADER_NONE,
  INSTANCE_UID_LENGTH,
  OpampDecodeError,
  frameWsPayload,
  encodeWsFrame,
  decodeWsFrame,
  decodeHttpBody,
  readVarint,
  agentToServerProblem,
  decodeAgentToServerFrame,
  decodeServerToAgentFrame,
  encodeAgentToServerFrame,
  encodeServerToAgentFrame,
} from './framing.ts';
export type { DecodedFrame } from './framing.ts';

export {
  createOpampServer,
  acceptsGzip,
  OPAMP_DEFAULT_PATH,
  OPAMP_DEFAULT_PORT,
  OPAMP_CONTENT_TYPE,
  OPAMP_INSTANCE_UID_HEADER,
} from './server.ts';
export type {
  Admission,
  OpampConnection,
  OpampLogger,
  OpampServer,
  OpampServerOptions,
  OpampTransport,
  ProtocolErrorInfo,
} from './server.ts';

export { OpampClient, OpampClientError, parseRetryAfter } from './client.ts';
export type { OpampClientOptions, AgentToServerInit } from './client.ts';

export { uuidFromBytes, bytesFromUuid, newInstanceUid } from './uuid.ts';
export { configHash } from './config-hash.ts';
export type { ConfigFiles } from './config-hash.ts';
export {
  AgentCapability,
  ServerCapability,
  ServerToAgentFlag,
  AgentToServerFlag,
  bitmask,
  hasBits,
  agentCapabilityNames,
  serverCapabilityNames,
} from './capabilities.ts';
export {
  customCapabilities,
  customMessage,
  announcedCustomCapabilities,
  CUSTOM_CAPABILITY_RE,
  MAX_CUSTOM_CAPABILITIES,
} from './custom-messages.ts';
