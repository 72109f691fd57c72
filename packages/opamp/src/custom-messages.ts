// OpAMP custom capabilities and custom messages (spec: "Custom Messages"). An agent announces the
// reverse-FQDN capabilities it supports in AgentToServer.custom_capabilities (first message, and whenever
// they change); either side then exchanges CustomMessage {capability, type, data} for them. A sender must
// not use a capability the other side did not announce. Only the protocol lives here: what a capability's
// messages mean belongs to the application.
import { create } from '@bufbuild/protobuf';
import { CustomCapabilitiesSchema, CustomMessageSchema } from './gen/opamp/v1/opamp_pb.ts';
import type { AgentToServer, CustomCapabilities, CustomMessage } from './gen/opamp/v1/opamp_pb.ts';

/** Reverse-FQDN, as the spec asks (`io.opentelemetry.pprof`, `io.flowgate.measure`): letters, digits, . _ - */
export const CUSTOM_CAPABILITY_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;

/** Most capabilities one agent may announce; more is a broken or hostile agent. */
export const MAX_CUSTOM_CAPABILITIES = 64;

export function customCapabilities(capabilities: readonly string[]): CustomCapabilities {
  return create(CustomCapabilitiesSchema, { capabilities: [...capabilities] });
}

export function customMessage(capability: string, type: string, data: Uint8Array): CustomMessage {
  return create(CustomMessageSchema, { capability, type, data });
}

/**
 * The custom capabilities an AgentToServer announces, well-formed ones only, sorted and without
 * duplicates; undefined when the message does not carry the field (the agent's set is unchanged).
 */
export function announcedCustomCapabilities(msg: Pick<AgentToServer, 'customCapabilities'>): string[] | undefined {
  if (!msg.customCapabilities) return undefined;
  const valid = msg.customCapabilities.capabilities.filter((c) => c.length <= 255 && CUSTOM_CAPABILITY_RE.test(c));
  return [...new Set(valid)].sort().slice(0, MAX_CUSTOM_CAPABILITIES);
}
