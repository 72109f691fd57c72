// Gateways that exist but are offline: enrolled over plain-HTTP OpAMP with one message each (full
// description, then agent_disconnect in the same message), so the REST API can be measured against a
// gateways table of N + M rows while only N agents hold connections (one process cannot hold more
// than its descriptor limit; see bench/README.md).
import {
  create,
  toBinary,
  fromBinary,
  AgentToServerSchema,
  ServerToAgentSchema,
  AgentDisconnectSchema,
  newInstanceUid,
} from '@flowgate/opamp';
import { description } from './payloads.ts';

/**
 * Enrols `count` offline gateways named `${prefix}-<i>`; resolves with how many the server answered without an error.
 */
export async function enrolOfflineGateways(opts: {
  url: string;
  token: string;
  prefix: string;
  count: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<{ enrolled: number; errors: number }> {
  let next = 0;
  let enrolled = 0;
  let errors = 0;
  const one = async (i: number) => {
    const uid = newInstanceUid();
    const msg = create(AgentToServerSchema, {
      instanceUid: uid,
      sequenceNum: 0n,
      capabilities: 0x1n | 0x2n | 0x4n | 0x400n | 0x800n | 0x1000n,
      agentDescription: description(`${opts.prefix}-${i}`, Buffer.from(uid).toString('hex')),
      agentDisconnect: create(AgentDisconnectSchema, {}),
    });
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${opts.token}` },
        body: toBinary(AgentToServerSchema, msg),
      }).catch(() => null);
      if (res?.status === 200) {
        const reply = fromBinary(ServerToAgentSchema, new Uint8Array(await res.arrayBuffer()));
        if (!reply.errorResponse) return void enrolled++;
      } else {
        await res?.arrayBuffer().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
    errors++;
  };
  const workers = Array.from({ length: opts.concurrency ?? 16 }, async () => {
    while (next < opts.count) {
      const i = next++;
      await one(i);
      if ((enrolled + errors) % 1000 === 0) opts.onProgress?.(enrolled + errors);
    }
  });
  await Promise.all(workers);
  return { enrolled, errors };
}
