// What a gateway with the Flowgate processor receives: its desired configuration with the measurement
// processors injected (docs/measurement.md). The text depends only on the configuration and on whether the
// gateway's build has the component, so it is computed once per distinct configuration, like secret
// resolution. The hash sent is the hash of the bytes sent; everything stored (desired, applied and failed
// hashes, deployment targets) keeps the hash of the configuration as resolved, without the processors, and
// reports are translated back at the adapter: the rest of the control plane never sees two hashes.
import { injectMeasureIntoFiles } from '@flowgate/config-model';
import { configHash } from '@flowgate/opamp';
import { hex } from './translate.ts';

export const filesHash = (files: Record<string, string>) =>
  hex(configHash(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { body: v }]))));

export interface ResolvedConfig {
  /** The configuration as resolved (secrets in), the hash the rest of the control plane knows. */
  files: Record<string, string>;
  hash: string;
  /** What is sent: the same, or with the measurement processors; its hash goes on the wire. */
  wire: { files: Record<string, string>; hash: string };
}

/** Maps hashes sent back to the configuration hash, for the configurations this process sent lately. */
export function createWireHashes(max = 10_000) {
  const logicalOf = new Map<string, string>();
  return {
    remember(c: ResolvedConfig) {
      if (c.wire.hash === c.hash || logicalOf.has(c.wire.hash)) return;
      if (logicalOf.size >= max) logicalOf.delete(logicalOf.keys().next().value!);
      logicalOf.set(c.wire.hash, c.hash);
    },
    /** The configuration hash behind a hash an agent reports (itself when it is not one we injected). */
    logical: (wire: string) => logicalOf.get(wire) ?? wire,
  };
}

/** Adds what is sent to a resolved configuration: unchanged without the component. */
export function forGateway(
  resolved: { files: Record<string, string>; hash: string },
  measure: boolean,
): ResolvedConfig {
  if (!measure) return { ...resolved, wire: resolved };
  const files = injectMeasureIntoFiles(resolved.files);
  return { ...resolved, wire: { files, hash: filesHash(files) } };
}
