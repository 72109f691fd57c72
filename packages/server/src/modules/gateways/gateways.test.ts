import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AgentCapability } from '@flowgate/opamp';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { SimAgent, description, eventually } from '../../testing/sim-agent.ts';

let fg: TestFlowgate;
let ws: string;
let regToken: string;
let regTokenId: string;
let regTokenPrefix: string;
const agents: SimAgent[] = [];
const admin = () => api(fg, fg.adminToken);

async function register(name: string, instanceId = name) {
  const res = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${regToken}` },
    payload: { name, instance_id: instanceId, hostname: `${name}.local` },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; opamp_token: string; instance_id: string };
}

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  ws = `ws://127.0.0.1:${(fg.app.server.address() as { port: number }).port}/v1/opamp`;
  const t = await admin().post('/api/v1/registration-tokens', { name: 'gw-tests', expires_in_days: 1 });
  regToken = t.body.token;
  regTokenId = t.body.id;
  regTokenPrefix = t.body.prefix;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

/** A supervisor enrolling zero-touch: it presents the registration token itself on every connection. */
async function enrolZeroTouch(token: string, hostName: string) {
  const agent = new SimAgent({
    url: ws,
    token,
    capabilities: AgentCapability.ReportsStatus | AgentCapability.AcceptsRemoteConfig,
  });
  agents.push(agent);
  await agent.start();
  await agent.send({ agentDescription: description(hostName) });
  const gateway = await eventually(
    async () =>
      (await admin().get(`/api/v1/gateways?name=${hostName}`)).body.items[0] as
        { id: string; instance_id: string } | undefined,
  );
  await eventually(async () => (await admin().get(`/api/v1/gateways/${gateway.id}`)).body.connected);
  return { agent, gateway };
}

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
  assert.deepEqual(
    desc.body.items.map((g: { name: string }) => g.name),
    ['page-11', 'page-10', 'page-09'],
  );
  const tooMany = await admin().get('/api/v1/gateways?limit=501');
  assert.equal(tooMany.status, 400);
  const badCursor = await admin().get('/api/v1/gateways?cursor=nonsense');
  assert.equal(badCursor.status, 400);
  const item = desc.body.items[0];
  for (const k of ['name', 'status', 'health', 'version', 'last_seen', 'tags', 'transport'])
    assert.ok(k in item, `list item has ${k}`);
});

test('tags: replace, filter by tag, agent-tags, count; rename keeps; delete removes', async () => {
  const g = await register('tagged-1');
  const put = await admin().put(`/api/v1/gateways/${g.id}/tags`, { tags: { env: 'prod', region: 'eu' } });
  assert.equal(put.status, 200);
  assert.deepEqual(put.body.tags, { env: 'prod', region: 'eu' });
  const byTag = await admin().get('/api/v1/gateways?tag=env=prod');
  assert.deepEqual(
    byTag.body.items.map((x: { id: string }) => x.id),
    [g.id],
  );
  const tags = await admin().get('/api/v1/agent-tags');
  assert.ok(
    tags.body.items.some((t: { key: string; values: string[] }) => t.key === 'env' && t.values.includes('prod')),
  );
  const count = await admin().get(
    `/api/v1/gateways/count?tags=${encodeURIComponent(JSON.stringify({ region: 'eu' }))}`,
  );
  assert.equal(count.body.count, 1);
  const renamed = await admin().patch(`/api/v1/gateways/${g.id}`, { name: 'renamed-1' });
  assert.equal(renamed.body.name, 'renamed-1');
  const del = await admin().delete(`/api/v1/gateways/${g.id}`);
  assert.equal(del.status, 200);
  assert.equal((await admin().get(`/api/v1/gateways/${g.id}`)).status, 404);
  const audit = await admin().get(`/api/v1/audit-logs?resource_id=${g.id}`);
  assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), [
    'gateway.delete',
    'gateway.register',
    'gateway.rename',
    'gateway.tags',
  ]);
});

test('rotate-token: the old OpAMP token stops working, the new one works', async () => {
  const g = await register('rotate-1');
  const rot = await admin().post(`/api/v1/gateways/${g.id}/rotate-token`);
  assert.equal(rot.status, 200);
  const old = await fg.app.inject({
    method: 'POST',
    url: `/api/v1/opamp/heartbeat/${g.instance_id}`,
    headers: { authorization: `Bearer ${g.opamp_token}` },
  });
  assert.equal(old.statusCode, 401);
  const fresh = await fg.app.inject({
    method: 'POST',
    url: `/api/v1/opamp/heartbeat/${g.instance_id}`,
    headers: { authorization: `Bearer ${rot.body.opamp_token}` },
  });
  assert.equal(fresh.statusCode, 200);
});

test(
  'health rules: registered and never seen is a warning; ' + 'a heartbeat makes it healthy; summary counts it',
  async () => {
    const g = await register('health-1');
    const h0 = await admin().get(`/api/v1/gateways/${g.id}/health`);
    assert.equal(h0.body.status, 'warning');
    await fg.app.inject({
      method: 'POST',
      url: `/api/v1/opamp/heartbeat/${g.instance_id}`,
      headers: { authorization: `Bearer ${g.opamp_token}` },
    });
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
  },
);

test(
  'supervisor config generator: ' + 'ready-to-use YAML with the token as a placeholder; other org token 404',
  async () => {
    const res = await admin().get(`/api/v1/supervisor/config?registration_token_id=${regTokenId}&name=edge-7`);
    assert.equal(res.status, 200);
    assert.match(res.body.supervisor_yaml, /endpoint: ws:\/\/.+\/v1\/opamp/);
    assert.match(res.body.supervisor_yaml, /Bearer \$\{FLOWGATE_TOKEN\}/);
    assert.ok(!res.body.supervisor_yaml.includes(regToken), 'no plaintext token');
    assert.match(res.body.supervisor_yaml, /^ {6}flowgate\.gateway\.name: "edge-7"$/m, 'named as asked');
    assert.equal(
      res.body.install_command,
      'curl -fsSL http://localhost:80/install.sh | sh -s -- --registration-token <registration token> --name edge-7',
      'the install script for a new host, not `npx flowgate` (npm E404 anywhere but a checkout)',
    );
    const missing = await admin().get(
      '/api/v1/supervisor/config?registration_token_id=00000000-0000-4000-8000-000000000000',
    );
    assert.equal(missing.status, 404);
  },
);

test(
  'auth: a gateway onboarded with a registration token has its ' +
    'own token; revoked it has none; rotating gives it one again',
  async () => {
    const g = await register('own-token-1');
    const detail = await admin().get(`/api/v1/gateways/${g.id}`);
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.body.auth, {
      method: 'gateway_token',
      zero_touch: false,
      registration_token: { id: regTokenId, name: 'gw-tests', prefix: regTokenPrefix, state: 'active' },
    });
    const text = JSON.stringify(detail.body);
    assert.ok(!text.includes(regToken), 'no registration token plaintext');
    assert.ok(!text.includes(createHash('sha256').update(regToken).digest('hex')), 'no registration token hash');
    assert.ok(!text.includes(g.opamp_token), 'no OpAMP token');

    assert.equal((await admin().post(`/api/v1/gateways/${g.id}/revoke-token`)).status, 200);
    const revoked = (await admin().get(`/api/v1/gateways/${g.id}`)).body;
    assert.equal(revoked.auth.method, 'none');
    assert.equal(revoked.token_expires_at, null);
    assert.equal(revoked.auth.registration_token.id, regTokenId, 'still names the token it enrolled with');
    // Already cut off: revoking again is harmless, not a 409 (it is not zero-touch).
    assert.equal((await admin().post(`/api/v1/gateways/${g.id}/revoke-token`)).status, 200);
    assert.equal((await admin().post(`/api/v1/gateways/${g.id}/rotate-token`)).status, 200);
    assert.equal((await admin().get(`/api/v1/gateways/${g.id}`)).body.auth.method, 'gateway_token');
  },
);

test('auth: a registering client cannot make its gateway look zero-touch', async () => {
  const res = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${regToken}` },
    payload: {
      name: 'claims-opamp',
      instance_id: 'claims-opamp',
      metadata: { enrolled_via: 'opamp', version: '1.2.3' },
    },
  });
  assert.equal(res.statusCode, 201);
  const id = res.json().id;
  assert.equal((await admin().post(`/api/v1/gateways/${id}/revoke-token`)).status, 200);
  assert.equal((await admin().get(`/api/v1/gateways/${id}`)).body.auth.method, 'none');
  assert.equal(
    (await admin().get(`/api/v1/gateways/${id}/version`)).body.agent_version,
    '1.2.3',
    'the rest of its metadata is kept',
  );
});

test(
  'zero-touch: auth names the registration token and its state; ' +
    'revoking the gateway token is 409 GATEWAY_HAS_NO_TOKEN and keeps it connected',
  async () => {
    const t = await admin().post('/api/v1/registration-tokens', {
      name: 'edge-zero-touch',
      expires_in_days: 1,
      max_uses: 1,
    });
    const { agent, gateway } = await enrolZeroTouch(t.body.token, 'zt-edge-1');
    const detail = (await admin().get(`/api/v1/gateways/${gateway.id}`)).body;
    assert.equal(detail.token_expires_at, null);
    assert.deepEqual(detail.auth, {
      method: 'registration_token',
      zero_touch: true,
      registration_token: { id: t.body.id, name: 'edge-zero-touch', prefix: t.body.prefix, state: 'used_up' },
    });
    assert.ok(!JSON.stringify(detail).includes(t.body.token), 'no plaintext');

    const rv = await admin().post(`/api/v1/gateways/${gateway.id}/revoke-token`);
    assert.equal(rv.status, 409);
    assert.equal(rv.body.error.code, 'GATEWAY_HAS_NO_TOKEN');
    assert.match(rv.body.error.message, /[Rr]evoke that registration token/);
    // Nothing was pretended: the connection stays up and no revocation is audited.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(agent.client.connected, true);
    assert.equal((await admin().get(`/api/v1/gateways/${gateway.id}`)).body.connected, true);
    const audit = await admin().get(`/api/v1/audit-logs?resource_id=${gateway.id}`);
    assert.ok(!audit.body.items.some((e: { action: string }) => e.action === 'gateway.revoke_token'));

    // Expiry wins over "used up"; revoking the registration token wins over both.
    await fg.db.query("UPDATE registration_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1", [
      t.body.id,
    ]);
    assert.equal((await admin().get(`/api/v1/gateways/${gateway.id}`)).body.auth.registration_token.state, 'expired');
    assert.equal((await admin().delete(`/api/v1/registration-tokens/${t.body.id}`)).status, 200);
    const cut = await eventually(async () => {
      const g = (await admin().get(`/api/v1/gateways/${gateway.id}`)).body;
      return g.connected ? null : g;
    });
    assert.equal(cut.auth.method, 'registration_token');
    assert.equal(cut.auth.registration_token.state, 'revoked');
  },
);

test(
  'zero-touch: rotating issues the gateway a token of its own (as for ' +
    'any gateway); revoking that one works, and it is zero-touch again',
  async () => {
    const t = await admin().post('/api/v1/registration-tokens', { name: 'edge-rotate', expires_in_days: 1 });
    const { gateway } = await enrolZeroTouch(t.body.token, 'zt-edge-2');
    const rot = await admin().post(`/api/v1/gateways/${gateway.id}/rotate-token`);
    assert.equal(rot.status, 200);
    const own = (await admin().get(`/api/v1/gateways/${gateway.id}`)).body;
    assert.equal(own.auth.method, 'gateway_token');
    assert.equal(own.auth.zero_touch, true, 'still enrolled zero-touch: its registration token admits it too');
    assert.equal(own.token_expires_at, rot.body.expires_at);
    const heartbeat = await fg.app.inject({
      method: 'POST',
      url: `/api/v1/opamp/heartbeat/${gateway.instance_id}`,
      headers: { authorization: `Bearer ${rot.body.opamp_token}` },
    });
    assert.equal(heartbeat.statusCode, 200, 'the new token authenticates the gateway');
    assert.equal((await admin().post(`/api/v1/gateways/${gateway.id}/revoke-token`)).status, 200);
    assert.equal((await admin().get(`/api/v1/gateways/${gateway.id}`)).body.auth.method, 'registration_token');
    assert.equal((await admin().post(`/api/v1/gateways/${gateway.id}/revoke-token`)).status, 409);
  },
);

// Last: the admin joins a second org, after which requests need ?org_id=.
test('auth: a registration token of another org is never shown', async () => {
  const g = await register('cross-org-1');
  const other = await admin().post('/api/v1/orgs', { name: 'Gateways other org' });
  const foreign = await admin().post(`/api/v1/registration-tokens?org_id=${other.body.id}`, { name: 'foreign-token' });
  assert.equal(foreign.status, 201);
  await fg.db.query('UPDATE gateways SET registration_token_id = $1 WHERE id = $2', [foreign.body.id, g.id]);
  const detail = await admin().get(`/api/v1/gateways/${g.id}?org_id=${fg.defaultOrgId}`);
  assert.equal(detail.status, 200);
  assert.equal(detail.body.auth.registration_token, null);
  assert.ok(!JSON.stringify(detail.body).includes('foreign-token'));
});

test(
  'the fleet summary counts every gateway under the health its own page shows, ' + 'at each last-seen boundary',
  async () => {
    // Not connected, last seen at different ages: healthy (≤ 60 s), warning (≤ 300 s), unhealthy (older),
    // offline (inactive), warning (registered, never seen).
    const ages: [string, string, number | null][] = [
      ['sum-fresh', 'active', 20],
      ['sum-59', 'active', 55],
      ['sum-2min', 'active', 120],
      ['sum-299', 'active', 290],
      ['sum-10min', 'active', 600],
      ['sum-inactive', 'inactive', 30],
      ['sum-never', 'registered', null],
    ];
    for (const [name, status, age] of ages) {
      await fg.db.query(
        `INSERT INTO gateways (org_id, instance_id, name, status, last_seen) VALUES ($1, $2, $2, $3, ` +
          `CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(secs => $4::int) END)`,
        [fg.defaultOrgId, name, status, age],
      );
    }
    const summary = (await admin().get(`/api/v1/gateways/summary?org_id=${fg.defaultOrgId}`)).body as {
      total: number;
      by_health: Record<string, number>;
    };
    const counted: Record<string, number> = {};
    let cursor: string | null = null;
    let total = 0;
    do {
      const cursorParam = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = (await admin().get(`/api/v1/gateways?org_id=${fg.defaultOrgId}&limit=100${cursorParam}`)).body as {
        items: { name: string; health: { status: string } }[];
        next_cursor: string | null;
      };
      assert.ok(Array.isArray(page.items), JSON.stringify(page));
      for (const g of page.items) counted[g.health.status] = (counted[g.health.status] ?? 0) + 1;
      total += page.items.length;
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(summary.total, total);
    for (const h of ['healthy', 'warning', 'unhealthy', 'offline'])
      assert.equal(
        summary.by_health[h] ?? 0,
        counted[h] ?? 0,
        `${h}: summary ${JSON.stringify(summary.by_health)} vs list ${JSON.stringify(counted)}`,
      );
    const byName = async (n: string) =>
      (
        (await admin().get(`/api/v1/gateways?org_id=${fg.defaultOrgId}&name=${n}`)).body.items as {
          name: string;
          health: { status: string };
        }[]
      ).find((g) => g.name === n)!.health.status;
    assert.deepEqual(await Promise.all(ages.map(([n]) => byName(n))), [
      'healthy',
      'healthy',
      'warning',
      'warning',
      'unhealthy',
      'offline',
      'warning',
    ]);
  },
);
