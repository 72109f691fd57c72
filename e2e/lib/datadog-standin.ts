// A local stand-in for Datadog's OTLP intake (the real one cannot be reached from here). It checks what
// the intake documents: the paths /v1/metrics and /v1/logs, the dd-api-key header (403 otherwise),
// OTLP protobuf bodies (gzip allowed) that decode, and metrics in DELTA temporality only — a cumulative
// monotonic sum or histogram is refused with 400, as the intake refuses cumulative metrics.
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import {
  decodeMessage,
  double,
  message,
  messages,
  sfixed64,
  string,
  varint,
  type WireMessage,
} from './protobuf-wire.ts';

export interface DatadogPoint {
  metric: string;
  kind: 'sum' | 'gauge' | 'histogram';
  /** 1 delta, 2 cumulative (OTLP AggregationTemporality); 0 for gauges. */
  temporality: number;
  value: number | null;
  attributes: Record<string, string>;
}
export interface DatadogRequest {
  path: string;
  status: number;
  reason: string;
  headers: Record<string, string | string[] | undefined>;
}

const attrs = (m: WireMessage, no: number) =>
  Object.fromEntries(messages(m, no).map((kv) => [string(kv, 1), string(message(kv, 2) ?? new Map(), 1)]));

function metricPoints(body: WireMessage): DatadogPoint[] {
  const out: DatadogPoint[] = [];
  for (const rm of messages(body, 1))
    for (const sm of messages(rm, 2))
      for (const m of messages(sm, 2)) {
        const name = string(m, 1);
        const sum = message(m, 7);
        const gauge = message(m, 5);
        const histogram = message(m, 9);
        const data = sum ?? gauge ?? histogram;
        if (!data) continue;
        const kind = sum ? 'sum' : gauge ? 'gauge' : 'histogram';
        const temporality = Number(varint(data, 2));
        for (const dp of messages(data, 1)) {
          const asInt = sfixed64(dp, 6);
          out.push({
            metric: name,
            kind,
            temporality,
            value: asInt !== null ? Number(asInt) : double(dp, 4),
            attributes: attrs(dp, 7),
          });
        }
      }
  return out;
}

export interface DatadogIntake {
  url: string;
  requests: DatadogRequest[];
  points: DatadogPoint[];
  logs: { body: string; severity: string }[];
  close(): Promise<void>;
}

export async function startDatadogIntake(apiKey: string): Promise<DatadogIntake> {
  const requests: DatadogRequest[] = [];
  const points: DatadogPoint[] = [];
  const logs: DatadogIntake['logs'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const answer = (status: number, reason: string) => {
        requests.push({ path, status, reason, headers: req.headers });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 300 ? {} : { error: reason }));
      };
      if (req.method !== 'POST' || (path !== '/v1/metrics' && path !== '/v1/logs'))
        return answer(404, 'no such intake');
      if (req.headers['dd-api-key'] !== apiKey) return answer(403, 'missing or wrong dd-api-key');
      if (req.headers['content-type'] !== 'application/x-protobuf') return answer(415, 'expected OTLP protobuf');
      let decoded: WireMessage;
      try {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        decoded = decodeMessage(raw);
      } catch (err) {
        return answer(400, `undecodable body: ${(err as Error).message}`);
      }
      if (path === '/v1/metrics') {
        const got = metricPoints(decoded);
        const cumulative = got.find((p) => p.kind !== 'gauge' && p.temporality !== 1);
        if (cumulative) return answer(400, `cumulative temporality is not accepted (${cumulative.metric})`);
        points.push(...got);
      } else {
        for (const rl of messages(decoded, 1))
          for (const sl of messages(rl, 2))
            for (const lr of messages(sl, 2))
              logs.push({ body: string(message(lr, 5) ?? new Map(), 1), severity: string(lr, 3) });
      }
      answer(202, 'accepted');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    points,
    logs,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
