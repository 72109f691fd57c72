// A stable hash for AgentRemoteConfig.config_hash. The spec leaves the algorithm to the
// server; ours is SHA-256 over the files sorted by name, each name and body prefixed with its
// length so that no two different maps can produce the same byte stream.
import { createHash } from 'node:crypto';
import type { AgentConfigMap } from './gen/opamp/v1/opamp_pb.ts';

export type ConfigFiles = Record<string, { body: Uint8Array | string }>;

const utf8 = new TextEncoder();

function lengthPrefix(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

/**
 * SHA-256 over (name, body) pairs, names sorted by their UTF-8 bytes, each name and body
 * preceded by its byte length as a big-endian uint64. content_type is not part of the hash.
 * Accepts an AgentConfigMap message or a plain { name: { body } } record (string bodies are UTF-8).
 */
export function configHash(files: AgentConfigMap | ConfigFiles): Uint8Array {
  const map: ConfigFiles = isAgentConfigMap(files) ? files.configMap : files;
  const entries = Object.entries(map).map(([name, file]) => ({
    name: utf8.encode(name),
    body: typeof file.body === 'string' ? utf8.encode(file.body) : file.body,
  }));
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(lengthPrefix(e.name.length));
    h.update(e.name);
    h.update(lengthPrefix(e.body.length));
    h.update(e.body);
  }
  return new Uint8Array(h.digest());
}

function isAgentConfigMap(v: AgentConfigMap | ConfigFiles): v is AgentConfigMap {
  return (v as { $typeName?: unknown }).$typeName === 'opamp.proto.AgentConfigMap';
}
