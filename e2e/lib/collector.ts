// A bare otelcol-flowgate (gateway/dist) run by a test without supervisor or control plane: a config in a
// scratch directory, the collector's own `validate`, an OTLP HTTP receiver on a free port, file exporters
// writing what comes out (JSON lines and length-prefixed protobuf), and static HTTP targets for the
// prometheus receiver to scrape. Own telemetry is off (`level: none`), so nothing binds :8888.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { COLLECTOR_BIN } from './gateway.ts';
import { eventually, freePort } from './server.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export function validateConfig(config: Json): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-reduce-validate-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, typeof config === 'string' ? config : stringify(config));
    const r = spawnSync(COLLECTOR_BIN, ['validate', '--config', file], { encoding: 'utf8', timeout: 60_000 });
    return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningCollector {
  dir: string;
  /** OTLP HTTP endpoint host:port when the config has an `otlp` receiver (see withOtlpReceiver). */
  otlpHttp: string;
  /** JSON lines written by the exporter whose path is `file(name)`. */
  jsonLines(name: string): Json[];
  /** Sizes of the protobuf messages written by a `format: proto` file exporter. */
  protoFrames(name: string): number[];
  log(): string;
  running(): boolean;
  /** Stops the collector (its files stay readable). */
  stop(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Starts the collector with `build(dir, otlpHttp)` as its config; waits for the OTLP receiver when asked. */
export async function startCollector(
  build: (file: (name: string) => string, otlpHttp: string) => Json,
  opts: { waitOtlp?: boolean } = {},
): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-reduce-collector-'));
  const file = (name: string) => join(dir, name);
  const otlpHttp = `127.0.0.1:${await freePort()}`;
  const config = build(file, otlpHttp);
  writeFileSync(file('config.yaml'), stringify(config));
  let log = '';
  const child: ChildProcess = spawn(COLLECTOR_BIN, ['--config', file('config.yaml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  if (opts.waitOtlp)
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`collector exited: ${log.slice(-2000)}`);
      const r = await fetch(`http://${otlpHttp}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return r.ok;
    }, 30_000);
  return {
    dir,
    otlpHttp,
    jsonLines: (name) =>
      existsSync(file(name))
        ? readFileSync(file(name), 'utf8')
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l))
        : [],
    protoFrames: (name) => {
      if (!existsSync(file(name))) return [];
      const buf = readFileSync(file(name));
      const frames: number[] = [];
      for (let off = 0; off + 4 <= buf.length;) {
        const n = buf.readUInt32BE(off);
        frames.push(n);
        off += 4 + n;
      }
      return frames;
    },
    log: () => log,
    running: () => child.exitCode === null && child.signalCode === null,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An HTTP server on 127.0.0.1 serving `body` as a Prometheus text exposition. */
export async function serveExposition(body: string): Promise<{ target: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { target: `127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** POSTs OTLP JSON metrics; throws unless the receiver answers 2xx. */
export async function pushMetrics(otlpHttp: string, body: Json): Promise<void> {
  const r = await fetch(`http://${otlpHttp}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`OTLP push: HTTP ${r.status} ${await r.text()}`);
}
