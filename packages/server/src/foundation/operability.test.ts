// Operability as an operator sees it: health and readiness, Prometheus metrics by route, OpenAPI and
// docs, JSON logs with request ids, login rate limiting, audit paging, settings, and what happens when
// the database is unreachable at start or lost while running (503, then recovery without a restart).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import pg from 'pg';
import {
  startTestFlowgate,
  freshPostgresUrl,
  api,
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type TestFlowgate,
} from '../testing/harness.ts';
import { createFlowgate } from '../app.ts';
import { loadConfig } from '../config/env.ts';
import { inject } from './openapi-walk.ts';

let fg: TestFlowgate;
before(async () => {
  fg = await startTestFlowgate();
});
after(async () => {
  await fg?.close();
});

test('GET /healthz answers 200 without credentials', async () => {
  const r = await inject(fg, { method: 'GET', url: '/healthz' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok' });
});

test('GET /readyz answers 200 and names the database kind', async () => {
  const r = await inject(fg, { method: 'GET', url: '/readyz' });
  assert.equal(r.status, 200, r.text);
  const body = r.body as { status: string; database: string };
  assert.equal(body.status, 'ready');
  assert.equal(body.database, process.env.DATABASE_URL ? 'postgres' : 'pglite');
});

test(
  'GET /metrics has HTTP latency histograms labelled by route pattern, ' + 'the database pool and the process',
  async () => {
    const a = api(fg, fg.adminToken);
    await a.get('/api/v1/auth/me');
    await a.get(`/api/v1/orgs/${fg.defaultOrgId}/members`);
    const r = await inject(fg, { method: 'GET', url: '/metrics' });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    const lines = r.text.split('\n');
    const bucket = (route: string) =>
      lines.find(
        (l) => l.startsWith('flowgate_http_request_duration_seconds_bucket{') && l.includes(`route="${route}"`),
      );
    assert.ok(bucket('/api/v1/auth/me'), 'no latency histogram for /api/v1/auth/me');
    assert.match(bucket('/api/v1/auth/me')!, /method="GET"/);
    assert.match(bucket('/api/v1/auth/me')!, /status_code="200"/);
    // The route pattern, not the raw URL: one series per route, whatever the ids.
    assert.ok(bucket('/api/v1/orgs/:org_id/members'), 'the members route is not labelled by its pattern');
    assert.ok(!r.text.includes(`route="/api/v1/orgs/${fg.defaultOrgId}/members"`), 'raw ids leak into the route label');
    assert.ok(lines.some((l) => l.startsWith('flowgate_http_request_duration_seconds_count{')));
    assert.ok(
      lines.some((l) => l.startsWith('flowgate_db_pool_connections{state="total"}')),
      'no database pool gauge',
    );
    assert.ok(
      lines.some(
        (l) =>
          l.startsWith('flowgate_process_resident_memory_bytes') ||
          l.startsWith('flowgate_nodejs_heap_size_used_bytes'),
      ),
      'no process metrics',
    );
  },
);

test('GET /openapi.json is OpenAPI 3 and documents the API; /docs serves the interactive docs', async () => {
  const r = await inject(fg, { method: 'GET', url: '/openapi.json' });
  assert.equal(r.status, 200);
  const doc = r.body as { openapi: string; paths: Record<string, Record<string, unknown>>; info: { title: string } };
  assert.match(doc.openapi, /^3\./);
  assert.ok(doc.paths['/api/v1/auth/login']?.post, 'login is not documented');
  assert.ok(doc.paths['/api/v1/settings']?.get && doc.paths['/api/v1/settings']?.put);
  assert.ok(
    Object.keys(doc.paths).every((p) => p.startsWith('/api/') || p.startsWith('/v1/')),
    'undocumented-by-design routes leak into the spec',
  );
  let docs = await inject(fg, { method: 'GET', url: '/docs' });
  for (let i = 0; i < 3 && docs.status >= 300 && docs.status < 400; i++) {
    docs = await inject(fg, { method: 'GET', url: new URL(String(docs.headers.location), 'http://x/docs/').pathname });
  }
  assert.equal(docs.status, 200);
  assert.match(String(docs.headers['content-type']), /text\/html/);
  assert.match(docs.text, /<html/i);
});

test('logs are JSON lines carrying the request id', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const logged = await startTestFlowgate({}, { logger: pino({ level: 'info' }, sink) });
  try {
    const r = await inject(logged, {
      method: 'GET',
      url: '/api/v1/auth/me',
      token: logged.adminToken,
      headers: { 'x-request-id': 'log-check-42' },
    });
    assert.equal(r.status, 200);
    await new Promise((res) => setTimeout(res, 50));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = parsed.filter((l) => l.reqId === 'log-check-42');
    assert.ok(mine.length >= 1, `no log line with reqId log-check-42 among ${lines.length} lines`);
    assert.ok(mine.some((l) => typeof l.level === 'number' && typeof l.time === 'number'));
    assert.ok(!lines.some((l) => l.includes(logged.adminToken)), 'a bearer token was logged');
  } finally {
    await logged.close();
  }
});

test('login and token-issuing routes are rate limited: 429 RATE_LIMITED with Retry-After', async () => {
  // Built directly (not through the harness, which logs in from 127.0.0.1): with REDIS_URL the limit
  // counters live in Redis, shared by every Flowgate of the test run, so this test calls from its own
  // client address to count only its own attempts.
  const pgdb = await freshPostgresUrl();
  const { openPglite } = await import('../platform/db/pglite.ts');
  const config = loadConfig({
    FLOWGATE_DATA_DIR: fg.config.dataDir,
    FLOWGATE_SECRET: fg.config.secret,
    FLOWGATE_ADMIN_EMAIL: ADMIN_EMAIL,
    FLOWGATE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  const db = pgdb ? undefined : await openPglite(null);
  const limited = await createFlowgate(config, {
    logger: false,
    db,
    loginRateLimit: { max: 3, timeWindow: '1 minute' },
  });
  const remoteAddress = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  const send = async (method: 'GET' | 'POST', url: string, payload?: object, token?: string) => {
    const res = await limited.app.inject({
      method,
      url,
      remoteAddress,
      ...(payload ? { payload } : {}),
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.json() as { error?: { code: string }; access_token?: string },
    };
  };
  try {
    const statuses: number[] = [];
    let tooMany = null;
    for (let i = 0; i < 6 && !tooMany; i++) {
      const r = await send('POST', '/api/v1/auth/login', { email: ADMIN_EMAIL, password: 'wrong-password' });
      statuses.push(r.status);
      if (r.status === 429) tooMany = r;
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    assert.ok(tooMany);
    assert.equal(tooMany.body.error?.code, 'RATE_LIMITED');
    const retryAfter = Number(tooMany.headers['retry-after']);
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60,
      `Retry-After: ${tooMany.headers['retry-after']}`,
    );
    // Even the right password waits now.
    assert.equal(
      (await send('POST', '/api/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status,
      429,
    );
    // Another client is not affected, and other routes are not limited.
    const other = await limited.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '192.0.2.77',
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    assert.equal(other.statusCode, 200, other.body);
    const token = (other.json() as { access_token: string }).access_token;
    assert.equal((await send('GET', '/api/v1/auth/me', undefined, token)).status, 200);
    // API key creation issues credentials: limited the same way.
    const keyStatuses: number[] = [];
    for (let i = 0; i < 5 && keyStatuses.at(-1) !== 429; i++)
      keyStatuses.push((await send('POST', '/api/v1/api-keys', { name: `k${i}` }, token)).status);
    assert.deepEqual(keyStatuses, [201, 201, 201, 429], 'POST /api/v1/api-keys is not rate limited');
  } finally {
    await limited.close();
    await db?.close();
    await pgdb?.drop();
  }
});

test('audit log paging with a cursor returns every entry exactly once, newest first', async () => {
  const a = api(fg, fg.adminToken);
  const org = (await a.post('/api/v1/orgs', { name: 'Paging' })).body.id as string;
  const keyIds: string[] = [];
  for (let i = 0; i < 7; i++) {
    const k = await a.post(`/api/v1/api-keys?org_id=${org}`, { name: `page-${i}` });
    assert.equal(k.status, 201);
    keyIds.push(k.body.id);
  }
  const [{ n }] = (await fg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs WHERE org_id = $1', [
    org,
  ])) as [{ n: number }];
  assert.equal(n, 8, 'expected org.create + 7 api_key.create');
  const seen: { id: string; created_at: string; action: string; resource_id: string | null }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await a.get(
      `/api/v1/audit-logs?org_id=${org}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.items.length <= 3);
    seen.push(...r.body.items);
    cursor = r.body.next_cursor;
    pages++;
    assert.ok(pages <= 5, 'paging does not end');
  } while (cursor);
  assert.equal(pages, 3);
  assert.equal(seen.length, 8);
  assert.equal(new Set(seen.map((e) => e.id)).size, 8, 'an entry appeared twice');
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.created_at >= seen[i]!.created_at, 'not newest first');
  assert.deepEqual(
    seen
      .filter((e) => e.action === 'api_key.create')
      .map((e) => e.resource_id)
      .sort(),
    [...keyIds].sort(),
  );
  // Filters page the same way.
  const filtered = await a.get(`/api/v1/audit-logs?org_id=${org}&action=org.create`);
  assert.equal(filtered.body.items.length, 1);
  assert.equal(filtered.body.next_cursor, null);
});

test('settings: GET shows defaults, PUT round-trips, is audited, and invalid values change nothing', async () => {
  const a = api(fg, fg.adminToken);
  const org = (await a.post('/api/v1/orgs', { name: 'Settings' })).body.id as string;
  const defaults = await a.get(`/api/v1/settings?org_id=${org}`);
  assert.equal(defaults.status, 200);
  assert.deepEqual(defaults.body, {
    default_heartbeat_seconds: 30,
    registration_token_default_days: 30,
    opamp_token_days: 365,
    deployment_default_soak_seconds: 30,
    base_config_yaml: null,
  });
  const put = await a.put(`/api/v1/settings?org_id=${org}`, {
    default_heartbeat_seconds: 15,
    base_config_yaml: 'receivers: {}\n',
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.default_heartbeat_seconds, 15);
  const again = await a.get(`/api/v1/settings?org_id=${org}`);
  assert.deepEqual(again.body, {
    ...defaults.body,
    default_heartbeat_seconds: 15,
    base_config_yaml: 'receivers: {}\n',
  });
  const bad = await a.put(`/api/v1/settings?org_id=${org}`, { default_heartbeat_seconds: 1 });
  assert.equal(bad.status, 400);
  assert.deepEqual((await a.get(`/api/v1/settings?org_id=${org}`)).body, again.body);
  const audit = await a.get(`/api/v1/audit-logs?org_id=${org}&action=settings.update`);
  assert.equal(audit.body.items.length, 1);
  assert.equal(audit.body.items[0].before.default_heartbeat_seconds, 30);
  assert.equal(audit.body.items[0].after.default_heartbeat_seconds, 15);
  assert.equal(audit.body.items[0].actor_label, ADMIN_EMAIL);
  // Other orgs keep their own settings.
  assert.equal((await a.get(`/api/v1/settings?org_id=${fg.defaultOrgId}`)).body.default_heartbeat_seconds, 30);
});

test('a database unreachable at start makes createFlowgate fail fast with one readable error', async () => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://flowgate:x@127.0.0.1:1/flowgate',
    FLOWGATE_DATA_DIR: fg.config.dataDir,
    FLOWGATE_SECRET: fg.config.secret,
    LOG_LEVEL: 'silent',
  });
  const started = Date.now();
  await assert.rejects(createFlowgate(config, { logger: false }), (err: Error) => {
    assert.match(err.message, /database unavailable|ECONNREFUSED/i);
    assert.ok(!err.message.includes('\n'), `multi-line error: ${err.message}`);
    return true;
  });
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});

test('a closed database makes /readyz answer 503 DATABASE_UNAVAILABLE, and requests 503 too', async (t) => {
  const doomed = await startTestFlowgate();
  try {
    await doomed.db.close();
    const ready = await inject(doomed, { method: 'GET', url: '/readyz' });
    assert.equal(ready.status, 503, ready.text);
    assert.equal((ready.body as { error: { code: string } }).error.code, 'DATABASE_UNAVAILABLE');
    assert.ok(ready.headers['retry-after']);
    const req = await inject(doomed, { method: 'GET', url: '/api/v1/auth/me', token: doomed.adminToken });
    t.diagnostic(
      `GET /api/v1/auth/me on a closed ${doomed.db.kind} database → ${req.status} ${req.text.slice(0, 160)}`,
    );
    assert.equal(
      req.status,
      503,
      `a request needing the closed database answered ${req.status} ${req.text.slice(0, 200)}`,
    );
    assert.equal((req.body as { error: { code: string } }).error.code, 'DATABASE_UNAVAILABLE');
  } finally {
    await doomed.close().catch(() => undefined);
  }
});

// ---------------------------------------------------------------------------------------------
// PostgreSQL lost while running: the connection goes through a TCP proxy that the test cuts and
// restores. Only meaningful with DATABASE_URL (the embedded database cannot go away).

/**
 * A TCP proxy to host:port that can be cut (listener closed, live connections destroyed) and restored on the same port.
 */
async function tcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    async cut() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
      });
      server = null;
    },
    restore: listen,
    async close() {
      if (server) await this.cut();
    },
  };
}

test(
  'PostgreSQL lost while running: 503s (never 500), then recovery without a restart',
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL (PostgreSQL)', timeout: 90_000 },
  async (t) => {
    const fresh = (await freshPostgresUrl())!;
    const real = new URL(fresh.url);
    const proxy = await tcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(fresh.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const lost = await startTestFlowgate({}, { databaseUrl: viaProxy.toString() });
    try {
      const a = api(lost, lost.adminToken);
      assert.equal((await a.get('/api/v1/settings')).status, 200);

      await proxy.cut();
      const outage: number[] = [];
      const ready = await inject(lost, { method: 'GET', url: '/readyz' });
      outage.push(ready.status);
      assert.equal(ready.status, 503, ready.text);
      assert.equal((ready.body as { error: { code: string } }).error.code, 'DATABASE_UNAVAILABLE');
      for (const url of ['/api/v1/settings', '/api/v1/auth/me', '/api/v1/audit-logs']) {
        const r = await inject(lost, { method: 'GET', url, token: lost.adminToken }, 20_000);
        outage.push(r.status);
        assert.equal(r.status, 503, `${url} during the outage: ${r.status} ${r.text.slice(0, 200)}`);
        assert.equal((r.body as { error: { code: string } }).error.code, 'DATABASE_UNAVAILABLE');
      }
      const write = await inject(
        lost,
        { method: 'PUT', url: '/api/v1/settings', token: lost.adminToken, payload: { default_heartbeat_seconds: 20 } },
        20_000,
      );
      outage.push(write.status);
      assert.equal(write.status, 503, `a write during the outage: ${write.status} ${write.text.slice(0, 200)}`);

      await proxy.restore();
      const recoveredAt = Date.now();
      let status = 0;
      while (Date.now() - recoveredAt < 15_000) {
        status = (await a.get('/api/v1/settings')).status;
        if (status === 200) break;
        assert.notEqual(status, 500, 'a 500 while recovering');
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(status, 200, 'no recovery within 15 s');
      assert.equal((await inject(lost, { method: 'GET', url: '/readyz' })).status, 200);
      assert.equal(
        (await a.put('/api/v1/settings', { default_heartbeat_seconds: 20 })).body.default_heartbeat_seconds,
        20,
      );
      t.diagnostic(`during the outage: ${outage.join(', ')}; recovered after ${Date.now() - recoveredAt} ms`);
    } finally {
      await lost.close().catch(() => undefined);
      await proxy.close();
      await fresh.drop();
    }
  },
);

test(
  'PostgreSQL backends terminated under a running Flowgate: the pool reconnects by itself',
  { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL (PostgreSQL)', timeout: 60_000 },
  async (t) => {
    assert.ok(fg.databaseUrl);
    const dbName = new URL(fg.databaseUrl).pathname.slice(1);
    const a = api(fg, fg.adminToken);
    assert.equal((await a.get(`/api/v1/settings?org_id=${fg.defaultOrgId}`)).status, 200);
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    let killed: number;
    try {
      const res = await admin.query(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity ' +
          'WHERE datname = $1 AND pid <> pg_backend_pid()',
        [dbName],
      );
      killed = res.rows[0].n;
    } finally {
      await admin.end();
    }
    assert.ok(killed >= 1, 'no backend to terminate');
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await a.get(`/api/v1/settings?org_id=${fg.defaultOrgId}`);
      statuses.push(r.status);
      if (r.status === 200) break;
      assert.equal(r.status, 503, `after termination: ${r.status} ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(statuses.at(-1), 200, `no recovery: ${statuses.join(',')}`);
    assert.equal((await inject(fg, { method: 'GET', url: '/readyz' })).status, 200);
    t.diagnostic(`terminated ${killed} backends; next requests answered ${statuses.join(', ')}`);
  },
);
