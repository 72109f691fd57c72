// Starts the control plane as a real process (`flowgate start`), the way users run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const ADMIN = { email: 'admin@flowgate.e2e', password: 'e2e-admin-password' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  token(): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(
  env: Record<string, string> = {},
  opts: { port?: number; dataDir?: string } = {},
): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'flowgate-e2e-'));
  const child = spawn(process.execPath, [join(repoRoot, 'packages/server/bin/flowgate.mjs'), 'start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      FLOWGATE_DATA_DIR: dataDir,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      FLOWGATE_ADMIN_EMAIL: ADMIN.email,
      FLOWGATE_ADMIN_PASSWORD: ADMIN.password,
      FLOWGATE_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`flowgate exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`flowgate did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  let cached: string | null = null;
  const token = async () => {
    if (cached) return cached;
    const r = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    cached = ((await r.json()) as { access_token: string }).access_token;
    return cached;
  };
  return {
    url,
    port,
    dataDir,
    child,
    output: () => out,
    token,
    async api(method, path, body) {
      const r = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* text */
      }
      return { status: r.status, body: parsed as never };
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return new Promise((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', (code) => {
          clearTimeout(t);
          resolve(code);
        });
      });
    },
  };
}

export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * With DATABASE_URL set: a fresh database on that server for one test (its URL in `env`, dropped by
 * dropScratchDatabases()); without it: no env (the server uses embedded PGlite in its data dir).
 */
const scratchDatabases: string[] = [];
export async function scratchDatabaseEnv(): Promise<Record<string, string>> {
  if (!process.env.DATABASE_URL) return {};
  const name = `flowgate_e2e_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  scratchDatabases.push(name);
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/${name}`;
  return { DATABASE_URL: u.toString() };
}
export async function dropScratchDatabases(): Promise<void> {
  if (!process.env.DATABASE_URL) return;
  for (const name of scratchDatabases.splice(0)) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
}
