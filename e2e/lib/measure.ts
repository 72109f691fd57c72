// The collector side of edge measurement, without the control plane: the real otelcol-flowgate
// (gateway/dist) run alone with a config of our own, its `opamp` extension connected to a small
// OpAMP server (packages/opamp) that records the flowgate_measure processor's custom messages
// (docs/measurement.md) and can send it snapshot requests. Used by e2e/measure-processor.test.ts
// and bench/measure-throughput.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { create, createOpampServer, ServerToAgentSchema, type OpampConnection } from '@flowgate/opamp';
import { COLLECTOR_BIN } from './gateway.ts';

export const MEASURE_CAPABILITY = 'io.flowgate.measure';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface SummaryPoint {
  pipeline: string;
  position: 'in' | 'out';
  signal: 'metrics' | 'logs' | 'traces';
  window: { start: string; end: string };
  items: number;
  bytes: number;
  metrics?: Json[];
  metrics_dropped?: number;
  logs?: Json[];
  logs_dropped?: number;
}

export interface MeasureOpampServer {
  /** ws://127.0.0.1:<port>/v1/opamp */
  url: string;
  /** Every decoded `summary`, in arrival order. */
  summaries: { v: number; points: SummaryPoint[]; compressedBytes: number }[];
  /** Every decoded `snapshot.response`. */
  snapshots: Json[];
  /** Custom capabilities the agent announced last. */
  capabilities(): string[];
  /** Sends a `snapshot.request` (plain JSON) to every connected agent; false when none is connected. */
  requestSnapshot(req: Record<string, unknown>): Promise<boolean>;
  close(): Promise<void>;
}

export async function startMeasureOpampServer(): Promise<MeasureOpampServer> {
  const summaries: MeasureOpampServer['summaries'] = [];
  const snapshots: Json[] = [];
  let capabilities: string[] = [];
  const conns = new Set<OpampConnection<null>>();
  const server = createOpampServer<null>({
    admit: () => ({ ok: true, context: null }),
    onConnected: (conn) => conns.add(conn),
    onClose: (conn) => conns.delete(conn),
    onMessage: (_conn, msg) => {
      if (msg.customCapabilities) capabilities = [...msg.customCapabilities.capabilities];
      const cm = msg.customMessage;
      if (cm && cm.capability === MEASURE_CAPABILITY) {
        const body = JSON.parse(gunzipSync(cm.data).toString('utf8'));
        if (cm.type === 'summary') summaries.push({ ...body, compressedBytes: cm.data.length });
        else if (cm.type === 'snapshot.response') snapshots.push(body);
      }
      return undefined;
    },
  });
  const listener = await server.listen(0, '127.0.0.1');
  return {
    url: `ws://127.0.0.1:${listener.port}/v1/opamp`,
    summaries,
    snapshots,
    capabilities: () => capabilities,
    async requestSnapshot(req) {
      const data = new TextEncoder().encode(JSON.stringify(req));
      let sent = false;
      for (const conn of conns) {
        await conn.send(
          create(ServerToAgentSchema, {
            instanceUid: conn.instanceUid ?? new Uint8Array(16),
            customMessage: { capability: MEASURE_CAPABILITY, type: 'snapshot.request', data },
          }),
        );
        sent = true;
      }
      return sent;
    },
    async close() {
      await server.close();
      await listener.close();
    },
  };
}

export interface RunningCollector {
  child: ChildProcess;
  dir: string;
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs gateway/dist/otelcol-flowgate (or `bin`) on a config (written into a fresh temporary directory). */
export function runCollector(
  configYaml: string,
  env: Record<string, string> = {},
  bin = COLLECTOR_BIN,
): RunningCollector {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-measure-'));
  const configPath = join(dir, 'collector.yaml');
  writeFileSync(configPath, configYaml);
  const child = spawn(bin, ['--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString('utf8');
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    dir,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Waits until an OTLP/HTTP receiver answers (an empty export request is accepted). */
export async function waitForOtlpHttp(endpoint: string, collector: RunningCollector, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (collector.child.exitCode !== null)
      throw new Error(`collector exited with ${collector.child.exitCode}:\n${collector.output().slice(-4000)}`);
    try {
      const r = await fetch(`http://${endpoint}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error(`OTLP/HTTP on ${endpoint} not ready:\n${collector.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** gzip, for OTLP requests sent compressed as real exporters do by default. */
export const gzip = (b: Uint8Array): Buffer => gzipSync(b);
