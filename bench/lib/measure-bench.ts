// What bench/measure-throughput.ts runs: the same otelcol-flowgate binary and the same OTLP load,
// with and without the two flowgate_measure processors, alternating, in one run.
import http from 'node:http';
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { COLLECTOR_BIN } from '../../e2e/lib/gateway.ts';
import { freePort } from '../../e2e/lib/server.ts';
import {
  gzip,
  runCollector,
  startMeasureOpampServer,
  waitForOtlpHttp,
  type MeasureOpampServer,
} from '../../e2e/lib/measure.ts';
import { encodeMetricsRequest, realisticBatch } from './otlp-metrics.ts';
import { sampleProcess } from './proc.ts';

export interface MeasureBenchOptions {
  /** Measured seconds per run. */
  seconds: number;
  /** Runs per configuration; configurations alternate (without, with, without, with …). */
  rounds: number;
  warmupSeconds: number;
  /** Requests in flight. */
  concurrency: number;
  /** Distinct pre-encoded batches sent in turn (different series). */
  batches: number;
  compression: 'gzip' | 'none';
  /** Where the collector sends: `nop` (nothing after the pipeline) and/or `otlp` (otlphttp → a sink). */
  sinks: Sink[];
  log?: (msg: string) => void;
}

type Config = 'without' | 'with';
export type Sink = 'nop' | 'otlp';

interface RunResult {
  config: Config;
  sink: Sink;
  seconds: number;
  requests: number;
  items: number;
  items_per_s: number;
  collector_cpu_pct_core: number;
  items_per_cpu_s: number;
  loadgen_cpu_pct_core: number;
  failed_requests: number;
  /** Runs with the processors: data points the in/out instances reported over the whole run. */
  measured?: { sent_items: number; in_items: number; out_items: number; metrics: number; summaries: number };
}

const POINTS_PER_BATCH = 1000;
const TARGET_RATIO = 0.95;

function configYaml(config: Config, sink: Sink, opampUrl: string, httpEndpoint: string, sinkUrl: string): string {
  const processors =
    config === 'with'
      ? `processors:
  flowgate_measure/in.0: { pipeline: metrics, position: in }
  flowgate_measure/out.0: { pipeline: metrics, position: out }
`
      : '';
  // The OTLP exporter sends synchronously (no queue, no retry): its work is part of each request.
  const exporter =
    sink === 'nop'
      ? '  nop: {}'
      : `  otlphttp/sink:
    endpoint: ${sinkUrl}
    sending_queue:
      enabled: false
    retry_on_failure:
      enabled: false`;
  return `extensions:
  opamp:
    server:
      ws:
        endpoint: ${opampUrl}
receivers:
  otlp:
    protocols:
      http:
        endpoint: ${httpEndpoint}
${processors}exporters:
${exporter}
service:
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
  extensions: [opamp]
  pipelines:
    metrics:
      receivers: [otlp]
${config === 'with' ? '      processors: [flowgate_measure/in.0, flowgate_measure/out.0]\n' : ''}      exporters: [${sink === 'nop' ? 'nop' : 'otlphttp/sink'}]
`;
}

/** An OTLP/HTTP endpoint that reads each request and answers an empty success, counting requests. */
async function startSink(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Sends the bodies round-robin with `concurrency` requests in flight until stop() is called. */
function startLoad(endpoint: string, bodies: Buffer[], concurrency: number, compression: 'gzip' | 'none') {
  const [host, port] = endpoint.split(':');
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const completions: number[] = [];
  let failed = 0;
  let stopped = false;
  let next = 0;
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/x-protobuf' };
  if (compression === 'gzip') headers['content-encoding'] = 'gzip';
  const post = (body: Buffer) =>
    new Promise<boolean>((resolve) => {
      const req = http.request(
        {
          host,
          port: Number(port),
          path: '/v1/metrics',
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        },
      );
      req.on('error', () => resolve(false));
      req.end(body);
    });
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      const ok = await post(bodies[next++ % bodies.length]!);
      if (ok) completions.push(performance.now());
      else failed++;
    }
  });
  return {
    completions,
    failed: () => failed,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
    },
  };
}

async function runOnce(config: Config, sink: Sink, bodies: Buffer[], opts: MeasureBenchOptions): Promise<RunResult> {
  const opamp: MeasureOpampServer = await startMeasureOpampServer();
  const otlpSink = await startSink();
  const endpoint = `127.0.0.1:${await freePort()}`;
  const collector = runCollector(configYaml(config, sink, opamp.url, endpoint, otlpSink.url));
  try {
    await waitForOtlpHttp(endpoint, collector);
    const load = startLoad(endpoint, bodies, opts.concurrency, opts.compression);
    await new Promise((r) => setTimeout(r, opts.warmupSeconds * 1000));
    const pid = collector.child.pid!;
    const c0 = sampleProcess(pid);
    const l0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, opts.seconds * 1000));
    const t1 = performance.now();
    const c1 = sampleProcess(pid);
    const l1 = process.cpuUsage(l0);
    const requests = load.completions.filter((t) => t > t0 && t <= t1).length;
    await load.stop();
    const sentRequests = load.completions.length;
    const seconds = (t1 - t0) / 1000;
    const cpuSeconds = c1.cpuSeconds - c0.cpuSeconds;
    const items = requests * POINTS_PER_BATCH;
    const result: RunResult = {
      config,
      sink,
      seconds: round(seconds, 2),
      requests,
      items,
      items_per_s: Math.round(items / seconds),
      collector_cpu_pct_core: round((100 * cpuSeconds) / seconds, 1),
      items_per_cpu_s: Math.round(items / cpuSeconds),
      loadgen_cpu_pct_core: round((100 * (l1.user + l1.system)) / 1e6 / seconds, 1),
      failed_requests: load.failed(),
    };
    // Stopping the collector makes the processors report their last window.
    await collector.stop();
    if (config === 'with') {
      const points = opamp.summaries.flatMap((s) => s.points);
      const sum = (pos: string) => points.filter((p) => p.position === pos).reduce((n, p) => n + p.items, 0);
      const names = new Set(points.flatMap((p) => (p.metrics ?? []).map((m) => m.name as string)));
      result.measured = {
        sent_items: sentRequests * POINTS_PER_BATCH,
        in_items: sum('in'),
        out_items: sum('out'),
        metrics: names.size,
        summaries: opamp.summaries.length,
      };
    }
    if (sink === 'otlp' && otlpSink.requests() < sentRequests)
      throw new Error(`the OTLP sink got ${otlpSink.requests()} requests, the collector accepted ${sentRequests}`);
    return result;
  } finally {
    await collector.stop();
    await opamp.close();
    await otlpSink.close();
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function aggregate(runs: RunResult[]) {
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const items = runs.reduce((n, r) => n + r.items, 0);
  const cpu = runs.reduce((n, r) => n + (r.collector_cpu_pct_core / 100) * r.seconds, 0);
  return {
    seconds: round(seconds, 1),
    items,
    items_per_s: Math.round(items / seconds),
    collector_cpu_pct_core: round((100 * cpu) / seconds, 1),
    items_per_cpu_s: Math.round(items / cpu),
    failed_requests: runs.reduce((n, r) => n + r.failed_requests, 0),
  };
}

function compare(runs: RunResult[], sink: Sink) {
  const without = aggregate(runs.filter((r) => r.sink === sink && r.config === 'without'));
  const withProcessors = aggregate(runs.filter((r) => r.sink === sink && r.config === 'with'));
  return {
    without,
    with: withProcessors,
    ratio: round(withProcessors.items_per_s / without.items_per_s, 3),
    cpu_efficiency_ratio: round(withProcessors.items_per_cpu_s / without.items_per_cpu_s, 3),
    /** Against target_ratio (0.95): throughput, and CPU per item (what bounds a gateway at full CPU). */
    target_met: {
      throughput: withProcessors.items_per_s / without.items_per_s >= TARGET_RATIO,
      cpu_efficiency: withProcessors.items_per_cpu_s / without.items_per_cpu_s >= TARGET_RATIO,
    },
    cpu_per_item_us: {
      without: round(1e6 / without.items_per_cpu_s, 3),
      with: round(1e6 / withProcessors.items_per_cpu_s, 3),
    },
  };
}

export async function runMeasureBench(opts: MeasureBenchOptions) {
  const log = opts.log ?? (() => undefined);
  const raw = Array.from({ length: opts.batches }, (_, v) => encodeMetricsRequest([realisticBatch(v)]));
  const bodies = raw.map((b) => (opts.compression === 'gzip' ? gzip(b) : Buffer.from(b)));
  const version = execFileSync(COLLECTOR_BIN, ['--version'], { encoding: 'utf8' }).trim();
  const runs: RunResult[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (const sink of opts.sinks) {
      for (const config of ['without', 'with'] as const) {
        log(`round ${round + 1}/${opts.rounds}: ${sink} sink, ${config} flowgate_measure, ${opts.seconds} s`);
        const r = await runOnce(config, sink, bodies, opts);
        log(`  ${r.items_per_s} items/s, collector CPU ${r.collector_cpu_pct_core} % of a core`);
        runs.push(r);
      }
    }
  }
  const bySink: Partial<Record<Sink, ReturnType<typeof compare>>> = Object.fromEntries(
    opts.sinks.map((sink) => [sink, compare(runs, sink)]),
  );
  const measured = runs.filter((r) => r.measured).map((r) => r.measured!);
  return {
    bench: 'measure-throughput',
    collector: version,
    settings: {
      seconds_per_run: opts.seconds,
      rounds: opts.rounds,
      warmup_s: opts.warmupSeconds,
      concurrency: opts.concurrency,
      transport: 'OTLP/HTTP protobuf',
      compression: opts.compression,
      points_per_request: POINTS_PER_BATCH,
      metrics_per_request: 20,
      attributes_per_point: 4,
      distinct_requests: opts.batches,
      request_bytes: raw[0]!.length,
      request_bytes_sent: bodies[0]!.length,
      pipeline_without: 'otlp → <sink>',
      pipeline_with: 'otlp → flowgate_measure/in.0 → flowgate_measure/out.0 → <sink>',
      sinks: {
        nop: 'nop exporter (the pipeline ends at the processors: the worst case for their share)',
        otlp: 'otlphttp exporter (protobuf, gzip, no queue, no retry) → an HTTP sink in the bench process',
      },
      cpus: cpus().length,
    },
    ...bySink,
    target_ratio: TARGET_RATIO,
    measured_check: {
      sent_items: measured.reduce((n, m) => n + m.sent_items, 0),
      in_items: measured.reduce((n, m) => n + m.in_items, 0),
      out_items: measured.reduce((n, m) => n + m.out_items, 0),
      metric_names: Math.max(0, ...measured.map((m) => m.metrics)),
    },
    runs,
  };
}
