// Roles, enumerated from the live /openapi.json: a viewer (user or API key) cannot mutate anything in
// its own org — every POST/PUT/PATCH/DELETE that is org-scoped answers 403 FORBIDDEN and leaves the
// org's rows untouched; an editor reads but cannot manage members or API keys; the last owner stays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../testing/harness.ts';
import {
  buildRequest,
  diffSnapshots,
  errorCodeOf,
  fetchOpenApi,
  hintsFor,
  inject,
  isMutating,
  isOrgScoped,
  newOrgContext,
  operationsOf,
  pathValueFor,
  prepareResources,
  snapshotOrg,
  type CallResult,
  type Operation,
  type OrgContext,
} from './openapi-walk.ts';

let fg: TestFlowgate;
let ops: Operation[];
let mutating: Operation[];
let ctx: OrgContext;
let adminUserId: string;
let viewer: { userId: string; token: string };
let editor: { userId: string; token: string };
let orgAdmin: { userId: string; token: string };
let viewerKey: string;

/**
 * POSTs that compute without changing anything (validation, dry-run, diff). A viewer may be allowed
 * to call them, but only if the org's rows, audit log included, stay exactly as they were.
 */
const READ_ONLY_POST = /\/(validate|validation|dry-run|dryrun|diff|preview|render|patterns)$/;

before(async () => {
  fg = await startTestFlowgate();
  adminUserId = (await api(fg, fg.adminToken).get('/api/v1/auth/me')).body.user.id;
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
  orgAdmin = await userWithRole(fg, fg.defaultOrgId, 'admin');
  const key = await api(fg, fg.adminToken).post(`/api/v1/api-keys?org_id=${fg.defaultOrgId}`, {
    name: 'viewer key',
    role: 'viewer',
  });
  assert.equal(key.status, 201, JSON.stringify(key.body));
  viewerKey = key.body.key;
  ops = operationsOf(await fetchOpenApi(fg));
  mutating = ops.filter((op) => isOrgScoped(op) && isMutating(op));
  ctx = newOrgContext(fg, ops, fg.adminToken, fg.defaultOrgId, adminUserId);
  await prepareResources(ctx, mutating);
});
after(async () => {
  await fg?.close();
});

const show = (r: CallResult) => (r.timedOut ? 'no answer within 10 s' : `${r.status} ${r.text.slice(0, 300)}`);

for (const who of ['viewer user', 'viewer API key'] as const) {
  test(`a ${who} gets 403 FORBIDDEN on every org-scoped mutation of its own org and changes nothing`, async (t) => {
    const token = who === 'viewer user' ? viewer.token : viewerKey;
    assert.ok(mutating.length >= 6, `only ${mutating.length} mutating org-scoped operations found in /openapi.json`);
    let baseline = await snapshotOrg(fg, fg.defaultOrgId);
    const report: string[] = [];
    for (const op of mutating) {
      await t.test(op.label, async () => {
        const req = buildRequest(op, {
          orgId: fg.defaultOrgId,
          pathValue: pathValueFor(ctx, op),
          hints: hintsFor(ctx),
        });
        const r = await inject(fg, { method: req.method, url: req.url, token, payload: req.payload });
        const now = await snapshotOrg(fg, fg.defaultOrgId);
        const diff = diffSnapshots(baseline, now);
        baseline = now;
        report.push(`${req.method} ${req.url} → ${r.timedOut ? 'timeout' : `${r.status} ${errorCodeOf(r) ?? ''}`}`);
        assert.equal(diff, '', `${op.label} as ${who} changed the org:\n${diff}`);
        if (READ_ONLY_POST.test(op.path) && r.status !== 403) {
          assert.ok(r.status < 500 && !r.timedOut, `${op.label}: ${show(r)}`);
          report.push(`  (read-only computation: allowed for viewers, nothing changed)`);
          return;
        }
        assert.equal(r.status, 403, `${op.label} as ${who} must answer 403, got ${show(r)}`);
        assert.equal(errorCodeOf(r), 'FORBIDDEN');
      });
    }
    t.diagnostic(`covered ${mutating.length} operations:\n${report.join('\n')}`);
  });
}

test('a viewer cannot create users', async () => {
  const r = await api(fg, viewer.token).post('/api/v1/users', {
    email: 'nope@flowgate.test',
    password: 'password-123',
  });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'FORBIDDEN');
  const users = await api(fg, fg.adminToken).get('/api/v1/users');
  assert.ok(!users.body.items.some((u: { email: string }) => u.email === 'nope@flowgate.test'));
});

test('an editor cannot manage members or API keys', async () => {
  const e = api(fg, editor.token);
  const org = fg.defaultOrgId;
  const add = await e.post(`/api/v1/orgs/${org}/members`, { user_id: viewer.userId, role: 'editor' });
  assert.equal(add.status, 403, JSON.stringify(add.body));
  assert.equal(add.body.error.code, 'FORBIDDEN');
  const remove = await e.delete(`/api/v1/orgs/${org}/members/${viewer.userId}`);
  assert.equal(remove.status, 403, JSON.stringify(remove.body));
  assert.equal(remove.body.error.code, 'FORBIDDEN');
  const key = await e.post(`/api/v1/api-keys?org_id=${org}`, { name: 'editor key' });
  assert.equal(key.status, 403, JSON.stringify(key.body));
  assert.equal(key.body.error.code, 'FORBIDDEN');
  const settings = await e.put(`/api/v1/settings?org_id=${org}`, { default_heartbeat_seconds: 10 });
  assert.equal(settings.status, 403);
  // Nothing changed: the viewer is still a viewer.
  const members = await api(fg, fg.adminToken).get(`/api/v1/orgs/${org}/members`);
  assert.equal(members.body.items.find((m: { user_id: string }) => m.user_id === viewer.userId)?.role, 'viewer');
});

test('editors and viewers can read the org', async (t) => {
  const org = fg.defaultOrgId;
  const reads = [`/api/v1/orgs/${org}/members`, `/api/v1/settings?org_id=${org}`, '/api/v1/auth/me', '/api/v1/orgs'];
  // Fleet, templates and rollouts are read by every role once those routes exist.
  for (const path of ['/api/v1/gateways', '/api/v1/templates', '/api/v1/deployments']) {
    if (ops.some((o) => o.method === 'GET' && o.path === path)) reads.push(`${path}?org_id=${org}`);
  }
  for (const [who, token] of [
    ['editor', editor.token],
    ['viewer', viewer.token],
  ] as const) {
    for (const url of reads) {
      const r = await api(fg, token).get(url);
      assert.equal(r.status, 200, `${who} GET ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  const members = await api(fg, editor.token).get(`/api/v1/orgs/${org}/members`);
  assert.ok(
    members.body.items.some(
      (m: { user_id: string; role: string }) => m.user_id === editor.userId && m.role === 'editor',
    ),
  );
  t.diagnostic(`read as editor and viewer: ${reads.join(', ')}`);
});

test('the last owner can be neither removed nor demoted (409 LAST_OWNER); an admin cannot touch owners', async () => {
  const admin = api(fg, fg.adminToken);
  const created = await admin.post('/api/v1/orgs', { name: 'Single owner' });
  assert.equal(created.status, 201);
  const org = created.body.id as string;

  const remove = await admin.delete(`/api/v1/orgs/${org}/members/${adminUserId}`);
  assert.equal(remove.status, 409, JSON.stringify(remove.body));
  assert.equal(remove.body.error.code, 'LAST_OWNER');
  const demote = await admin.post(`/api/v1/orgs/${org}/members`, { user_id: adminUserId, role: 'admin' });
  assert.equal(demote.status, 409, JSON.stringify(demote.body));
  assert.equal(demote.body.error.code, 'LAST_OWNER');

  // An admin of the org may neither remove the owner nor make owners.
  assert.equal(
    (await admin.post(`/api/v1/orgs/${org}/members`, { user_id: orgAdmin.userId, role: 'admin' })).status,
    201,
  );
  const byAdmin = await api(fg, orgAdmin.token).delete(`/api/v1/orgs/${org}/members/${adminUserId}`);
  assert.equal(byAdmin.status, 403, JSON.stringify(byAdmin.body));
  const promote = await api(fg, orgAdmin.token).post(`/api/v1/orgs/${org}/members`, {
    user_id: orgAdmin.userId,
    role: 'owner',
  });
  assert.equal(promote.status, 403, JSON.stringify(promote.body));

  let members = await admin.get(`/api/v1/orgs/${org}/members`);
  assert.equal(members.body.items.find((m: { user_id: string }) => m.user_id === adminUserId)?.role, 'owner');

  // With a second owner, the first can leave; then the new one is the last and stays.
  assert.equal(
    (await admin.post(`/api/v1/orgs/${org}/members`, { user_id: editor.userId, role: 'owner' })).status,
    201,
  );
  const leave = await admin.delete(`/api/v1/orgs/${org}/members/${adminUserId}`);
  assert.equal(leave.status, 200, JSON.stringify(leave.body));
  const last = await api(fg, editor.token).delete(`/api/v1/orgs/${org}/members/${editor.userId}`);
  assert.equal(last.status, 409);
  assert.equal(last.body.error.code, 'LAST_OWNER');
  members = await api(fg, editor.token).get(`/api/v1/orgs/${org}/members`);
  assert.deepEqual(
    members.body.items.filter((m: { role: string }) => m.role === 'owner').map((m: { user_id: string }) => m.user_id),
    [editor.userId],
  );
});
