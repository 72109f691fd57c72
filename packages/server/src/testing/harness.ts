// Test harness: one Flowgate per test file, on in-memory PGlite, or — when DATABASE_URL is set — on a
// fresh PostgreSQL database created for the file (so files never see each other's rows), with Redis
// events when REDIS_URL is set.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createFlowgate, type Flowgate, type FlowgateOptions } from '../app.ts';
import { loadConfig, type FlowgateConfig } from '../config/env.ts';

export const ADMIN_EMAIL = 'admin@flowgate.test';
export const ADMIN_PASSWORD = 'admin-password-1';

/** Creates an empty PostgreSQL database next to DATABASE_URL's and returns its URL (null without DATABASE_URL). */
export async function freshPostgresUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.DATABASE_URL;
  if (!base) return null;
  const name = `flowgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch (err) {
        // Say so: a role without pg_signal_backend cannot force the drop and databases pile up.
        process.stderr.write(`warning: could not drop test database ${name}: ${(err as Error).message}\n`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestFlowgate extends Flowgate {
  /** Bearer token of the bootstrap admin (owner of the default org). */
  adminToken: string;
  defaultOrgId: string;
  databaseUrl: string | null;
}

export async function startTestFlowgate(
  env: Record<string, string> = {},
  opts: FlowgateOptions & { databaseUrl?: string | null; dataDir?: string } = {},
): Promise<TestFlowgate> {
  const pgdb = opts.databaseUrl === undefined ? await freshPostgresUrl() : null;
  const databaseUrl = opts.databaseUrl !== undefined ? opts.databaseUrl : (pgdb?.url ?? null);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'flowgate-test-'));
  const config: FlowgateConfig = loadConfig({
    FLOWGATE_DATA_DIR: dataDir,
    FLOWGATE_ADMIN_EMAIL: ADMIN_EMAIL,
    FLOWGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    FLOWGATE_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
  // Without DATABASE_URL tests use in-memory PGlite unless a data dir is explicitly wanted.
  let db = opts.db;
  if (!db && !databaseUrl && !opts.dataDir) {
    const { openPglite } = await import('../platform/db/pglite.ts');
    db = await openPglite(null);
  }
  const cleanupOnError = async () => {
    if (db && db !== opts.db) await db.close().catch(() => undefined);
    await pgdb?.drop().catch(() => undefined);
  };
  let fg: Flowgate;
  try {
    fg = await createFlowgate(config, {
      logger: false,
      loginRateLimit: { max: 1000, timeWindow: '1 minute' },
      ...opts,
      db,
    });
  } catch (err) {
    await cleanupOnError();
    throw err;
  }
  const login = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  if (login.statusCode !== 200) {
    // Never leave a half-started Flowgate behind: the test file would hang instead of failing.
    await fg.close().catch(() => undefined);
    await cleanupOnError();
    throw new Error(`test admin login failed: ${login.body}`);
  }
  const adminToken = login.json().access_token as string;
  const me = await fg.app.inject({
    method: 'GET',
    url: '/api/v1/auth/me',
    headers: { authorization: `Bearer ${adminToken}` },
  });
  const defaultOrgId = me.json().memberships[0].org_id as string;
  const close = fg.close.bind(fg);
  return Object.assign(fg, {
    adminToken,
    defaultOrgId,
    databaseUrl,
    async close() {
      await close();
      if (db && db !== opts.db) await db.close();
      await pgdb?.drop();
    },
  });
}

/** Small client over app.inject with a bearer token. */
export function api(fg: Flowgate, token: string) {
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fg.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: bodies are asserted field by field
    let body: any;
    try {
      body = res.body ? JSON.parse(res.body) : null;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, headers: res.headers };
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, payload?: unknown) => call('POST', url, payload ?? {}),
    put: (url: string, payload?: unknown) => call('PUT', url, payload ?? {}),
    patch: (url: string, payload?: unknown) => call('PATCH', url, payload ?? {}),
    delete: (url: string) => call('DELETE', url),
    call,
  };
}

/** Creates a user, adds them to an org with a role, and returns their token. */
export async function userWithRole(
  fg: TestFlowgate,
  orgId: string,
  role: 'owner' | 'admin' | 'editor' | 'viewer',
  email = `${role}-${randomBytes(4).toString('hex')}@flowgate.test`,
) {
  const admin = api(fg, fg.adminToken);
  const created = await admin.post('/api/v1/users', { email, password: 'password-123', name: role });
  if (created.status !== 201) throw new Error(`create user: ${JSON.stringify(created.body)}`);
  const added = await admin.post(`/api/v1/orgs/${orgId}/members`, { user_id: created.body.id, role });
  if (added.status !== 201) throw new Error(`add member: ${JSON.stringify(added.body)}`);
  const login = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: 'password-123' },
  });
  return { userId: created.body.id as string, token: login.json().access_token as string, email };
}
