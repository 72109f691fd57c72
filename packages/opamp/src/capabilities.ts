// Capability and flag bitmasks. The wire fields are uint64 (bigint in protobuf-es); the enums
// from the schema are numbers. These helpers bridge the two without sprinkling BigInt() around.
import { AgentCapabilities, ServerCapabilities } from './gen/opamp/v1/opamp_pb.ts';

/** ORs capability/flag bits (enum members or numbers) into a uint64 mask. */
export function bitmask(...bits: Array<number | bigint>): bigint {
  let mask = 0n;
  for (const bit of bits) mask |= BigInt(bit);
  return mask;
}

/** True when every bit of `bit` is set in `mask`. */
export function hasBits(mask: bigint, bit: number | bigint): boolean {
  const b = BigInt(bit);
  return b !== 0n && (mask & b) === b;
}

function namesOf(mask: bigint, enumObj: Record<string, string | number>, prefix: string): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(enumObj)) {
    if (typeof value !== 'number' || value === 0) continue;
    if ((mask & BigInt(value)) !== 0n) out.push(name.startsWith(prefix) ? name.slice(prefix.length) : name);
  }
  return out;
}

/** Names of the agent capability bits set in `mask`, e.g. ['ReportsStatus', 'AcceptsRemoteConfig']. */
export const agentCapabilityNames = (mask: bigint): string[] => namesOf(mask, AgentCapabilities, 'AgentCapabilities_');

/** Names of the server capability bits set in `mask`. */
export const serverCapabilityNames = (mask: bigint): string[] =>
  namesOf(mask, ServerCapabilities, 'ServerCapabilities_');

/** Agent capability bit values as bigint, ready to OR into AgentToServer.capabilities. */
export const AgentCapability = {
  ReportsStatus: 0x1n,
  AcceptsRemoteConfig: 0x2n,
  ReportsEffectiveConfig: 0x4n,
  AcceptsPackages: 0x8n,
  ReportsPackageStatuses: 0x10n,
  ReportsOwnTraces: 0x20n,
  ReportsOwnMetrics: 0x40n,
  ReportsOwnLogs: 0x80n,
  AcceptsOpAMPConnectionSettings: 0x100n,
  AcceptsOtherConnectionSettings: 0x200n,
  AcceptsRestartCommand: 0x400n,
  ReportsHealth: 0x800n,
  ReportsRemoteConfig: 0x1000n,
  ReportsHeartbeat: 0x2000n,
  ReportsAvailableComponents: 0x4000n,
  ReportsConnectionSettingsStatus: 0x8000n,
} as const satisfies Record<string, bigint>;

/** Server capability bit values as bigint, ready to OR into ServerToAgent.capabilities. */
export const ServerCapability = {
  AcceptsStatus: 0x1n,
  OffersRemoteConfig: 0x2n,
  AcceptsEffectiveConfig: 0x4n,
  OffersPackages: 0x8n,
  AcceptsPackagesStatus: 0x10n,
  OffersConnectionSettings: 0x20n,
  AcceptsConnectionSettingsRequest: 0x40n,
} as const satisfies Record<string, bigint>;

/** ServerToAgent.flags bits. */
export const ServerToAgentFlag = { ReportFullState: 0x1n, ReportAvailableComponents: 0x2n } as const;

/** AgentToServer.flags bits. */
export const AgentToServerFlag = { RequestInstanceUid: 0x1n } as const;
