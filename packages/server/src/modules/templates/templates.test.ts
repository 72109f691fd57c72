import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { systemScope } from '../../platform/scope.ts';
import { unifiedDiff } from './unified-diff.ts';

let fg: TestFlowgate;
let editor: { token: string; email: string };
let viewer: { token: string };
let orgAdmin: { token: string };

const V1 = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 0.0.0.0:4318
processors:
  batch: {}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
`;
const V2 = V1.replace(
  '  batch: {}\n',
  '  batch: {}\n  filter/drop:\n    metrics:\n      metric:\n        - name == "node_load1"\n',
).replace('processors: [batch]', 'processors: [filter/drop, batch]');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

before(async () => {
  fg = await startTestFlowgate();
  editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  orgAdmin = await userWithRole(fg, fg.defaultOrgId, 'admin');
});
after(async () => {
  await fg?.close();
});

const as = (token: string) => api(fg, token);
const versionCount = async (templateId: string) =>
  (
    await fg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM template_versions WHERE template_id = $1', [
      templateId,
    ])
  )[0]!.n;

async function createTemplate(name: string, configYaml = V1) {
  const r = await as(editor.token).post('/api/v1/templates', {
    name,
    description: 'test',
    config_yaml: configYaml,
    message: 'first',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: string; latest_version: number; latest: { version: number; hash: string } };
}

test(
  'an editor creates a template: version 1 with the SHA-256 of its ' +
    'YAML, the author and message; it is listed and readable by a viewer',
  async () => {
    const t = await createTemplate('edge-metrics');
    assert.equal(t.latest_version, 1);
    assert.equal(t.latest.version, 1);
    assert.equal(t.latest.hash, sha(V1));
    const detail = await as(viewer.token).get(`/api/v1/templates/${t.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.name, 'edge-metrics');
    assert.equal(detail.body.latest.config_yaml, V1);
    assert.equal(detail.body.latest.author, editor.email);
    assert.equal(detail.body.latest.message, 'first');
    const list = await as(viewer.token).get('/api/v1/templates');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((i: { id: string }) => i.id === t.id));
    const dup = await as(editor.token).post('/api/v1/templates', { name: 'edge-metrics', config_yaml: V1 });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'ALREADY_EXISTS');
  },
);

test('every save is a new immutable version; versions list newest first; one version by number', async () => {
  const t = await createTemplate('versions');
  const v2 = await as(editor.token).post(`/api/v1/templates/${t.id}/versions`, {
    config_yaml: V2,
    message: 'drop node_load1',
    base_version: 1,
  });
  assert.equal(v2.status, 201, JSON.stringify(v2.body));
  assert.deepEqual(
    [v2.body.version, v2.body.hash, v2.body.author, v2.body.message],
    [2, sha(V2), editor.email, 'drop node_load1'],
  );
  assert.ok(Date.parse(v2.body.created_at));
  // Saving the same text again is still a new version.
  const v3 = await as(editor.token).post(`/api/v1/templates/${t.id}/versions`, { config_yaml: V2 });
  assert.equal(v3.body.version, 3);
  const versions = await as(viewer.token).get(`/api/v1/templates/${t.id}/versions`);
  assert.deepEqual(
    versions.body.items.map((v: { version: number }) => v.version),
    [3, 2, 1],
  );
  assert.equal(versions.body.items[0].config_yaml, undefined, 'the list carries no configs');
  const one = await as(viewer.token).get(`/api/v1/templates/${t.id}/versions/1`);
  assert.equal(one.status, 200);
  assert.equal(one.body.config_yaml, V1);
  assert.equal((await as(viewer.token).get(`/api/v1/templates/${t.id}`)).body.latest_version, 3);
  const paged = await as(viewer.token).get(`/api/v1/templates/${t.id}/versions?limit=2`);
  assert.deepEqual(
    paged.body.items.map((v: { version: number }) => v.version),
    [3, 2],
  );
  const rest = await as(viewer.token).get(
    `/api/v1/templates/${t.id}/versions?limit=2&cursor=${paged.body.next_cursor}`,
  );
  assert.deepEqual(
    rest.body.items.map((v: { version: number }) => v.version),
    [1],
  );
  assert.equal(rest.body.next_cursor, null);
});

test('a stale base_version is refused with 409 STALE_VERSION and nothing is stored', async () => {
  const t = await createTemplate('optimistic');
  assert.equal(
    (await as(editor.token).post(`/api/v1/templates/${t.id}/versions`, { config_yaml: V2, base_version: 1 })).status,
    201,
  );
  const stale = await as(editor.token).post(`/api/v1/templates/${t.id}/versions`, {
    config_yaml: V1,
    base_version: 1,
    message: 'my edit of v1',
  });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.code, 'STALE_VERSION');
  assert.deepEqual(stale.body.error.details, { base_version: 1, latest_version: 2 });
  assert.equal(await versionCount(t.id), 2);
});

test('concurrent saves on the same base: exactly one wins, the others get 409', async () => {
  const t = await createTemplate('race');
  const results = await Promise.all(
    [1, 2, 3, 4].map((i) =>
      as(editor.token).post(`/api/v1/templates/${t.id}/versions`, {
        config_yaml: `${V1}# edit ${i}\n`,
        base_version: 1,
      }),
    ),
  );
  assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409]);
  assert.equal(await versionCount(t.id), 2);
});

test('invalid YAML → 400 INVALID_YAML with line and column; never stored as a template or a version', async () => {
  const bad = 'receivers:\n  otlp:\n    protocols: [http\nexporters: {}\n';
  const before = (await fg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM template_versions'))[0]!.n;
  const created = await as(editor.token).post('/api/v1/templates', { name: 'broken', config_yaml: bad });
  assert.equal(created.status, 400);
  assert.equal(created.body.error.code, 'INVALID_YAML');
  const first = created.body.error.details[0];
  assert.equal(typeof first.line, 'number');
  assert.equal(typeof first.column, 'number');
  assert.ok(first.line >= 3, JSON.stringify(first));
  assert.match(created.body.error.message, /line \d+, column \d+/);
  assert.equal((await fg.db.query('SELECT 1 FROM templates WHERE name = $1', ['broken'])).length, 0);

  const t = await createTemplate('yaml-guard');
  const dupKey = await as(editor.token).post(`/api/v1/templates/${t.id}/versions`, {
    config_yaml: 'service: {}\nservice: {}\n',
  });
  assert.equal(dupKey.status, 400);
  assert.equal(dupKey.body.error.code, 'INVALID_YAML');
  assert.deepEqual([dupKey.body.error.details[0].line, dupKey.body.error.details[0].column], [2, 1]);
  assert.equal(await versionCount(t.id), 1);
  const after = (await fg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM template_versions'))[0]!.n;
  assert.equal(after, before + 1, 'only the good template was stored');
});

test('unified diff between two versions; applying it to the old text gives the new one', async () => {
  const t = await createTemplate('diffs');
  await as(editor.token).post(`/api/v1/templates/${t.id}/versions`, { config_yaml: V2 });
  const d = await as(viewer.token).get(`/api/v1/templates/${t.id}/diff?from=1&to=2`);
  assert.equal(d.status, 200);
  assert.equal(d.body.from, 1);
  assert.equal(d.body.to, 2);
  const diff: string = d.body.diff;
  assert.match(diff, /^--- v1\n\+\+\+ v2\n@@ -\d+,\d+ \+\d+,\d+ @@/);
  assert.ok(diff.includes('+  filter/drop:'));
  assert.ok(diff.includes('-      processors: [batch]'));
  assert.ok(diff.includes('+      processors: [filter/drop, batch]'));
  assert.equal(applyUnifiedDiff(V1, diff), V2);
  assert.equal((await as(viewer.token).get(`/api/v1/templates/${t.id}/diff?from=2&to=2`)).body.diff, '');
  const missing = await as(viewer.token).get(`/api/v1/templates/${t.id}/diff?from=1&to=9`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'TEMPLATE_NOT_FOUND');
});

test('unified diff round-trips on random line edits', () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 300; i++) {
    const gen = () => Array.from({ length: Math.floor(rnd() * 25) }, () => `line ${Math.floor(rnd() * 5)}\n`).join('');
    const a = gen();
    const b = gen();
    const diff = unifiedDiff(a, b, { from: 'a', to: 'b' });
    assert.equal(diff === '', a === b);
    assert.equal(applyUnifiedDiff(a, diff), b, `case ${i}:\n${diff}`);
  }
});

test("unknown template or version → 404 TEMPLATE_NOT_FOUND; another org's template → 404", async () => {
  const t = await createTemplate('mine');
  const admin = as(fg.adminToken);
  const unknown = '00000000-0000-4000-8000-000000000000';
  for (const url of [
    `/api/v1/templates/${unknown}`,
    `/api/v1/templates/${unknown}/versions`,
    `/api/v1/templates/${t.id}/versions/7`,
    `/api/v1/templates/${unknown}/versions/1`,
  ]) {
    const r = await admin.get(url);
    assert.equal(r.status, 404, url);
    assert.equal(r.body.error.code, 'TEMPLATE_NOT_FOUND', url);
  }
  assert.equal((await admin.post(`/api/v1/templates/${unknown}/versions`, { config_yaml: V1 })).status, 404);

  const other = await admin.post('/api/v1/orgs', { name: 'Other org' });
  const otherOrg = other.body.id as string;
  const foreign = await admin.post(`/api/v1/templates?org_id=${otherOrg}`, { name: 'foreign', config_yaml: V1 });
  assert.equal(foreign.status, 201);
  // The editor of the default org is not a member there, and the id does not resolve in the default org.
  assert.equal((await as(editor.token).get(`/api/v1/templates/${foreign.body.id}?org_id=${otherOrg}`)).status, 404);
  for (const r of [
    await admin.get(`/api/v1/templates/${foreign.body.id}?org_id=${fg.defaultOrgId}`),
    await admin.get(`/api/v1/templates/${foreign.body.id}/versions/1?org_id=${fg.defaultOrgId}`),
    await admin.post(`/api/v1/templates/${foreign.body.id}/versions?org_id=${fg.defaultOrgId}`, { config_yaml: V2 }),
    await admin.delete(`/api/v1/templates/${foreign.body.id}?org_id=${fg.defaultOrgId}`),
  ]) {
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'TEMPLATE_NOT_FOUND');
  }
  const list = await admin.get(`/api/v1/templates?org_id=${fg.defaultOrgId}`);
  assert.ok(!list.body.items.some((i: { id: string }) => i.id === foreign.body.id));
  assert.equal(await versionCount(foreign.body.id), 1);
});

test('roles: a viewer cannot create or save; an editor cannot delete; an admin can', async () => {
  const v = await as(viewer.token).post('/api/v1/templates', { name: 'by-viewer', config_yaml: V1 });
  assert.equal(v.status, 403);
  assert.equal(v.body.error.code, 'FORBIDDEN');
  assert.equal((await fg.db.query('SELECT 1 FROM templates WHERE name = $1', ['by-viewer'])).length, 0);
  const t = await createTemplate('roles');
  assert.equal((await as(viewer.token).post(`/api/v1/templates/${t.id}/versions`, { config_yaml: V2 })).status, 403);
  assert.equal((await as(editor.token).delete(`/api/v1/templates/${t.id}`)).status, 403);
  assert.equal(await versionCount(t.id), 1);
  const del = await as(orgAdmin.token).delete(`/api/v1/templates/${t.id}`);
  assert.equal(del.status, 200);
  assert.equal((await as(viewer.token).get(`/api/v1/templates/${t.id}`)).status, 404);
  assert.equal(await versionCount(t.id), 0);
});

test(
  'a template used by an active deployment cannot be ' + 'deleted (409 TEMPLATE_IN_USE); once it is finished it can',
  async () => {
    const t = await createTemplate('in-use');
    const scope = systemScope(fg.defaultOrgId);
    // A deployment row as the deployment engine stores it (the engine itself is tested in modules/deployments).
    const [d] = await fg.db.query<{ id: string }>(
      `INSERT INTO deployments (org_id, template_id, version, status, target, strategy) ` +
        `VALUES ($1, $2, 1, 'paused', '{}'::jsonb, '{}'::jsonb) RETURNING id`,
      [scope.orgId, t.id],
    );
    const refused = await as(orgAdmin.token).delete(`/api/v1/templates/${t.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'TEMPLATE_IN_USE');
    assert.deepEqual(refused.body.error.details.deployment_ids, [d!.id]);
    assert.equal(await versionCount(t.id), 1);
    await fg.db.query(`UPDATE deployments SET status = 'completed' WHERE id = $1`, [d!.id]);
    assert.equal((await as(orgAdmin.token).delete(`/api/v1/templates/${t.id}`)).status, 200);
  },
);

test('every mutation is audited (no config text in the log) and announced as template.updated', async () => {
  const seen: Record<string, unknown>[] = [];
  const unsubscribe = fg.bus.subscribe('flowgate:events', (m) => {
    if (m.type === 'template.updated') seen.push(m);
  });
  const t = await createTemplate('audited');
  await as(editor.token).post(`/api/v1/templates/${t.id}/versions`, { config_yaml: V2, message: 'v2' });
  await as(orgAdmin.token).delete(`/api/v1/templates/${t.id}`);
  await new Promise((r) => setTimeout(r, 20));
  unsubscribe();
  const audit = await as(fg.adminToken).get(`/api/v1/audit-logs?org_id=${fg.defaultOrgId}&resource_id=${t.id}`);
  assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), [
    'template.create',
    'template.delete',
    'template.version',
  ]);
  assert.ok(!JSON.stringify(audit.body).includes('receivers'), 'no configuration text in the audit log');
  assert.deepEqual(
    seen.filter((m) => m.id === t.id).map((m) => (m.data as { action: string }).action),
    ['created', 'version', 'deleted'],
  );
});

/** Applies a unified diff (as produced above) to a text; throws when a context line does not match. */
function applyUnifiedDiff(text: string, diff: string): string {
  if (diff === '') return text;
  const src = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let i = 0;
  const lines = diff.replace(/\n$/, '').split('\n').slice(2);
  for (let k = 0; k < lines.length; k++) {
    const h = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[k]!);
    if (!h) throw new Error(`expected a hunk header: ${lines[k]}`);
    const start = Number(h[2]) === 0 ? Number(h[1]) : Number(h[1]) - 1;
    while (i < start) out.push(src[i++]!);
    while (k + 1 < lines.length && !lines[k + 1]!.startsWith('@@')) {
      const l = lines[++k]!;
      if (l[0] === '+') out.push(l.slice(1));
      else {
        if (src[i] !== l.slice(1))
          throw new Error(`context mismatch at ${i + 1}: ${JSON.stringify(src[i])} vs ${JSON.stringify(l.slice(1))}`);
        if (l[0] === ' ') out.push(src[i]!);
        i++;
      }
    }
  }
  while (i < src.length) out.push(src[i++]!);
  return out.length ? `${out.join('\n')}\n` : '';
}

test('template versions are immutable in the database too', async () => {
  const t = await api(fg, fg.adminToken).post(`/api/v1/templates?org_id=${fg.defaultOrgId}`, {
    name: 'immutable-check',
    config_yaml: 'receivers: {}\n',
  });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  await assert.rejects(
    fg.db.query('UPDATE template_versions SET config_yaml = $1 WHERE template_id = $2', ['x: 1\n', t.body.id]),
    /immutable/,
  );
});
