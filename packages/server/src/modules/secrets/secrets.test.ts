import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';
import { systemScope } from '../../platform/scope.ts';
import { AppError } from '../../platform/errors.ts';
import { insertGateway, updateGateway } from '../gateways/gateways.store.ts';

let fg: TestFlowgate;
let ws: string;
let regToken: string;
let viewer: { token: string };
let editor: { token: string };
const agents: AutoAgent[] = [];

// Distinctive values, searched for in every response, table and log line.
const TOKEN_VALUE = 'tok-3f9c1e7a-very-secret-token';
const TENANT_VALUE = 'tenant-7c1d-9e88-private';
const ROTATED_VALUE = 'tok-rotated-5a5a-still-secret';

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  ws = `ws://127.0.0.1:${(fg.app.server.address() as { port: number }).port}/v1/opamp`;
  regToken = (
    await api(fg, fg.adminToken).post('/api/v1/registration-tokens', { name: 'secrets-tests', expires_in_days: 1 })
  ).body.token;
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

const admin = () => api(fg, fg.adminToken);

/** Every row of every table as text: a plaintext secret must appear nowhere. */
async function wholeDatabaseText(): Promise<string> {
  const tables = await fg.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  let out = '';
  for (const { table_name } of tables) {
    const rows = await fg.db.query<{ j: string }>(`SELECT to_jsonb(t)::text AS j FROM "${table_name}" t`);
    out += rows.map((r) => r.j).join('\n');
  }
  return out;
}

test(
  'an admin creates and replaces secrets; lists show names only; ' + 'values are in no response, table or audit entry',
  async () => {
    const responses: string[] = [];
    const created = await admin().put('/api/v1/secrets', { name: 'BACKEND_TOKEN', value: TOKEN_VALUE });
    responses.push(JSON.stringify(created.body));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(Object.keys(created.body).sort(), ['created_at', 'id', 'name', 'org_id', 'updated_at']);
    const replaced = await admin().put('/api/v1/secrets', { name: 'BACKEND_TOKEN', value: ROTATED_VALUE });
    responses.push(JSON.stringify(replaced.body));
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.id, created.body.id);
    assert.equal((await admin().put('/api/v1/secrets', { name: 'TENANT_ID', value: TENANT_VALUE })).status, 201);

    const list = await api(fg, viewer.token).get('/api/v1/secrets');
    responses.push(JSON.stringify(list.body));
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((s: { name: string }) => s.name),
      ['BACKEND_TOKEN', 'TENANT_ID'],
    );
    const audit = await admin().get('/api/v1/audit-logs?resource_type=secret');
    responses.push(JSON.stringify(audit.body));
    assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), [
      'secret.create',
      'secret.create',
      'secret.update',
    ]);
    assert.deepEqual(audit.body.items.map((e: { after: { name: string } }) => e.after.name).sort(), [
      'BACKEND_TOKEN',
      'BACKEND_TOKEN',
      'TENANT_ID',
    ]);

    const db = await wholeDatabaseText();
    for (const v of [TOKEN_VALUE, ROTATED_VALUE, TENANT_VALUE]) {
      for (const r of responses) assert.ok(!r.includes(v), 'a secret value in a response');
      assert.ok(!db.includes(v), 'a secret value stored in plaintext');
    }
    const [row] = await fg.db.query<{ value_encrypted: string }>(
      'SELECT value_encrypted FROM secrets WHERE name = $1',
      ['BACKEND_TOKEN'],
    );
    assert.ok(row!.value_encrypted.length > ROTATED_VALUE.length, 'ciphertext, IV and tag are stored');
  },
);

test(
  'only admins write secrets; viewers and editors read names; ' + 'invalid names are refused; delete and unknown names',
  async () => {
    for (const token of [viewer.token, editor.token]) {
      const r = await api(fg, token).put('/api/v1/secrets', { name: 'SNEAKY', value: 'x-value' });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'FORBIDDEN');
      assert.equal((await api(fg, token).delete('/api/v1/secrets/TENANT_ID')).status, 403);
    }
    assert.equal((await fg.db.query('SELECT 1 FROM secrets WHERE name = $1', ['SNEAKY'])).length, 0);
    assert.equal((await api(fg, editor.token).get('/api/v1/secrets')).status, 200);
    const bad = await admin().put('/api/v1/secrets', { name: 'not valid!', value: 'v' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.equal((await admin().put('/api/v1/secrets', { name: 'TEMP', value: 'temporary-value' })).status, 201);
    assert.equal((await admin().delete('/api/v1/secrets/TEMP')).status, 200);
    const gone = await admin().delete('/api/v1/secrets/TEMP');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'NOT_FOUND');
  },
);

test(
  'resolveSecrets replaces ${secret:NAME} YAML-safely and ' +
    'lists every missing name; another org cannot resolve ours',
  async () => {
    const secrets = fg.features.secrets;
    const scope = systemScope(fg.defaultOrgId);
    assert.equal((await admin().put('/api/v1/secrets', { name: 'TRICKY', value: 'a: b\n#not a comment' })).status, 201);
    const files = {
      'collector.yaml':
        'exporters:\n  otlp_http:\n    headers:\n      authorization: "Bearer ${secret:BACKEND_TOKEN}"\n' +
        '      x-tricky: ${secret:TRICKY}\n',
    };
    const resolved = await secrets.resolveSecrets(scope, files);
    const { parse } = await import('yaml');
    const headers = parse(resolved['collector.yaml']!).exporters.otlp_http.headers;
    assert.deepEqual(headers, { authorization: `Bearer ${ROTATED_VALUE}`, 'x-tricky': 'a: b\n#not a comment' });
    assert.deepEqual(files['collector.yaml'].includes('${secret:BACKEND_TOKEN}'), true, 'the input is not changed');

    await assert.rejects(
      secrets.resolveSecrets(scope, {
        a: 'k: ${secret:MISSING_ONE}\nj: ${secret:BACKEND_TOKEN}\n',
        b: 'x: ${secret:MISSING_TWO}\n',
      }),
      (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'INVALID_CONFIG');
        assert.deepEqual((err.details as { missing_secrets: string[] }).missing_secrets, [
          'MISSING_ONE',
          'MISSING_TWO',
        ]);
        assert.match(err.message, /MISSING_ONE, MISSING_TWO/);
        assert.ok(!err.message.includes(ROTATED_VALUE));
        return true;
      },
    );
    const other = await admin().post('/api/v1/orgs', { name: 'Secrets other org' });
    await assert.rejects(secrets.resolveSecrets(systemScope(other.body.id), files), /BACKEND_TOKEN/);
    assert.equal((await admin().get(`/api/v1/secrets?org_id=${other.body.id}`)).body.items.length, 0);
    assert.equal((await admin().delete(`/api/v1/secrets/BACKEND_TOKEN?org_id=${other.body.id}`)).status, 404);
  },
);

test(
  'a deployed template gets its secrets resolved only on the ' +
    'wire; the gateway views mask them in the effective config',
  async () => {
    const org = `?org_id=${fg.defaultOrgId}`;
    for (const [name, value] of [
      ['BACKEND_TOKEN', ROTATED_VALUE],
      ['TENANT_ID', TENANT_VALUE],
    ])
      assert.ok((await admin().put(`/api/v1/secrets${org}`, { name, value })).status < 300);
    const a = new AutoAgent({ url: ws, token: regToken, hostName: 'secret-gw' });
    agents.push(a);
    await a.start();
    await a.sendFull();
    const gw = await eventually(async () =>
      (await admin().get(`/api/v1/gateways${org}&name=secret-gw`)).body.items.find(
        (g: { name: string }) => g.name === 'secret-gw',
      ),
    );
    const yaml = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:4318
exporters:
  otlp_http:
    endpoint: https://otlp.example.com
    headers:
      authorization: \${secret:BACKEND_TOKEN}
      x-scope-orgid: \${secret:TENANT_ID}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [otlp_http]
`;
    const t = await admin().post(`/api/v1/templates${org}`, { name: 'with-secrets', config_yaml: yaml });
    assert.equal(t.status, 201);
    const d = await admin().post(`/api/v1/deployments${org}`, {
      template_id: t.body.id,
      version: 1,
      target: { gateway_ids: [gw.id] },
      strategy: { type: 'all_at_once' },
    });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    await eventually(async () => a.configs.length > 0, 15_000);
    // On the wire: the real values.
    assert.ok(a.configs[0]!.body.includes(ROTATED_VALUE));
    assert.ok(a.configs[0]!.body.includes(TENANT_VALUE));
    assert.ok(!a.configs[0]!.body.includes('${secret:'));
    await eventually(async () =>
      (await admin().get(`/api/v1/gateways/${gw.id}${org}`)).body.effective_config_yaml?.includes('x-scope-orgid'),
    );

    // Shown back: references in the assigned config, *** in the effective config, never a value.
    const config = await admin().get(`/api/v1/gateways/${gw.id}/config${org}`);
    const detail = await admin().get(`/api/v1/gateways/${gw.id}${org}`);
    const status = await admin().get(`/api/v1/gateways/${gw.id}/status${org}`);
    assert.ok(config.body.config_yaml.includes('${secret:TENANT_ID}'));
    assert.match(config.body.effective_config_yaml, /x-scope-orgid: "?\*\*\*"?/);
    for (const r of [config, detail, status]) {
      const text = JSON.stringify(r.body);
      assert.ok(
        !text.includes(ROTATED_VALUE) && !text.includes(TENANT_VALUE),
        `a secret value shown back: ${text.slice(0, 300)}`,
      );
    }
    const db = await wholeDatabaseText();
    // The gateway's own report of its effective config is stored as it came (it is the agent's view);
    // what Flowgate itself stores — templates, desired configs, deployments, audit — holds references only.
    const stored = await fg.db.query<{ j: string }>(
      `SELECT (to_jsonb(g) - 'effective_config')::text AS j FROM gateways g WHERE id = $1`,
      [gw.id],
    );
    assert.ok(!stored[0]!.j.includes(TENANT_VALUE));
    assert.ok(!db.replace(/"effective_config": "(?:[^"\\]|\\.)*"/g, '').includes(TENANT_VALUE));
  },
);

// ---------------------------------------------------------------------------------------------
// Deleting a secret that a configuration still references: 409 SECRET_IN_USE unless force=true.

const inOrg = (path: string, orgId = fg.defaultOrgId) => `${path}${path.includes('?') ? '&' : '?'}org_id=${orgId}`;
const secretNames = async (orgId = fg.defaultOrgId) =>
  (await admin().get(inOrg('/api/v1/secrets', orgId))).body.items.map((s: { name: string }) => s.name) as string[];
const collectorYaml = (header: string) =>
  `receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:4318\n` +
  `exporters:\n  otlp_http:\n    endpoint: https://otlp.example.com\n    headers:\n      authorization: ${header}\n` +
  `service:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [otlp_http]\n`;

/** A gateway row with the given desired and applied configurations (what a deployment would have left). */
async function gatewayWithConfig(
  name: string,
  configs: { desired?: string; applied?: string },
  orgId = fg.defaultOrgId,
) {
  const scope = systemScope(orgId);
  const row = await insertGateway(fg.db, scope, {
    instanceId: `inst-${name}`,
    instanceUid: null,
    name,
    nameIsCustom: true,
    hostname: null,
    ipAddress: null,
    metadata: {},
    registrationTokenId: null,
  });
  const config = (yaml: string) => ({
    files: { 'collector.yaml': yaml },
    deployment_id: null,
    template_id: null,
    version: null,
  });
  await updateGateway(fg.db, scope, row.id, {
    ...(configs.desired ? { desired_config: config(configs.desired) } : {}),
    ...(configs.applied ? { applied_config: config(configs.applied) } : {}),
  });
  return row;
}

async function putSecret(name: string, value: string, orgId = fg.defaultOrgId) {
  const r = await admin().put(inOrg('/api/v1/secrets', orgId), { name, value });
  assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.body));
}

test(
  'a secret nothing live references is deleted: an escaped $${secret:X}, ' +
    'an old template version and a longer name do not count',
  async () => {
    await putSecret('UNUSED_KEY', 'unused-value-1');
    const t = await admin().post(inOrg('/api/v1/templates'), {
      name: 'used-to-reference',
      config_yaml: collectorYaml('${secret:UNUSED_KEY}'),
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    // v2 drops the reference: v1 is neither the latest nor rolled out by a live deployment.
    assert.equal(
      (
        await admin().post(inOrg(`/api/v1/templates/${t.body.id}/versions`), {
          config_yaml: collectorYaml('$${secret:UNUSED_KEY} ${secret:UNUSED_KEY_LONGER}'),
        })
      ).status,
      201,
    );
    await gatewayWithConfig('gw-escaped-only', { desired: collectorYaml('literal-$${secret:UNUSED_KEY}') });

    const r = await admin().delete(inOrg('/api/v1/secrets/UNUSED_KEY'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(!(await secretNames()).includes('UNUSED_KEY'));
    const entries = (
      await admin().get(inOrg('/api/v1/audit-logs?resource_type=secret&action=secret.delete'))
    ).body.items.filter((e: { before: { name: string } }) => e.before.name === 'UNUSED_KEY');
    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.equal(entry.after, null, 'an ordinary delete is not recorded as forced');
  },
);

test(
  "a secret in a gateway's desired or applied configuration → 409 " +
    'SECRET_IN_USE listing the gateways; the secret stays and still resolves',
  async () => {
    await putSecret('GW_KEY', 'gw-key-value-42');
    const desired = await gatewayWithConfig('gw-b-desired', { desired: collectorYaml('"Bearer ${secret:GW_KEY}"') });
    const applied = await gatewayWithConfig('gw-a-applied', {
      applied: collectorYaml('${secret:GW_KEY}'),
      desired: collectorYaml('no-secret-here'),
    });

    const r = await admin().delete(inOrg('/api/v1/secrets/GW_KEY'));
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'SECRET_IN_USE');
    assert.match(r.body.error.message, /gateway "gw-a-applied", gateway "gw-b-desired".*force=true/);
    assert.deepEqual(r.body.error.details, {
      used_by: [
        { kind: 'gateway', id: applied.id, name: 'gw-a-applied' },
        { kind: 'gateway', id: desired.id, name: 'gw-b-desired' },
      ],
      total: 2,
    });
    assert.ok((await secretNames()).includes('GW_KEY'), 'nothing is deleted');
    assert.equal(
      (await admin().get(inOrg('/api/v1/audit-logs?resource_type=secret&action=secret.delete'))).body.items.filter(
        (e: { before: { name: string } }) => e.before.name === 'GW_KEY',
      ).length,
      0,
    );
    const [row] = await fg.db.query<{ desired_config: { files: Record<string, string> } }>(
      'SELECT desired_config FROM gateways WHERE id = $1',
      [desired.id],
    );
    const resolved = await fg.features.secrets.resolveSecrets(systemScope(fg.defaultOrgId), row!.desired_config.files);
    assert.match(resolved['collector.yaml']!, /Bearer gw-key-value-42/);
  },
);

test(
  "a secret in a template's latest version, or in the version a live " +
    'deployment rolls out → 409 listing the template',
  async () => {
    await putSecret('TPL_KEY', 'tpl-key-value');
    const t = await admin().post(inOrg('/api/v1/templates'), {
      name: 'tpl-with-key',
      config_yaml: collectorYaml('${secret:TPL_KEY}'),
    });
    assert.equal(t.status, 201);
    const refused = await admin().delete(inOrg('/api/v1/secrets/TPL_KEY'));
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'SECRET_IN_USE');
    assert.deepEqual(refused.body.error.details, {
      used_by: [{ kind: 'template', id: t.body.id, name: 'tpl-with-key' }],
      total: 1,
    });

    // v2 drops the reference, but a paused deployment still rolls out v1.
    assert.equal(
      (await admin().post(inOrg(`/api/v1/templates/${t.body.id}/versions`), { config_yaml: collectorYaml('none') }))
        .status,
      201,
    );
    const [deployment] = await fg.db.query<{ id: string }>(
      `INSERT INTO deployments (org_id, template_id, version, status, target, strategy) ` +
        `VALUES ($1, $2, 1, 'paused', '{}', '{}') RETURNING id`,
      [fg.defaultOrgId, t.body.id],
    );
    const stillRefused = await admin().delete(inOrg('/api/v1/secrets/TPL_KEY'));
    assert.equal(stillRefused.status, 409);
    assert.deepEqual(stillRefused.body.error.details.used_by, [
      { kind: 'template', id: t.body.id, name: 'tpl-with-key' },
    ]);
    assert.ok((await secretNames()).includes('TPL_KEY'));

    // Once that deployment is over, nothing live uses v1 any more.
    await fg.db.query(`UPDATE deployments SET status = 'cancelled' WHERE id = $1`, [deployment!.id]);
    assert.equal((await admin().delete(inOrg('/api/v1/secrets/TPL_KEY'))).status, 200);
  },
);

test("another organization's gateways and templates referencing the same name do not block the delete", async () => {
  const other = await admin().post('/api/v1/orgs', { name: 'Secrets in-use other org' });
  assert.equal(other.status, 201);
  await putSecret('SHARED_NAME', 'ours-value');
  await putSecret('SHARED_NAME', 'theirs-value', other.body.id);
  await gatewayWithConfig(
    'their-gw',
    { desired: collectorYaml('${secret:SHARED_NAME}'), applied: collectorYaml('${secret:SHARED_NAME}') },
    other.body.id,
  );
  assert.equal(
    (
      await admin().post(inOrg('/api/v1/templates', other.body.id), {
        name: 'their-template',
        config_yaml: collectorYaml('${secret:SHARED_NAME}'),
      })
    ).status,
    201,
  );

  // Their secret is in use in their org...
  const theirs = await admin().delete(inOrg('/api/v1/secrets/SHARED_NAME', other.body.id));
  assert.equal(theirs.status, 409);
  assert.deepEqual(
    theirs.body.error.details.used_by.map((u: { name: string }) => u.name),
    ['their-gw', 'their-template'],
  );
  // ...ours is not, and deleting ours leaves theirs alone.
  const ours = await admin().delete(inOrg('/api/v1/secrets/SHARED_NAME'));
  assert.equal(ours.status, 200, JSON.stringify(ours.body));
  assert.ok(!(await secretNames()).includes('SHARED_NAME'));
  assert.ok((await secretNames(other.body.id)).includes('SHARED_NAME'));
});

test(
  'force=true: viewers and editors are refused; an admin deletes a secret in ' +
    'use and the audit entry records forced and the references',
  async () => {
    await putSecret('FORCED_KEY', 'forced-value');
    await gatewayWithConfig('gw-forced', { desired: collectorYaml('${secret:FORCED_KEY}') });
    assert.equal(
      (
        await admin().post(inOrg('/api/v1/templates'), {
          name: 'tpl-forced',
          config_yaml: collectorYaml('${secret:FORCED_KEY}'),
        })
      ).status,
      201,
    );

    for (const token of [viewer.token, editor.token]) {
      const r = await api(fg, token).delete(inOrg('/api/v1/secrets/FORCED_KEY?force=true'));
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
    assert.ok((await secretNames()).includes('FORCED_KEY'));
    assert.equal((await admin().delete(inOrg('/api/v1/secrets/FORCED_KEY?force=false'))).status, 409);
    assert.equal((await admin().delete(inOrg('/api/v1/secrets/FORCED_KEY?force=maybe'))).status, 400);

    const forced = await admin().delete(inOrg('/api/v1/secrets/FORCED_KEY?force=true'));
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.ok(!(await secretNames()).includes('FORCED_KEY'));
    const entries = (
      await admin().get(inOrg('/api/v1/audit-logs?resource_type=secret&action=secret.delete'))
    ).body.items.filter((e: { before: { name: string } }) => e.before.name === 'FORCED_KEY');
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0].after, { forced: true, references: 2 });
    assert.equal(
      (await admin().delete(inOrg('/api/v1/secrets/FORCED_KEY?force=true'))).status,
      404,
      'force does not hide a missing secret',
    );
  },
);
