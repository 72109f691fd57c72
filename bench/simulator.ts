// Fleet simulator: N simulated gateways (bench/lib/sim-agent.ts) spread over one or more forked
// worker processes (bench/sim-worker.ts) and over several 127.0.0.x source addresses, driven from
// here. Each worker is one Node event loop and one file-descriptor budget; agents per worker are
// capped so neither becomes the bottleneck.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeployStats, WorkerConfig, WorkerRequest, WorkerStatus } from './lib/protocol.ts';

export type { DeployStats, WorkerStatus } from './lib/protocol.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface SimulatorOptions {
  agents: number;
  url: string;
  token: string;
  transport?: 'websocket' | 'http';
  heartbeatSeconds?: number;
  /** Delay between APPLYING and APPLIED/FAILED. Default 200 ms. */
  applyDelayMs?: number;
  /** Share of agents that answer FAILED to a remote config (deterministic). Default 0. */
  failShare?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Default: enough 127.0.0.x addresses (from 127.0.0.2) for ~20,000 connections each. */
  localAddresses?: string[];
  /** Default: ceil(agents / maxAgentsPerWorker). */
  workers?: number;
  /** Host names are `${namePrefix}-000123`. Default 'bench-gw'. */
  namePrefix?: string;
  /** Connects in flight per worker. Default 256. */
  connectConcurrency?: number;
  log?: (line: string) => void;
}

/** Soft RLIMIT_NOFILE of this process (children inherit it). */
export function openFilesLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
  } catch {
    /* not Linux */
  }
  return 1024;
}

/** Agents one worker holds at most: its descriptor budget minus headroom. */
export const maxAgentsPerWorker = () => Math.max(100, Math.min(15_000, openFilesLimit() - 1_000));

/** One source address per ~20,000 connections (an address gives ~28k ephemeral ports). */
export function defaultLocalAddresses(agents: number): string[] {
  const n = Math.max(2, Math.ceil(agents / 20_000) + 1);
  return Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
}

const workerScript = fileURLToPath(new URL('./sim-worker.ts', import.meta.url));

interface Worker {
  child: ChildProcess;
  pending: Map<number, { resolve(v: unknown): void; reject(e: Error): void }>;
  startIndex: number;
  count: number;
}

export class Simulator {
  private workers: Worker[] = [];
  private nextId = 1;
  private readonly opts: Required<Omit<SimulatorOptions, 'log'>> & { log: (line: string) => void };

  constructor(opts: SimulatorOptions) {
    const perWorker = maxAgentsPerWorker();
    this.opts = {
      transport: 'websocket',
      heartbeatSeconds: 30,
      applyDelayMs: 200,
      failShare: 0,
      reconnectMinMs: 500,
      reconnectMaxMs: 10_000,
      localAddresses: defaultLocalAddresses(opts.agents),
      workers: Math.max(1, Math.ceil(opts.agents / perWorker)),
      namePrefix: 'bench-gw',
      connectConcurrency: 256,
      log: () => undefined,
      ...(Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as SimulatorOptions),
    };
    if (Math.ceil(this.opts.agents / this.opts.workers) > perWorker) {
      throw new Error(
        `${this.opts.agents} agents over ${this.opts.workers} workers exceeds ` +
          `${perWorker} per worker (open files limit ${openFilesLimit()})`,
      );
    }
  }

  get agents(): number {
    return this.opts.agents;
  }

  /** Forks the workers (once) and creates their agents for `url` (not connected yet). */
  async init(target: { url?: string; token?: string; namePrefix?: string } = {}): Promise<void> {
    Object.assign(this.opts, Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined)));
    if (this.workers.length === 0) {
      const per = Math.ceil(this.opts.agents / this.opts.workers);
      for (let w = 0, start = 0; w < this.opts.workers && start < this.opts.agents; w++, start += per) {
        const child = fork(workerScript, [], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          serialization: 'advanced',
        });
        const worker: Worker = {
          child,
          pending: new Map(),
          startIndex: start,
          count: Math.min(per, this.opts.agents - start),
        };
        child.on('message', (m: { id: number; body: unknown }) => {
          const p = worker.pending.get(m.id);
          if (!p) return;
          worker.pending.delete(m.id);
          const body = m.body as { error?: string };
          if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string')
            p.reject(new Error(`sim worker: ${body.error}`));
          else p.resolve(m.body);
        });
        child.on('exit', (code) => {
          for (const p of worker.pending.values()) p.reject(new Error(`sim worker exited (${code})`));
          worker.pending.clear();
        });
        this.workers.push(worker);
      }
    }
    await Promise.all(
      this.workers.map((w) =>
        this.call(w, {
          op: 'init',
          config: {
            url: this.opts.url,
            token: this.opts.token,
            transport: this.opts.transport,
            heartbeatSeconds: this.opts.heartbeatSeconds,
            applyDelayMs: this.opts.applyDelayMs,
            failShare: this.opts.failShare,
            reconnectMinMs: this.opts.reconnectMinMs,
            reconnectMaxMs: this.opts.reconnectMaxMs,
            localAddresses: this.opts.localAddresses,
            namePrefix: this.opts.namePrefix,
            startIndex: w.startIndex,
            count: w.count,
          } satisfies WorkerConfig,
        }),
      ),
    );
  }

  /** Starts every agent (bounded connect concurrency); resolves once each has connected once. */
  async start(): Promise<void> {
    await Promise.all(
      this.workers.map((w) => this.call(w, { op: 'start', concurrency: this.opts.connectConcurrency })),
    );
  }

  async status(): Promise<WorkerStatus & { workerRssBytes: number[] }> {
    const all = (await Promise.all(this.workers.map((w) => this.call(w, { op: 'status' })))) as WorkerStatus[];
    const sum = {
      agents: 0,
      connected: 0,
      fullStateAcked: 0,
      reconnected: 0,
      configs: 0,
      applied: 0,
      failed: 0,
      sent: 0,
      received: 0,
      errors: 0,
      sendFailures: 0,
      rssBytes: 0,
    };
    for (const s of all) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += s[k];
    return { ...sum, workerRssBytes: all.map((s) => s.rssBytes) };
  }

  /** Polls status until `pred` holds; bounded by timeoutMs (then throws with the last status). */
  async waitFor(
    label: string,
    pred: (s: WorkerStatus) => boolean,
    timeoutMs: number,
    intervalMs = 250,
  ): Promise<WorkerStatus> {
    const end = Date.now() + timeoutMs;
    let last: WorkerStatus | null = null;
    let lastLog = 0;
    while (Date.now() < end) {
      last = await this.status();
      if (pred(last)) return last;
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        this.opts.log(
          `  … ${label}: connected ${last.connected}/${last.agents}, full state acked ` +
            `${last.fullStateAcked}, configs ${last.configs} (applied ${last.applied}, failed ${last.failed})`,
        );
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    throw new Error(`${label}: not reached in ${timeoutMs} ms; last status ${JSON.stringify(last)}`);
  }

  async deployStats(hash: string, t0: number): Promise<DeployStats> {
    const all = (await Promise.all(
      this.workers.map((w) => this.call(w, { op: 'deployStats', hash, t0 })),
    )) as DeployStats[];
    return {
      received: all.flatMap((s) => s.received),
      applied: all.flatMap((s) => s.applied),
      failed: all.reduce((n, s) => n + s.failed, 0),
      missing: all.reduce((n, s) => n + s.missing, 0),
    };
  }

  async uids(): Promise<string[]> {
    return ((await Promise.all(this.workers.map((w) => this.call(w, { op: 'uids' })))) as string[][]).flat();
  }

  /** Stops every agent (agent_disconnect, close); the workers stay for the next init(). */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map((w) => this.call(w, { op: 'stop', concurrency: this.opts.connectConcurrency * 4 })),
    );
  }

  /** Ends the worker processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.child.exitCode !== null) return;
        const exited = new Promise<void>((r) => w.child.once('exit', () => r()));
        await this.call(w, { op: 'exit' }).catch(() => undefined);
        const t = setTimeout(() => w.child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }),
    );
    this.workers = [];
  }

  private call(w: Worker, req: DistributiveOmit<WorkerRequest, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      w.pending.set(id, { resolve, reject });
      w.child.send({ ...req, id } as WorkerRequest, (err) => {
        if (err) {
          w.pending.delete(id);
          reject(err);
        }
      });
    });
  }
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
