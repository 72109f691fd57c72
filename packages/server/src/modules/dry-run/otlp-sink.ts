// A local OTLP/HTTP (JSON) endpoint on 127.0.0.1 that the dry-run collector exports to: it keeps every
// export request per signal so the output can be shown next to the input.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signalPaths, signalRootKeys, type OtlpData, type OtlpSignal } from './otlp-json.ts';

const MAX_BODY = 32 * 1024 * 1024;

export interface OtlpSink {
  port: number;
  /** Everything received so far, merged per signal. */
  data(): OtlpData;
  /** Milliseconds since the last request (Infinity before the first). */
  idleMs(): number;
  /** Error text of a request the sink could not read, if any. */
  problems: string[];
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const received: Record<OtlpSignal, unknown[]> = { metrics: [], logs: [], traces: [] };
  const problems: string[] = [];
  let last = 0;
  const byPath = new Map((Object.keys(signalPaths) as OtlpSignal[]).map((s) => [signalPaths[s], s]));
  const server: Server = createServer((req, res) => {
    const signal = byPath.get((req.url ?? '').split('?')[0]!);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      last = Date.now();
      if (!signal || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      try {
        if (size > MAX_BODY) throw new Error('export request larger than 32 MiB');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const items = body[signalRootKeys[signal]];
        if (Array.isArray(items)) received[signal].push(...items);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        problems.push(`the collector sent ${signal} the dry-run could not read: ${(err as Error).message}`);
        res.writeHead(400, { 'content-type': 'application/json' }).end('{}');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    problems,
    data() {
      const out: OtlpData = {};
      for (const s of Object.keys(received) as OtlpSignal[])
        if (received[s].length) out[signalRootKeys[s]] = [...received[s]];
      return out;
    },
    idleMs: () => (last === 0 ? Infinity : Date.now() - last),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
