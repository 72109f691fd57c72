// A real Prometheus (Debian's /usr/bin/prometheus) serving given rule files through its real rules API,
// on a free loopback port with a throwaway storage directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.ts';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const prometheusSkip: string | false = existsSync(PROMETHEUS_BIN)
  ? false
  : `${PROMETHEUS_BIN} missing: apt-get install prometheus`;

export interface RealPrometheus {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(ruleFiles: Record<string, string>): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-prometheus-'));
  const names = Object.keys(ruleFiles);
  for (const [name, content] of Object.entries(ruleFiles)) writeFileSync(join(dir, name), content);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  evaluation_interval: 1h\nrule_files:\n${names.map((n) => `  - ${join(dir, n)}\n`).join('')}`,
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${out}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, output: () => out, stop };
}
