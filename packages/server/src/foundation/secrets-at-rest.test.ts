// Secrets at rest: reads the tables directly and finds only hashes. Passwords are argon2id hashes; API
// keys and registration tokens are SHA-256 hex digests of their plaintext; no plaintext (nor a long piece
// of it) appears in any text/json column of any table; the audit log records the creations without them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startTestFlowgate, api, ADMIN_PASSWORD, type TestFlowgate } from '../testing/harness.ts';
import { fetchOpenApi, inject, operationsOf, type Operation } from './openapi-walk.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let fg: TestFlowgate;
let ops: Operation[];
const password = `plain-pw-${randomBytes(12).toString('hex')}`;
let userId: string;
let apiKey: { id: string; key: string };
let regToken: { id: string; token: string } | null = null;
let opampToken: string | null = null;
let secretValue: string | null = null;
// ── events, webhooks ── a webhook's signing secret (shown once) and its URL (Slack's carries a token).
let webhook: { secret: string; urlToken: string } | null = null;

/** Every plaintext and the part of it that must never be stored (beyond a short visible prefix). */
const plaintexts = (): { label: string; needle: string }[] => {
  const out = [
    { label: 'user password', needle: password },
    { label: 'bootstrap admin password', needle: ADMIN_PASSWORD },
    { label: 'API key', needle: apiKey.key.slice(12, 40) },
  ];
  if (regToken) out.push({ label: 'registration token', needle: regToken.token.slice(12, 40) });
  if (opampToken) out.push({ label: 'OpAMP token signature', needle: opampToken.split('.')[2]!.slice(0, 30) });
  if (secretValue) out.push({ label: 'secret value', needle: secretValue });
  if (webhook) {
    out.push({ label: 'webhook signing secret', needle: webhook.secret.slice(4, 36) });
    out.push({ label: 'token in a webhook URL', needle: webhook.urlToken });
  }
  return out;
};

/** Rows (table.column) whose text form contains `needle`, over every text/json/bytea column of the public schema. */
async function findEverywhere(needle: string): Promise<{ hits: string[]; columns: number }> {
  const cols = await fg.db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')`,
  );
  const hits: string[] = [];
  for (const c of cols) {
    const expr = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
    const [row] = await fg.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE position($1 in ${expr}) > 0`,
      [needle],
    );
    if ((row?.n ?? 0) > 0) hits.push(`${c.table_name}.${c.column_name} (${row!.n} rows)`);
  }
  return { hits, columns: cols.length };
}

before(async () => {
  fg = await startTestFlowgate();
  ops = operationsOf(await fetchOpenApi(fg));
  const admin = api(fg, fg.adminToken);
  const u = await admin.post('/api/v1/users', {
    email: 'secret-holder@flowgate.test',
    password,
    name: 'Secret Holder',
  });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  userId = u.body.id;
  const k = await admin.post(`/api/v1/api-keys?org_id=${fg.defaultOrgId}`, { name: 'at-rest key', role: 'viewer' });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  apiKey = { id: k.body.id, key: k.body.key };
  if (ops.some((o) => o.method === 'POST' && o.path === '/api/v1/registration-tokens')) {
    const r = await admin.post(`/api/v1/registration-tokens?org_id=${fg.defaultOrgId}`, {
      name: 'at-rest token',
      expires_in_days: 7,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    regToken = { id: r.body.id, token: r.body.token };
    if (ops.some((o) => o.method === 'POST' && o.path === '/api/v1/gateways')) {
      const g = await inject(fg, {
        method: 'POST',
        url: '/api/v1/gateways',
        token: regToken.token,
        payload: { name: 'at-rest-gw', instance_id: `at-rest-${randomBytes(4).toString('hex')}` },
      });
      assert.equal(g.status, 201, g.text);
      opampToken = (g.body as { opamp_token: string }).opamp_token;
    }
  }
  const secretOp = ops.find((o) => (o.method === 'PUT' || o.method === 'POST') && o.path === '/api/v1/secrets');
  if (secretOp) {
    secretValue = `plain-secret-${randomBytes(12).toString('hex')}`;
    const s = await admin.call(secretOp.method as 'PUT' | 'POST', `/api/v1/secrets?org_id=${fg.defaultOrgId}`, {
      name: 'AT_REST_SECRET',
      value: secretValue,
    });
    assert.ok(s.status < 300, `storing a secret: ${s.status} ${JSON.stringify(s.body)}`);
  }
  // ── events, webhooks ──
  if (ops.some((o) => o.method === 'POST' && o.path === '/api/v1/webhooks')) {
    const urlToken = randomBytes(18).toString('hex');
    const w = await admin.post(`/api/v1/webhooks?org_id=${fg.defaultOrgId}`, {
      name: 'at-rest hook',
      url: `https://hooks.slack.com/services/T0AT/B0REST/${urlToken}`,
      events: ['webhook.test'],
      format: 'slack',
    });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    webhook = { secret: w.body.secret, urlToken };
  }
});
after(async () => {
  await fg?.close();
});

test('passwords are stored as argon2id hashes', async () => {
  const rows = await fg.db.query<{ id: string; password_hash: string }>('SELECT id, password_hash FROM users');
  assert.ok(rows.length >= 2);
  for (const r of rows) assert.match(r.password_hash, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/, `user ${r.id}`);
  const mine = rows.find((r) => r.id === userId)!;
  assert.ok(!mine.password_hash.includes(password));
  // The hash is the one login verifies: the password works, a wrong one does not.
  const ok = await inject(fg, {
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'secret-holder@flowgate.test', password },
  });
  assert.equal(ok.status, 200);
  const bad = await inject(fg, {
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'secret-holder@flowgate.test', password: password + 'x' },
  });
  assert.equal(bad.status, 401);
});

test('API keys are stored as the SHA-256 of the key, with only a short prefix in clear', async () => {
  const [row] = await fg.db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [apiKey.id]);
  assert.ok(row);
  assert.equal(row.key_hash, sha256(apiKey.key));
  assert.ok(String(row.prefix).length <= 12 && apiKey.key.startsWith(String(row.prefix)));
  for (const [col, v] of Object.entries(row))
    assert.ok(!String(v).includes(apiKey.key.slice(12)), `api_keys.${col} holds the key`);
  // And the stored hash is what authenticates: the key works as a bearer.
  const me = await inject(fg, { method: 'GET', url: `/api/v1/settings?org_id=${fg.defaultOrgId}`, token: apiKey.key });
  assert.equal(me.status, 200);
});

test('registration tokens are stored as the SHA-256 hex of the plaintext', async (t) => {
  if (!regToken) return t.skip('POST /api/v1/registration-tokens does not exist yet');
  const [row] = await fg.db.query<Record<string, unknown>>('SELECT * FROM registration_tokens WHERE id = $1', [
    regToken.id,
  ]);
  assert.ok(row);
  assert.equal(row.token, sha256(regToken.token));
  assert.match(String(row.token), /^[0-9a-f]{64}$/);
  for (const [col, v] of Object.entries(row))
    assert.ok(!String(v).includes(regToken.token.slice(12)), `registration_tokens.${col} holds the token`);
  const list = await api(fg, fg.adminToken).get(`/api/v1/registration-tokens?org_id=${fg.defaultOrgId}`);
  assert.ok(!JSON.stringify(list.body).includes(regToken.token.slice(12)), 'the list shows the plaintext again');
});

test('no plaintext secret appears in any column of any table', async (t) => {
  // Positive control: the scan does find what is stored (the API key's hash) — it is not vacuous.
  const control = await findEverywhere(sha256(apiKey.key));
  assert.deepEqual(control.hits, ['api_keys.key_hash (1 rows)']);
  assert.ok(control.columns > 20, `only ${control.columns} columns scanned`);
  for (const { label, needle } of plaintexts()) {
    const { hits } = await findEverywhere(needle);
    assert.deepEqual(hits, [], `the ${label} is stored in clear in ${hits.join(', ')}`);
  }
  t.diagnostic(
    `scanned ${control.columns} columns for: ${plaintexts()
      .map((p) => p.label)
      .join(', ')}`,
  );
});

test('the audit log records the creations, without any plaintext', async () => {
  const res = await api(fg, fg.adminToken).get(`/api/v1/audit-logs?org_id=${fg.defaultOrgId}&limit=500`);
  assert.equal(res.status, 200);
  const items = res.body.items as { action: string; resource_id: string | null }[];
  assert.ok(
    items.some((e) => e.action === 'user.create' && e.resource_id === userId),
    'no user.create entry for the user',
  );
  assert.ok(
    items.some((e) => e.action === 'api_key.create' && e.resource_id === apiKey.id),
    'no api_key.create entry for the key',
  );
  if (regToken)
    assert.ok(
      items.some((e) => e.resource_id === regToken!.id && /create/.test(e.action)),
      'no creation entry for the registration token',
    );
  const text = JSON.stringify(res.body);
  for (const { label, needle } of plaintexts()) assert.ok(!text.includes(needle), `the audit log shows the ${label}`);
});
