// The floor: the cheapest server that holds the same OpAMP connections — it decodes each frame
// (packages/opamp's transport) and answers an empty ServerToAgent. Run as its own process so its
// RSS and CPU are read from /proc exactly like the control plane's.
//   node --import tsx bench/floor.ts [--port P] [--host H]   → prints `floor listening <port>` on stdout
import { parseArgs } from 'node:util';
import { create, createOpampServer, ServerToAgentSchema } from '@flowgate/opamp';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
const empty = create(ServerToAgentSchema, {});
let messages = 0;
const server = createOpampServer<null>({
  admit: async () => ({ ok: true, context: null }),
  onMessage: async () => {
    messages++;
    return empty; // the transport fills instance_uid on a copy; this object is never mutated
  },
  logger: { warn: () => undefined },
});
const l = await server.listen(Number(values.port), values.host);
process.stdout.write(`floor listening ${l.port}\n`);
const stop = async () => {
  await server.close();
  await l.close();
  process.stderr.write(`floor: ${messages} messages handled\n`);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
