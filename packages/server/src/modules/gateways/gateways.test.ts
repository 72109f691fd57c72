import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';

let fg: TestFlowgate;
let regToken: string;
let regTokenId: string;
const admin = () => api(fg, fg.adminToken);

async function register(name: string, instanceId = name) {
  const res = await fg.app.inject({ method: 'POST', url: '/api/v1/gateways', headers: { authorization: `Bearer ${regToken}` }, payload: { name, instance_id: instanceId, hostname: `${name}.local` } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; opamp_token: string; instance_id: string };
}

before(async () => {
  fg = await startTestFlowgate();
  const t = await admin().post('/api/v1/registration-tokens', { name: 'gw-tests', expires_in_days: 1 });
  regToken = t.body.token;
  regTokenId = t.body.id;
});
after(async () => { await fg?.close(); });

test('list pages with a cursor through every gateway exactly once, filtered and sorted', async () => {
  const names: string[] = [];
  for (let i = 0; i < 12; i++) names.push((await register(`page-${String(i).padStart(2, '0')}`)).instance_id);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await admin().get(`/api/v1/gateways?name=page-&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.items.length <= 5);
    seen.push(...res.body.items.map((g: { name: string }) => g.name));
    cursor = res.body.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, [...names].sort());
  const desc = await admin().get('/api/v1/gateways?name=page-&sort=-name&limit=3');
  assert.deepEqual(desc.body.items.map((g: { name: string }) => g.name), ['page-11', 'page-10', 'page-09']);
  const tooMany = await admin().get('/api/v1/gateways?limit=501');
  assert.equal(tooMany.status, 400);
  const badCursor = await admin().get('/api/v1/gateways?cursor=nonsense');
  assert.equal(badCursor.status, 400);
  const item = desc.body.items[0];
  for (const k of ['name', 'status', 'health', 'version', 'last_seen', 'tags', 'transport']) assert.ok(k in item, `list item has ${k}`);
});

test('tags: replace, filter by tag, agent-tags, count; rename keeps; delete removes', async () => {
  const g = await register('tagged-1');
  const put = await admin().put(`/api/v1/gateways/${g.id}/tags`, { tags: { env: 'prod', region: 'eu' } });
  assert.equal(put.status, 200);
  assert.deepEqual(put.body.tags, { env: 'prod', region: 'eu' });
  const byTag = await admin().get('/api/v1/gateways?tag=env=prod');
  assert.deepEqual(byTag.body.items.map((x: { id: string }) => x.id), [g.id]);
  const tags = await admin().get('/api/v1/agent-tags');
  assert.ok(tags.body.items.some((t: { key: string; values: string[] }) => t.key === 'env' && t.values.includes('prod')));
  const count = await admin().get(`/api/v1/gateways/count?tags=${encodeURIComponent(JSON.stringify({ region: 'eu' }))}`);
  assert.equal(count.body.count, 1);
  const renamed = await admin().patch(`/api/v1/gateways/${g.id}`, { name: 'renamed-1' });
  assert.equal(renamed.body.name, 'renamed-1');
  const del = await admin().delete(`/api/v1/gateways/${g.id}`);
  assert.equal(del.status, 200);
  assert.equal((await admin().get(`/api/v1/gateways/${g.id}`)).status, 404);
  const audit = await admin().get(`/api/v1/audit-logs?resource_id=${g.id}`);
  assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), ['gateway.delete', 'gateway.register', 'gateway.rename', 'gateway.tags']);
});

test('rotate-token: the old OpAMP token stops working, the new one works', async () => {
  const g = await register('rotate-1');
  const rot = await admin().post(`/api/v1/gateways/${g.id}/rotate-token`);
  assert.equal(rot.status, 200);
  const old = await fg.app.inject({ method: 'POST', url: `/api/v1/opamp/heartbeat/${g.instance_id}`, headers: { authorization: `Bearer ${g.opamp_token}` } });
  assert.equal(old.statusCode, 401);
  const fresh = await fg.app.inject({ method: 'POST', url: `/api/v1/opamp/heartbeat/${g.instance_id}`, headers: { authorization: `Bearer ${rot.body.opamp_token}` } });
  assert.equal(fresh.statusCode, 200);
});

test('health rules: registered and never seen is a warning; a heartbeat makes it healthy; summary counts it', async () => {
  const g = await register('health-1');
  const h0 = await admin().get(`/api/v1/gateways/${g.id}/health`);
  assert.equal(h0.body.status, 'warning');
  await fg.app.inject({ method: 'POST', url: `/api/v1/opamp/heartbeat/${g.instance_id}`, headers: { authorization: `Bearer ${g.opamp_token}` } });
  const h1 = await admin().get(`/api/v1/gateways/${g.id}/health`);
  assert.equal(h1.body.status, 'healthy');
  assert.equal(h1.body.health_score, 100);
  // A heartbeat 4 minutes old is a warning, 6 minutes unhealthy (seed rules).
  await fg.db.query("UPDATE gateways SET last_seen = now() - interval '4 minutes' WHERE id = $1", [g.id]);
  assert.equal((await admin().get(`/api/v1/gateways/${g.id}/health`)).body.status, 'warning');
  await fg.db.query("UPDATE gateways SET last_seen = now() - interval '6 minutes' WHERE id = $1", [g.id]);
  assert.equal((await admin().get(`/api/v1/gateways/${g.id}/health`)).body.health_score, 20);
  await fg.db.query("UPDATE gateways SET status = 'inactive' WHERE id = $1", [g.id]);
  assert.equal((await admin().get(`/api/v1/gateways/${g.id}/health`)).body.status, 'offline');
  const summary = await admin().get('/api/v1/gateways/summary');
  assert.ok(summary.body.total >= 1);
  assert.ok(summary.body.by_health.offline >= 1);
});

test('supervisor config generator: ready-to-use YAML with the token as a placeholder; other org token 404', async () => {
  const res = await admin().get(`/api/v1/supervisor/config?registration_token_id=${regTokenId}&name=edge-7`);
  assert.equal(res.status, 200);
  assert.match(res.body.supervisor_yaml, /endpoint: ws:\/\/.+\/v1\/opamp/);
  assert.match(res.body.supervisor_yaml, /Bearer \$\{FLOWGATE_TOKEN\}/);
  assert.ok(!res.body.supervisor_yaml.includes(regToken), 'no plaintext token');
  assert.match(res.body.flowgate_command, /flowgate gateway run --server http/);
  const missing = await admin().get('/api/v1/supervisor/config?registration_token_id=00000000-0000-4000-8000-000000000000');
  assert.equal(missing.status, 404);
});
