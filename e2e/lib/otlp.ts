// OTLP/HTTP JSON on both ends of a real gateway: payloads the test sends to the gateway's OTLP HTTP
// receiver, and a sink (node:http on 127.0.0.1) that records what the gateway's otlphttp exporter
// forwards. The exporter must be configured with `encoding: json` (it sends protobuf by default);
// gzip bodies are accepted too.
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

export interface SentMetrics {
  body: Json;
  /** Data points per metric name in this payload. */
  points: Record<string, number>;
  total: number;
}

/**
 * Metrics of one batch: a counter and a gauge that must pass, and `e2e.dropped.metric` that the
 * filter drops. Every point carries `user.session.id` (high cardinality, deleted by the config),
 * `http.route` (kept) and `e2e.batch`.
 */
export function metricsPayload(batch: string): SentMetrics {
  const now = BigInt(Date.now()) * 1_000_000n;
  const start = now - 60_000_000_000n;
  let n = 0;
  const point = (value: number, route: string) => ({
    asInt: String(value),
    startTimeUnixNano: String(start),
    timeUnixNano: String(now),
    attributes: [
      str('user.session.id', `sess-${batch}-${++n}-${Math.random().toString(36).slice(2, 10)}`),
      str('http.route', route),
      str('e2e.batch', batch),
    ],
  });
  const points = { 'e2e.requests': 2, 'e2e.queue.depth': 2, 'e2e.dropped.metric': 3 };
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'flowgate-e2e-app'), str('host.name', 'e2e-host')] },
        scopeMetrics: [
          {
            scope: { name: 'flowgate.e2e' },
            metrics: [
              {
                name: 'e2e.requests',
                unit: '1',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [point(10, '/checkout'), point(20, '/cart')],
                },
              },
              { name: 'e2e.queue.depth', unit: '1', gauge: { dataPoints: [point(3, '/checkout'), point(4, '/cart')] } },
              {
                name: 'e2e.dropped.metric',
                unit: '1',
                gauge: { dataPoints: [point(1, '/a'), point(2, '/b'), point(3, '/c')] },
              },
            ],
          },
        ],
      },
    ],
  };
  return { body, points, total: 7 };
}

export interface SentLogs {
  body: Json;
  /** Records per severity text in this payload. */
  severities: Record<string, number>;
  total: number;
}

export const SEVERITY = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 } as const;

/** Logs of one batch: two DEBUG (dropped by the config), two INFO, one WARN, one ERROR. */
export function logsPayload(batch: string): SentLogs {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const records: Json[] = [];
  const severities: Record<string, number> = { DEBUG: 2, INFO: 2, WARN: 1, ERROR: 1 };
  let n = 0;
  for (const [sev, count] of Object.entries(severities)) {
    for (let i = 0; i < count; i++) {
      records.push({
        timeUnixNano: now,
        observedTimeUnixNano: now,
        severityNumber: SEVERITY[sev as keyof typeof SEVERITY],
        severityText: sev,
        body: { stringValue: `e2e ${sev.toLowerCase()} message ${batch}-${++n}` },
        attributes: [
          str('user.session.id', `sess-${batch}-${n}-${Math.random().toString(36).slice(2, 10)}`),
          str('http.route', '/checkout'),
          str('e2e.batch', batch),
        ],
      });
    }
  }
  const body = {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'flowgate-e2e-app')] },
        scopeLogs: [{ scope: { name: 'flowgate.e2e' }, logRecords: records }],
      },
    ],
  };
  return { body, severities, total: records.length };
}

/** POSTs OTLP JSON to a gateway's OTLP HTTP receiver; throws unless it answers 2xx. */
export async function sendOtlp(httpEndpoint: string, signal: 'metrics' | 'logs', body: Json): Promise<void> {
  const r = await fetch(`http://${httpEndpoint}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`OTLP ${signal} → ${httpEndpoint}: HTTP ${r.status} ${text}`);
}

const attrsOf = (kvs: Json[] | undefined): Record<string, string> =>
  Object.fromEntries(
    (kvs ?? []).map((kv: Json) => [
      kv.key,
      String(kv.value?.stringValue ?? kv.value?.intValue ?? kv.value?.doubleValue ?? kv.value?.boolValue ?? ''),
    ]),
  );

export interface SinkPoint {
  name: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
}
export interface SinkLog {
  severityText: string;
  severityNumber: number;
  body: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
}

export interface OtlpSink {
  port: number;
  /** `http://127.0.0.1:<port>`, the exporter's endpoint (it appends /v1/metrics, /v1/logs). */
  url: string;
  requests: { path: string; at: number; body: Json }[];
  points(): SinkPoint[];
  logs(): SinkLog[];
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const requests: OtlpSink['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      try {
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const path = (req.url ?? '').split('?')[0]!;
        if (!/json/.test(String(req.headers['content-type'])))
          throw new Error(`sink expects JSON, got ${req.headers['content-type']} (set encoding: json on the exporter)`);
        requests.push({ path, at: Date.now(), body: JSON.parse(raw.toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end((err as Error).message);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    points() {
      const out: SinkPoint[] = [];
      for (const r of requests) {
        if (r.path !== '/v1/metrics') continue;
        for (const rm of r.body.resourceMetrics ?? []) {
          const resource = attrsOf(rm.resource?.attributes);
          for (const sm of rm.scopeMetrics ?? []) {
            for (const m of sm.metrics ?? []) {
              const data = m.sum ?? m.gauge ?? m.histogram ?? m.exponentialHistogram ?? m.summary ?? {};
              for (const dp of data.dataPoints ?? [])
                out.push({ name: m.name, attributes: attrsOf(dp.attributes), resource });
            }
          }
        }
      }
      return out;
    },
    logs() {
      const out: SinkLog[] = [];
      for (const r of requests) {
        if (r.path !== '/v1/logs') continue;
        for (const rl of r.body.resourceLogs ?? []) {
          const resource = attrsOf(rl.resource?.attributes);
          for (const sl of rl.scopeLogs ?? []) {
            for (const lr of sl.logRecords ?? []) {
              out.push({
                severityText: lr.severityText ?? '',
                severityNumber: Number(lr.severityNumber ?? 0),
                body: String(lr.body?.stringValue ?? ''),
                attributes: attrsOf(lr.attributes),
                resource,
              });
            }
          }
        }
      }
      return out;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
