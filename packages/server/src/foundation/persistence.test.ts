// Persistence and the real `flowgate` command, tried as a new user would: embedded data survives a
// restart; `flowgate start` prints a generated admin password and the URL, serves /healthz, /docs, the
// UI and the API over real HTTP, and exits 0 on SIGTERM; `migrate`, `user create` and `--help` work;
// a bad environment or an unreachable database ends the process with a short readable message.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestFlowgate, freshPostgresUrl, api, ADMIN_EMAIL } from '../testing/harness.ts';

const bin = fileURLToPath(new URL('../../bin/flowgate.mjs', import.meta.url));
const uiIndex = fileURLToPath(new URL('../../../ui/dist/index.html', import.meta.url));
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const fn of cleanups) await fn().catch(() => undefined);
});

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `flowgate-${prefix}-`));

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** The environment of a new user: nothing of the test run's Flowgate settings leaks in. */
function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(FLOWGATE_|DATABASE_URL$|REDIS_URL$|PORT$|HOST$|OPAMP_PORT$|LOG_LEVEL$)/.test(k)) delete env[k];
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

interface Cli {
  proc: ChildProcess;
  out(): string;
  err(): string;
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exit(ms?: number): Promise<number | null>;
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Cli {
  const proc = spawn(process.execPath, [bin, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    out: () => out,
    err: () => err,
    async waitFor(re, ms = 60_000) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const m = out.match(re);
        if (m) return m;
        if (proc.exitCode !== null)
          throw new Error(`flowgate exited ${proc.exitCode} before printing ${re}:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`flowgate did not print ${re} within ${ms} ms:\n${out}\n${err}`);
    },
    async exit(ms = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), ms);
        }),
      ]);
      clearTimeout(timer);
      if (code === 'timeout') throw new Error(`flowgate did not exit within ${ms} ms:\n${out}\n${err}`);
      return code;
    },
  };
}

async function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string, ms = 60_000) {
  const cli = spawnCli(args, env, cwd);
  const code = await cli.exit(ms);
  return { code, stdout: cli.out(), stderr: cli.err() };
}

async function http(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, body };
}

/** A database for a child process: a fresh PostgreSQL database when DATABASE_URL is set, else embedded. */
async function childDatabase(): Promise<string | undefined> {
  const fresh = await freshPostgresUrl();
  if (!fresh) return undefined;
  cleanups.push(() => fresh.drop());
  return fresh.url;
}

test('embedded data survives a restart and the admin is not created twice', async () => {
  const dataDir = tmp('persist');
  const first = await startTestFlowgate({}, { databaseUrl: null, dataDir });
  let orgId: string;
  let key: string;
  try {
    assert.equal(first.db.kind, 'pglite');
    assert.equal(first.bootstrap.created, true);
    const created = await api(first, first.adminToken).post('/api/v1/orgs', { name: 'Survives restarts' });
    assert.equal(created.status, 201);
    orgId = created.body.id;
    const k = await api(first, first.adminToken).post(`/api/v1/api-keys?org_id=${orgId}`, { name: 'kept' });
    key = k.body.key;
  } finally {
    await first.close();
  }
  assert.ok(existsSync(join(dataDir, 'pgdata')), 'no database files in the data dir');
  const second = await startTestFlowgate({}, { databaseUrl: null, dataDir });
  try {
    assert.equal(second.bootstrap.created, false, 'the admin was bootstrapped again');
    const orgs = await api(second, second.adminToken).get('/api/v1/orgs');
    assert.ok(
      orgs.body.items.some((o: { id: string; name: string }) => o.id === orgId && o.name === 'Survives restarts'),
    );
    const users = await second.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)',
      [ADMIN_EMAIL],
    );
    assert.equal(users[0]!.n, 1);
    assert.equal(
      (await second.db.query<{ n: number }>("SELECT count(*)::int AS n FROM organizations WHERE name = 'Default'"))[0]!
        .n,
      1,
    );
    // A credential issued before the restart still works.
    assert.equal((await api(second, key).get(`/api/v1/settings?org_id=${orgId}`)).status, 200);
  } finally {
    await second.close();
  }
});

test(
  '`flowgate start` as a new user: generated password, URL, /healthz, ' +
    '/docs, UI, API; SIGTERM exits 0; restart keeps everything',
  async (t) => {
    const dataDir = tmp('cli');
    const port = await freePort();
    const databaseUrl = await childDatabase();
    // No REDIS_URL: with it, login rate-limit counters are shared with every Flowgate of the test run
    // (same client address 127.0.0.1), and this server's default limit (20 a minute) would be spent.
    const env = cleanEnv({ PORT: String(port), FLOWGATE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
    const cli = spawnCli(['start'], env, dataDir);
    const [, password] = await cli.waitFor(/password:\s+(\S+)/);
    const [, url] = await cli.waitFor(/open (http:\/\/\S+)/);
    assert.equal(url, `http://localhost:${port}`);
    assert.match(cli.out(), new RegExp(`email:\\s+${ADMIN_EMAIL.replace('.', '\\.')}|admin@flowgate\\.local`));
    assert.match(cli.out(), /shown once/);

    const health = await http(`${url}/healthz`);
    assert.equal(health.status, 200);
    const docs = await http(`${url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(docs.type, /text\/html/);
    const login = await http(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@flowgate.local', password }),
    });
    assert.equal(login.status, 200, login.text);
    const token = (login.body as { access_token: string }).access_token;
    const me = await http(`${url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    const meBody = me.body as {
      user: { email: string; is_instance_admin: boolean };
      memberships: { org_id: string; role: string }[];
    };
    assert.equal(meBody.user.email, 'admin@flowgate.local');
    assert.equal(meBody.memberships[0]?.role, 'owner');
    const orgId = meBody.memberships[0]!.org_id;
    if (existsSync(uiIndex)) {
      for (const page of ['/', '/login']) {
        const p = await http(`${url}${page}`);
        assert.equal(p.status, 200, `${page}: ${p.status}`);
        assert.match(p.type, /text\/html/);
        assert.match(p.text, /<div id="root"|<script/);
      }
    } else {
      t.diagnostic('packages/ui/dist is not built: the login page was not checked (npm start builds it)');
    }
    // Logs are JSON lines; the password is not among them.
    const logLines = cli
      .out()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0 && logLines.every((l) => JSON.parse(l)));
    assert.ok(!logLines.some((l) => l.includes(password!)), 'the generated password was logged');

    const stopAt = Date.now();
    cli.proc.kill('SIGTERM');
    assert.equal(await cli.exit(15_000), 0, `exit code after SIGTERM; stderr: ${cli.err()}`);
    t.diagnostic(`stopped ${Date.now() - stopAt} ms after SIGTERM`);

    // Add a user with the CLI while the server is down; migrations are already applied.
    const created = await runCli(
      [
        'user',
        'create',
        '--email',
        'cli-user@example.test',
        '--password',
        'cli-password-1',
        '--org',
        orgId,
        '--role',
        'editor',
      ],
      env,
      dataDir,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /created user cli-user@example\.test/);
    const migrated = await runCli(['migrate'], env, dataDir);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /database is up to date/);

    // Restart: no new password, the old one still works, and so does the new user.
    const again = spawnCli(['start'], env, dataDir);
    await again.waitFor(/Flowgate is ready: open http/);
    assert.ok(!/password:/.test(again.out()), 'a second password was generated on restart');
    const relogin = await http(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@flowgate.local', password }),
    });
    assert.equal(relogin.status, 200);
    const userLogin = await http(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli-user@example.test', password: 'cli-password-1' }),
    });
    assert.equal(userLogin.status, 200, userLogin.text);
    const userMe = await http(`${url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${(userLogin.body as { access_token: string }).access_token}` },
    });
    assert.deepEqual(
      (userMe.body as { memberships: { org_id: string; role: string }[] }).memberships.map((m) => [m.org_id, m.role]),
      [[orgId, 'editor']],
    );
    again.proc.kill('SIGTERM');
    assert.equal(await again.exit(15_000), 0);
  },
);

test('`flowgate migrate` applies the migrations to a new database once', async () => {
  const dataDir = tmp('migrate');
  const env = cleanEnv({ FLOWGATE_DATA_DIR: dataDir, DATABASE_URL: await childDatabase() });
  const first = await runCli(['migrate'], env, dataDir);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^applied: 0001_foundation/m);
  const second = await runCli(['migrate'], env, dataDir);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /database is up to date/);
});

test('`flowgate --help` exits 0; unknown commands and bad arguments fail readably', async () => {
  const cwd = tmp('help');
  const help = await runCli(['--help'], cleanEnv({}), cwd);
  assert.equal(help.code, 0);
  for (const cmd of ['flowgate start', 'flowgate migrate', 'flowgate user create'])
    assert.ok(help.stdout.includes(cmd), `--help does not mention ${cmd}`);
  const unknown = await runCli(['frobnicate'], cleanEnv({}), cwd);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /unknown command/);
  const missing = await runCli(
    ['user', 'create', '--email', 'x@example.test'],
    cleanEnv({ FLOWGATE_DATA_DIR: cwd }),
    cwd,
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--password/);
  assert.ok(!/^\s+at /m.test(missing.stderr), 'stack trace printed');
});

test('an invalid environment exits non-zero and names every problem at once', async () => {
  const cwd = tmp('badenv');
  const r = await runCli(
    ['start'],
    cleanEnv({ PORT: 'abc', LOG_LEVEL: 'loud', FLOWGATE_OPAMP_MESSAGES_PER_SECOND: '-3', FLOWGATE_DATA_DIR: cwd }),
    cwd,
    30_000,
  );
  assert.notEqual(r.code, 0);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /PORT/);
  assert.match(r.stderr, /abc/);
  assert.match(r.stderr, /LOG_LEVEL/);
  assert.match(r.stderr, /loud/);
  assert.match(r.stderr, /FLOWGATE_OPAMP_MESSAGES_PER_SECOND must be a positive number, got "-3"/);
  assert.ok(!/^\s+at /m.test(r.stderr + r.stdout), `stack trace printed:\n${r.stderr}`);
});

test('an unreachable DATABASE_URL exits non-zero quickly with one readable line', async () => {
  const cwd = tmp('nodb');
  const started = Date.now();
  const r = await runCli(
    ['start'],
    cleanEnv({
      DATABASE_URL: 'postgres://flowgate:x@127.0.0.1:1/x',
      FLOWGATE_DATA_DIR: cwd,
      PORT: String(await freePort()),
    }),
    cwd,
    30_000,
  );
  assert.equal(r.code, 1, `exit code; stdout: ${r.stdout}; stderr: ${r.stderr}`);
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /database/i);
  assert.match(lines[0]!, /127\.0\.0\.1:1|ECONNREFUSED/);
  assert.ok(!/^\s+at /m.test(r.stderr + r.stdout), 'stack trace printed');
});
