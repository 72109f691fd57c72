// The real collector (gateway/dist/otelcol-flowgate) run on its own with a composed configuration, and a
// real Prometheus (Debian's /usr/bin/prometheus) with the remote-write receiver: both on free loopback
// ports with their own temp directories, stopped (and checked gone) by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { replaceConfigRefs } from '@flowgate/config-model';
import { COLLECTOR_BIN } from './gateway.ts';
import { eventually, freePort } from './server.ts';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const prometheusSkip: string | false = existsSync(PROMETHEUS_BIN)
  ? false
  : 'prometheus not installed (Debian package prometheus)';

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function run(bin: string, args: string[], env: Record<string, string>, cwd: string): RunningProcess {
  let out = '';
  const child = spawn(bin, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (c: Buffer) => {
    if (out.length < 200_000) out += c.toString('utf8');
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

export interface Collector extends RunningProcess {
  otlpHttp: string;
  dir: string;
}

/**
 * Starts the collector on `yaml` (composed with supervised: false) after replacing ${secret:NAME} with
 * `secrets[NAME]` — what the control plane does before a configuration reaches a gateway — and turning its
 * own telemetry off (it would bind :8888). Resolves once the OTLP HTTP receiver answers.
 */
export async function startCollector(
  yaml: string,
  opts: { otlpHttpPort: number; secrets?: Record<string, string>; env?: Record<string, string> },
): Promise<Collector> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-presets-e2e-'));
  const config = parse(
    replaceConfigRefs(yaml, (ref) => (ref.scheme === 'secret' ? (opts.secrets?.[ref.value] ?? null) : null)),
  );
  config.service.telemetry = { metrics: { level: 'none' }, logs: { level: 'info' } };
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(config), { mode: 0o600 });
  const p = run(COLLECTOR_BIN, ['--config', file], opts.env ?? {}, dir);
  const otlpHttp = `127.0.0.1:${opts.otlpHttpPort}`;
  try {
    await eventually(
      async () => {
        if (p.child.exitCode !== null) throw new Error(`collector exited ${p.child.exitCode}: ${p.output()}`);
        const r = await fetch(`http://${otlpHttp}/v1/metrics`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        return r.ok;
      },
      30_000,
      200,
    );
  } catch (err) {
    await p.stop();
    throw new Error(`${(err as Error).message}\n${p.output()}`, { cause: err });
  }
  return {
    ...p,
    otlpHttp,
    dir,
    async stop() {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Prometheus extends RunningProcess {
  url: string;
  /** Instant query through the HTTP API: the result vector. */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

export async function startPrometheus(): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-prometheus-e2e-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const p = run(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    {},
    dir,
  );
  try {
    await eventually(
      async () => {
        if (p.child.exitCode !== null) throw new Error(`prometheus exited ${p.child.exitCode}: ${p.output()}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      60_000,
      250,
    );
  } catch (err) {
    await p.stop();
    throw err;
  }
  return {
    ...p,
    url,
    async query(promql) {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await r.json()) as { status: string; data: { result: never[] } };
      if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
      return body.data.result;
    },
    async stop() {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
