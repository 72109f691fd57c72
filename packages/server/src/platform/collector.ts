// The gateway collector binary (otelcol-flowgate) as a tool of the control plane: `validate` for
// configurations and short-lived child processes for dry-runs. Children get a bare environment — a
// template's ${env:…} must never see the server's DATABASE_URL or FLOWGATE_SECRET — and are killed
// on timeout; their output is capped.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowgateConfig } from '../config/env.ts';

export const COLLECTOR_BINARY = 'otelcol-flowgate';
const defaultBinDir = fileURLToPath(new URL('../../../../gateway/dist/', import.meta.url));

/** FLOWGATE_GATEWAY_BIN_DIR, else <repo>/gateway/dist (where `npm run gateway:build` puts it). */
export function gatewayBinDir(config: Pick<FlowgateConfig, 'gatewayBinDir'>): string {
  return config.gatewayBinDir ? resolve(config.gatewayBinDir) : defaultBinDir;
}

/** Path of the collector when it exists and is executable (checked on every call: it may be built later). */
export function collectorBinary(config: Pick<FlowgateConfig, 'gatewayBinDir'>): string | null {
  const path = join(gatewayBinDir(config), COLLECTOR_BINARY);
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

export interface ChildOptions {
  cwd: string;
  /** Variables on top of a bare PATH/HOME environment. */
  env?: Record<string, string>;
  maxOutputBytes?: number;
}

export interface CollectorChild {
  readonly process: ChildProcess;
  /** stdout and stderr interleaved, capped. */
  output(): string;
  /** Resolves when the process has exited (also after a failed spawn). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>;
  /** SIGTERM, then SIGKILL after graceMs; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(bin: string, args: string[], opts: ChildOptions): CollectorChild {
  const max = opts.maxOutputBytes ?? 64 * 1024;
  let out = '';
  let spawnError: Error | null = null;
  const child = spawn(bin, args, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: opts.cwd, GOMAXPROCS: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    if (out.length < max) out += chunk.toString('utf8').slice(0, max - out.length);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>(
    (resolveExit) => {
      child.once('error', (err) => {
        spawnError = err;
        if (child.pid === undefined) resolveExit({ code: null, signal: null, spawnError: err });
      });
      child.once('close', (code, signal) => resolveExit({ code, signal, spawnError }));
    },
  );
  return {
    process: child,
    output: () => out,
    exited,
    async stop(graceMs = 2000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        await exited;
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface RunResult {
  code: number | null;
  output: string;
  timedOut: boolean;
  spawnError: Error | null;
}

/** Runs to completion with a deadline (killed when it passes). */
export async function runChild(
  bin: string,
  args: string[],
  opts: ChildOptions & { timeoutMs: number },
): Promise<RunResult> {
  const child = startChild(bin, args, opts);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop(1000);
  }, opts.timeoutMs);
  const result = await child.exited;
  clearTimeout(timer);
  return { code: result.code, output: child.output(), timedOut, spawnError: result.spawnError };
}

/** At most `max` tasks at once: run() waits its turn, tryRun() refuses instead (returns null). */
export function createLimiter(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finished task hands its slot straight to the next waiter, so no newcomer can slip in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active < max) active++;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        return await fn();
      } finally {
        release();
      }
    },
    tryRun<T>(fn: () => Promise<T>): Promise<T> | null {
      if (active >= max) return null;
      active++;
      return fn().finally(release);
    },
  };
}
