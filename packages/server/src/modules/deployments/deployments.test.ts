import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCapability } from '@flowgate/opamp';
import { startTestFlowgate, api, userWithRole, freshPostgresUrl, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';
import { assignBatches } from './deployments.service.ts';
import { collectorBinary } from '../../platform/collector.ts';

let fg: TestFlowgate;
let ws: string;
let regToken: string;
const agents: AutoAgent[] = [];
const admin = () => api(fg, fg.adminToken);

const GOOD_V1 =
  'receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:4318\n' +
  'exporters:\n  debug: {}\n' +
  'service:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [debug]\n';
const GOOD_V2 = GOOD_V1.replace('debug: {}', 'debug:\n    verbosity: basic');
const BAD_V3 = GOOD_V1.replace('debug: {}', 'debug:\n    verbosity: basic\n    # agent-fails-this\n');

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  ws = `ws://127.0.0.1:${(fg.app.server.address() as { port: number }).port}/v1/opamp`;
  regToken = (await admin().post('/api/v1/registration-tokens', { name: 'deploy-tests', expires_in_days: 1 })).body
    .token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

async function startAgent(hostName: string, tags: Record<string, string>, opts: { capabilities?: bigint } = {}) {
  const a = new AutoAgent({
    url: ws,
    token: regToken,
    hostName,
    fails: (body) => (body.includes('agent-fails-this') ? '\'exporters\' unknown type: "nope"' : null),
    ...opts,
  });
  agents.push(a);
  await a.start();
  await a.sendFull();
  const gw = await eventually(async () =>
    (await admin().get(`/api/v1/gateways?name=${hostName}`)).body.items.find(
      (g: { name: string }) => g.name === hostName,
    ),
  );
  if (Object.keys(tags).length)
    assert.equal((await admin().put(`/api/v1/gateways/${gw.id}/tags`, { tags })).status, 200);
  return { agent: a, id: gw.id as string };
}

async function template(name: string, yaml: string) {
  const t = await admin().post('/api/v1/templates', { name, config_yaml: yaml });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  return t.body.id as string;
}
async function addVersion(id: string, yaml: string) {
  const v = await admin().post(`/api/v1/templates/${id}/versions`, { config_yaml: yaml, message: 'next' });
  assert.equal(v.status, 201, JSON.stringify(v.body));
  return v.body.version as number;
}
const waitDeployment = (id: string, status: string, timeoutMs = 15_000) =>
  eventually(async () => {
    const d = (await admin().get(`/api/v1/deployments/${id}`)).body;
    return d.status === status ? d : null;
  }, timeoutMs);

test('batches: cumulative percentages give every batch a gateway', () => {
  assert.deepEqual(assignBatches(2, [50, 100]), [0, 1]);
  assert.deepEqual(assignBatches(10, [10, 50, 100]), [0, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  assert.deepEqual(assignBatches(1, [10, 50, 100]), [0]);
  assert.deepEqual(assignBatches(3, [100]), [0, 0, 0]);
});

test(
  'all at once by tag selector: every target applied, ' +
    'history recorded; a late gateway matching the selector follows',
  async () => {
    const a = await startAgent('dep-a1', { env: 'prod', team: 'a' });
    const b = await startAgent('dep-a2', { env: 'prod', team: 'a' });
    const tid = await template('all-at-once', GOOD_V1);
    const created = await admin().post('/api/v1/deployments', {
      template_id: tid,
      version: 1,
      target: { tags: { team: 'a' } },
      strategy: { type: 'all_at_once' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.targets.length, 2);
    // ── backend presets ── what validation checked comes back (COLLECTOR_CHECK_SKIPPED without a collector).
    const built = collectorBinary(fg.config) !== null;
    assert.equal(created.body.validation.collector_checked, built);
    const skipped = created.body.validation.warnings.some(
      (w: { code: string }) => w.code === 'COLLECTOR_CHECK_SKIPPED',
    );
    assert.equal(skipped, !built);
    const done = await waitDeployment(created.body.id, 'completed');
    assert.ok(done.targets.every((t: { status: string }) => t.status === 'applied'));
    assert.ok(a.agent.effective.includes('endpoint: 127.0.0.1:4318'));
    const hist = await admin().get(`/api/v1/gateways/${b.id}/deployments`);
    assert.equal(hist.body.items[0].status, 'applied');
    assert.equal(hist.body.items[0].version, 1);
    assert.equal(hist.body.items[0].by, 'admin@flowgate.test');
    const late = await startAgent('dep-a3', { team: 'a' });
    await eventually(async () => late.agent.configs.length > 0);
    const d = await waitDeployment(created.body.id, 'completed');
    assert.equal(d.targets.length, 3, 'the late gateway became a target');
  },
);

test(
  'canary: a failure on the first batch pauses, ' +
    'the second batch never receives it, rollback restores the previous version',
  async () => {
    const g1 = await startAgent('canary-1', { ring: 'canary-test' });
    const g2 = await startAgent('canary-2', { ring: 'canary-test' });
    const tid = await template('canary', GOOD_V1);
    const v1 = await admin().post('/api/v1/deployments', {
      template_id: tid,
      version: 1,
      target: { gateway_ids: [g1.id, g2.id] },
    });
    await waitDeployment(v1.body.id, 'completed');
    const bad = await addVersion(tid, BAD_V3);
    const dep = await admin().post('/api/v1/deployments', {
      template_id: tid,
      version: bad,
      target: { tags: { ring: 'canary-test' } },
      strategy: { type: 'canary', batches: [50, 100], soak_seconds: 0, pause_on_failure: true },
    });
    assert.equal(dep.status, 201);
    const paused = await waitDeployment(dep.body.id, 'paused');
    assert.match(paused.reason, /failed to apply version 2: 'exporters' unknown type/);
    const first = paused.targets.find((t: { batch: number }) => t.batch === 0);
    const second = paused.targets.find((t: { batch: number }) => t.batch === 1);
    assert.equal(first.status, 'failed');
    assert.equal(second.status, 'pending');
    const secondAgent = first.gateway_id === g1.id ? g2.agent : g1.agent;
    const firstAgent = first.gateway_id === g1.id ? g1.agent : g2.agent;
    await new Promise((r) => setTimeout(r, 1500)); // engine ticks pass; nothing may reach batch 2
    assert.ok(
      !secondAgent.configs.some((c) => c.body.includes('agent-fails-this')),
      'second batch never received the failing config',
    );
    const rb = await admin().post(`/api/v1/deployments/${dep.body.id}/rollback`);
    assert.equal(rb.status, 200);
    assert.equal(rb.body.status, 'rolled_back');
    await eventually(async () => firstAgent.configs.at(-1)?.ok && firstAgent.effective === GOOD_V1);
    const gw = (await admin().get(`/api/v1/gateways/${first.gateway_id}/config`)).body;
    assert.equal(gw.config_version, 1);
  },
);

test('a good canary completes with every target applied, batch by batch', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await startAgent(`good-canary-${i}`, { ring: 'good' })).id);
  const tid = await template('good-canary', GOOD_V2);
  const dep = await admin().post('/api/v1/deployments', {
    template_id: tid,
    version: 1,
    target: { tags: { ring: 'good' } },
    strategy: { type: 'canary', batches: [25, 50, 100], soak_seconds: 1 },
  });
  assert.equal(dep.status, 201);
  assert.deepEqual(dep.body.targets.map((t: { batch: number }) => t.batch).sort(), [0, 1, 2, 2]);
  const done = await waitDeployment(dep.body.id, 'completed', 20_000);
  assert.ok(done.targets.every((t: { status: string }) => t.status === 'applied'));
});

test(
  'a report that was never recorded (the process stopped in between) ' + 'is picked up from what the gateway reported',
  async () => {
    const g = await startAgent('dep-lost-report', { lost: 'yes' });
    const tid = await template('lost-report', GOOD_V1);
    const created = await admin().post('/api/v1/deployments', {
      template_id: tid,
      version: 1,
      target: { gateway_ids: [g.id] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await waitDeployment(created.body.id, 'completed');
    // As if the APPLIED report had been lost: the gateway row says APPLIED, the target still "applying".
    await fg.db.query(
      "UPDATE deployment_targets SET status = 'applying', updated_at = now() - interval '1 minute' " +
        'WHERE deployment_id = $1',
      [created.body.id],
    );
    await fg.db.query("UPDATE deployments SET status = 'in_progress', batch_applied_at = NULL WHERE id = $1", [
      created.body.id,
    ]);
    assert.equal((await admin().get(`/api/v1/deployments/${created.body.id}`)).body.targets[0].status, 'applying');
    await fg.features.deployments.tick({ reconcile: true });
    const d = await waitDeployment(created.body.id, 'completed');
    assert.equal(d.targets[0].status, 'applied');
  },
);

test(
  'bad input: selector matching nothing, unknown template/version, ' +
    'extension-mode excluded, viewer refused, other org 404',
  async () => {
    const tid = await template('bad-input', GOOD_V1);
    const none = await admin().post('/api/v1/deployments', {
      template_id: tid,
      version: 1,
      target: { tags: { nothing: 'here' } },
    });
    assert.equal(none.status, 400);
    assert.equal(none.body.error.code, 'SELECTOR_MATCHES_NOTHING');
    const unknownT = await admin().post('/api/v1/deployments', {
      template_id: '00000000-0000-4000-8000-000000000000',
      version: 1,
      target: { tags: { a: 'b' } },
    });
    assert.equal(unknownT.status, 404);
    const unknownV = await admin().post('/api/v1/deployments', {
      template_id: tid,
      version: 99,
      target: { tags: { a: 'b' } },
    });
    assert.equal(unknownV.status, 404);
    const ext = await startAgent(
      'ext-mode-1',
      { mode: 'ext' },
      {
        capabilities:
          AgentCapability.ReportsStatus | AgentCapability.ReportsEffectiveConfig | AgentCapability.ReportsHealth,
      },
    );
    const onlyExt = await admin().post('/api/v1/deployments', {
      template_id: tid,
      version: 1,
      target: { tags: { mode: 'ext' } },
    });
    assert.equal(onlyExt.status, 400);
    assert.match(JSON.stringify(onlyExt.body.error.details), /extension mode/);
    void ext;
    const viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
    const denied = await api(fg, viewer.token).post('/api/v1/deployments', {
      template_id: tid,
      version: 1,
      target: { tags: { a: 'b' } },
    });
    assert.equal(denied.status, 403);
    const org2 = await admin().post('/api/v1/orgs', { name: 'Other org deployments' });
    const foreign = await admin().post(`/api/v1/deployments?org_id=${org2.body.id}`, {
      template_id: tid,
      version: 1,
      target: { tags: { a: 'b' } },
    });
    assert.equal(foreign.status, 404);
  },
);

test('a control-plane restart during a slow canary resumes and completes it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-restart-'));
  const pgdb = await freshPostgresUrl();
  let fg1 = await startTestFlowgate({}, { databaseUrl: pgdb?.url ?? null, dataDir });
  await fg1.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg1.app.server.address() as { port: number }).port;
  const url = `ws://127.0.0.1:${port}/v1/opamp`;
  const a1 = api(fg1, fg1.adminToken);
  const token = (await a1.post('/api/v1/registration-tokens', { name: 'r', expires_in_days: 1 })).body.token;
  const local: AutoAgent[] = [];
  for (let i = 0; i < 2; i++) {
    const ag = new AutoAgent({ url, token, hostName: `restart-${i}` });
    local.push(ag);
    await ag.start();
    await ag.sendFull();
  }
  const ids = await eventually(async () => {
    const items = (await a1.get('/api/v1/gateways?name=restart-')).body.items;
    return items.length === 2 ? items.map((g: { id: string }) => g.id) : null;
  });
  const t = await a1.post('/api/v1/templates', { name: 'slow', config_yaml: GOOD_V1 });
  const dep = await a1.post('/api/v1/deployments', {
    template_id: t.body.id,
    version: 1,
    target: { gateway_ids: ids },
    strategy: { type: 'canary', batches: [50, 100], soak_seconds: 3 },
  });
  assert.equal(dep.status, 201, JSON.stringify(dep.body));
  await eventually(async () =>
    (await a1.get(`/api/v1/deployments/${dep.body.id}`)).body.targets.some(
      (x: { status: string }) => x.status === 'applied',
    ),
  );
  // Stop the control plane during the soak; start a new one on the same storage and port.
  await fg1.close();
  fg1 = await startTestFlowgate({}, { databaseUrl: pgdb?.url ?? null, dataDir });
  try {
    await fg1.app.listen({ port, host: '127.0.0.1' });
    const a2 = api(fg1, fg1.adminToken);
    const done = await eventually(async () => {
      const d = (await a2.get(`/api/v1/deployments/${dep.body.id}`)).body;
      return d.status === 'completed' ? d : null;
    }, 30_000);
    assert.ok(done.targets.every((x: { status: string }) => x.status === 'applied'));
    assert.ok(
      local.every((ag) => ag.configs.length >= 1),
      'both gateways got the config',
    );
    const gws = (await a2.get('/api/v1/gateways?name=restart-')).body.items;
    assert.ok(
      gws.every((g: { connected: boolean }) => g.connected),
      'agents reconnected after the restart',
    );
  } finally {
    for (const ag of local) await ag.stop().catch(() => undefined);
    await fg1.close();
    await pgdb?.drop();
  }
});
