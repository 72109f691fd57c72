// A live OpAMP server on a free localhost port, for tests (ours and the server package's).
import type { OpampServer, OpampServerOptions } from '../server.ts';
import { createOpampServer } from '../server.ts';

export interface TestOpampServer {
  server: OpampServer;
  port: number;
  wsUrl: string;
  httpUrl: string;
  close(): Promise<void>;
}

export async function startTestOpampServer<Ctx = Record<string, never>>(
  opts: Partial<OpampServerOptions<Ctx>> = {},
): Promise<TestOpampServer> {
  const server = createOpampServer<Ctx>({
    admit: () => ({ ok: true, context: {} as Ctx }),
    onMessage: () => undefined,
    wsPingIntervalMs: 0,
    ...opts,
  });
  const listener = await server.listen(0, '127.0.0.1');
  const path = opts.paths?.[0] ?? '/v1/opamp';
  return {
    server,
    port: listener.port,
    wsUrl: `ws://127.0.0.1:${listener.port}${path}`,
    httpUrl: `http://127.0.0.1:${listener.port}${path}`,
    close: () => listener.close(),
  };
}
