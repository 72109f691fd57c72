// Real gateways for end-to-end tests: the upstream opampsupervisor running our otelcol-flowgate
// (gateway/dist, from `npm run gateway:build`), started the three ways a user can:
//   script     gateway/onboard.sh (seed flow: POST /api/v1/gateways with a registration token → OpAMP token)
//   cli        `flowgate gateway run` (the same script, through the CLI)
//   zero-touch the supervisor alone with a registration token as its bearer token, from a supervisor.yaml
// Every gateway gets its own storage directory and its own OTLP and internal-metrics ports. All its
// processes (supervisor, collector, the CLI's node) carry the storage directory on their command line,
// which is how leftovers are found and killed (by pid) — nothing else on the host is touched.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, freePort, eventually, type ServerProcess } from './server.ts';

export const COLLECTOR_BIN = join(repoRoot, 'gateway/dist/otelcol-flowgate');
export const SUPERVISOR_BIN = join(repoRoot, 'gateway/dist/opampsupervisor');

/** A skip reason when the gateway binaries are not built, else false. */
export const gatewaySkip: string | false =
  existsSync(COLLECTOR_BIN) && existsSync(SUPERVISOR_BIN) ? false : 'gateway binaries not built: npm run gateway:build';

export interface GatewayPorts {
  grpc: number;
  http: number;
  metrics: number;
}

const taken = new Set<number>();
/** Three free ports, never handed out twice by this process. */
export async function gatewayPorts(): Promise<GatewayPorts> {
  const one = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  return { grpc: await one(), http: await one(), metrics: await one() };
}

export type Launch =
  | { via: 'script'; registrationToken: string }
  | { via: 'cli'; registrationToken: string }
  /** supervisorYaml gets the gateway's storage directory. */
  | { via: 'zero-touch'; registrationToken: string; supervisorYaml: (storageDir: string) => string };

/** pids whose command line contains `needle` (pgrep -f, fixed string). */
export function pidsMatching(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.includes(needle))) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

function argv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** `pgrep -f otelcol-flowgate` as the brief asks, for the final report of a file. */
export function pgrepCollectors(): string {
  try {
    return execFileSync('pgrep', ['-af', 'otelcol-flowgate'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export class RealGateway {
  child: ChildProcess | null = null;
  private out = '';
  starts = 0;

  private constructor(
    readonly name: string,
    readonly storageDir: string,
    readonly ports: GatewayPorts,
    private readonly server: () => ServerProcess,
    private readonly launch: Launch,
  ) {}

  static async create(name: string, server: () => ServerProcess, launch: Launch): Promise<RealGateway> {
    const storage = mkdtempSync(join(tmpdir(), `flowgate-gw-${name.replace(/[^\w-]/g, '_')}-`));
    return new RealGateway(name, storage, await gatewayPorts(), server, launch);
  }

  /** The collector's view of its ports: every launch mode passes these to the collector. */
  private portEnv(): Record<string, string> {
    return {
      FLOWGATE_OTLP_GRPC_ENDPOINT: `127.0.0.1:${this.ports.grpc}`,
      FLOWGATE_OTLP_HTTP_ENDPOINT: `127.0.0.1:${this.ports.http}`,
      FLOWGATE_COLLECTOR_METRICS_PORT: String(this.ports.metrics),
    };
  }

  start(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      throw new Error(`gateway ${this.name} is already running`);
    const srv = this.server();
    const base = process.env;
    let child: ChildProcess;
    if (this.launch.via === 'script') {
      child = spawn('sh', [join(repoRoot, 'gateway/onboard.sh')], {
        env: {
          ...base,
          ...this.portEnv(),
          INSTANCE_ID: this.name,
          GATEWAY_NAME: this.name,
          REGISTRATION_TOKEN: this.launch.registrationToken,
          BACKEND_URL: srv.url,
          STORAGE_DIR: this.storageDir,
          COLLECTOR_BIN,
          SUPERVISOR_BIN,
          ONBOARD_RETRY_DELAY: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } else if (this.launch.via === 'cli') {
      child = spawn(
        process.execPath,
        [
          join(repoRoot, 'packages/server/bin/flowgate.mjs'),
          'gateway',
          'run',
          '--server',
          srv.url,
          '--registration-token',
          this.launch.registrationToken,
          '--name',
          this.name,
          '--storage',
          this.storageDir,
          '--otlp-grpc-endpoint',
          `127.0.0.1:${this.ports.grpc}`,
          '--otlp-http-endpoint',
          `127.0.0.1:${this.ports.http}`,
          '--metrics-port',
          String(this.ports.metrics),
        ],
        { cwd: repoRoot, env: base, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
      );
    } else {
      const file = join(this.storageDir, 'supervisor.yaml');
      writeFileSync(file, this.launch.supervisorYaml(this.storageDir), { mode: 0o600 });
      child = spawn(SUPERVISOR_BIN, ['--config', file], {
        env: { ...base, ...this.portEnv(), FLOWGATE_TOKEN: this.launch.registrationToken },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    }
    this.starts++;
    this.out += `\n===== start #${this.starts} (${this.launch.via}) =====\n`;
    const keep = (d: Buffer) => {
      this.out += d.toString();
      if (this.out.length > 400_000) this.out = this.out.slice(-300_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.child = child;
  }

  output(): string {
    return this.out;
  }

  /** The tail of the supervisor's output and of the collector's agent.log, for failure messages. */
  diagnostics(chars = 4000): string {
    let agentLog = '';
    try {
      agentLog = readFileSync(join(this.storageDir, 'agent.log'), 'utf8').slice(-chars);
    } catch {
      /* none yet */
    }
    return (
      `--- ${this.name} supervisor output (tail) ---\n${this.out.slice(-chars)}\n` +
      `--- ${this.name} agent.log (tail) ---\n${agentLog}`
    );
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The running collector's pid (not a `validate` one-shot), or null. */
  collectorPid(): number | null {
    const pids = pidsMatching(join(this.storageDir, 'effective.yaml')).filter((p) => {
      const a = argv(p);
      return a[0]?.endsWith('otelcol-flowgate') && a[1] !== 'validate';
    });
    return pids[0] ?? null;
  }

  /** The supervisor's instance_uid as persisted in its storage (persistent_state.yaml). */
  instanceUid(): string | null {
    try {
      return (
        /instance_id:\s*"?([0-9a-f-]{36})/i.exec(
          readFileSync(join(this.storageDir, 'persistent_state.yaml'), 'utf8'),
        )?.[1] ?? null
      );
    } catch {
      return null;
    }
  }

  /** Every process of this gateway still alive (matched by its storage directory). */
  processes(): number[] {
    return pidsMatching(this.storageDir);
  }

  /**
   * Graceful stop: one SIGTERM to the process we started (the supervisor, or the CLI, which forwards it
   * once), wait for it; then SIGKILL whatever of this gateway is left. Resolves with the exit code.
   */
  async stop(graceMs = 30_000): Promise<number | null> {
    const child = this.child;
    let code: number | null = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.kill('SIGTERM');
      const t = setTimeout(() => this.kill(), graceMs);
      code = await exited;
      clearTimeout(t);
    } else if (child) {
      code = child.exitCode;
    }
    // The collector may outlive its supervisor by a moment.
    await eventually(async () => this.processes().length === 0, 10_000, 200).catch(() => this.kill());
    return code;
  }

  /** Deletes the storage directory (tokens, configs, logs) once nothing of the gateway runs. */
  removeStorage(): void {
    if (this.processes().length === 0) rmSync(this.storageDir, { recursive: true, force: true });
  }

  /** SIGKILL to every process of this gateway and to the group we started. */
  kill(): void {
    for (const pid of this.processes()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        /* group gone */
      }
    }
  }
}

// ── control-plane API helpers ────────────────────────────

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

export async function ok<T = Json>(
  p: Promise<{ status: number; body: T }>,
  what: string,
  expected = [200, 201],
): Promise<T> {
  const r = await p;
  if (!expected.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function gatewayDetail(server: ServerProcess, id: string): Promise<Json> {
  return ok(server.api('GET', `/api/v1/gateways/${id}`), `GET gateway ${id}`);
}

/** The gateway's detail once it is connected and healthy (agent-reported healthy, health `healthy`). */
export async function waitHealthy(
  server: ServerProcess,
  id: string,
  timeoutMs = 60_000,
  extra?: (d: Json) => boolean,
): Promise<Json> {
  return eventually(
    async () => {
      const d = await gatewayDetail(server, id);
      return d.connected &&
        d.health.status === 'healthy' &&
        d.component_health?.healthy === true &&
        (!extra || extra(d))
        ? d
        : null;
    },
    timeoutMs,
    500,
  );
}

/** The remote-config status once it is `status` for `hash`. */
export async function waitRemoteConfig(
  server: ServerProcess,
  id: string,
  status: string,
  hash: string,
  timeoutMs = 60_000,
): Promise<Json> {
  return eventually(
    async () => {
      const d = await gatewayDetail(server, id);
      return d.remote_config.status === status && d.remote_config.hash === hash ? d : null;
    },
    timeoutMs,
    500,
  );
}

export async function configEvents(
  server: ServerProcess,
  id: string,
): Promise<{ config_hash: string | null; status: string; error_message: string | null; created_at: string }[]> {
  return (await ok(server.api('GET', `/api/v1/gateways/${id}/config-events`), 'config-events')).items;
}

export async function createTemplate(
  server: ServerProcess,
  name: string,
  configYaml: string,
): Promise<{ id: string; version: number }> {
  const t = await ok(
    server.api('POST', '/api/v1/templates', { name, config_yaml: configYaml }),
    `create template ${name}`,
  );
  return { id: t.id, version: t.latest.version };
}

export async function addVersion(
  server: ServerProcess,
  templateId: string,
  configYaml: string,
  message?: string,
): Promise<number> {
  const v = await ok(
    server.api('POST', `/api/v1/templates/${templateId}/versions`, {
      config_yaml: configYaml,
      ...(message ? { message } : {}),
    }),
    'new template version',
  );
  return v.version;
}

export async function deploy(server: ServerProcess, body: Json): Promise<Json> {
  return ok(server.api('POST', '/api/v1/deployments', body), 'create deployment');
}

export async function deployment(server: ServerProcess, id: string): Promise<Json> {
  return ok(server.api('GET', `/api/v1/deployments/${id}`), `GET deployment ${id}`);
}

/** Polls `fn` and prints a diagnostic (e.g. gateway logs) when it fails. */
export async function eventuallyOr<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  diag: () => string | Promise<string>,
  intervalMs = 500,
): Promise<T> {
  try {
    return await eventually(fn, timeoutMs, intervalMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await diag()}`, { cause: err });
  }
}
