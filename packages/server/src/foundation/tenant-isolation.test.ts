// Tenant isolation, enumerated from the live /openapi.json so routes added later are covered without
// touching this file. Org A belongs to the admin; user B is owner of org B only. Whatever B sends —
// org A's id, org A's resource ids inside org B, org A's ids in a body — B gets 404 (never 403, which
// would reveal that the resource exists), and nothing of org A changes. Lists never show A's ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import {
  buildRequest,
  diffSnapshots,
  errorCodeOf,
  fetchOpenApi,
  hasOrgIdParam,
  hintsFor,
  inject,
  isGatewayOrPublicRoute,
  isMutating,
  isOrgScoped,
  newOrgContext,
  operationsOf,
  pathValueFor,
  prepareResources,
  resourceParams,
  snapshotOrg,
  type CallResult,
  type Operation,
  type OrgContext,
} from './openapi-walk.ts';

let fg: TestFlowgate;
let ops: Operation[];
let scoped: Operation[];
let ctxA: OrgContext;
let orgA: string;
let orgB: string;
let tokenB: string;
let userB: string;
let adminUserId: string;
let aIds: string[];

before(async () => {
  fg = await startTestFlowgate();
  const admin = api(fg, fg.adminToken);
  adminUserId = (await admin.get('/api/v1/auth/me')).body.user.id;
  const a = await admin.post('/api/v1/orgs', { name: 'Org A' });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  orgA = a.body.id;

  const created = await admin.post('/api/v1/users', { email: 'b-owner@flowgate.test', password: 'password-b-123' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  userB = created.body.id;
  const login = await inject(fg, {
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'b-owner@flowgate.test', password: 'password-b-123' },
  });
  tokenB = (login.body as { access_token: string }).access_token;
  const b = await api(fg, tokenB).post('/api/v1/orgs', { name: 'Org B' });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  orgB = b.body.id;

  ops = operationsOf(await fetchOpenApi(fg));
  scoped = ops.filter(isOrgScoped);
  ctxA = newOrgContext(fg, ops, fg.adminToken, orgA, adminUserId);
  await prepareResources(ctxA, scoped);
  aIds = [orgA, adminUserId, ...[...ctxA.extras].filter(([k]) => k.startsWith('id:')).map(([, v]) => v)];
});
after(async () => {
  await fg?.close();
});

function describe(r: CallResult): string {
  return r.timedOut ? 'no answer within 10 s' : `${r.status} ${r.text.slice(0, 300)}`;
}

/** Asserts a 404 in the error envelope with a not-found code. */
function assertNotFound(op: Operation, r: CallResult, what: string) {
  assert.ok(!r.timedOut, `${op.label} (${what}): no answer`);
  assert.equal(r.status, 404, `${op.label} (${what}) must answer 404, got ${describe(r)}`);
  const code = errorCodeOf(r);
  assert.ok(code && /NOT_FOUND$/.test(code), `${op.label} (${what}): error code ${code} is not a *NOT_FOUND code`);
}

test('user B is a member of org B only, and org A has real resources to aim at', async (t) => {
  const me = await api(fg, tokenB).get('/api/v1/auth/me');
  assert.deepEqual(
    me.body.memberships.map((m: { org_id: string }) => m.org_id),
    [orgB],
  );
  assert.ok(!me.body.user.is_instance_admin);
  // The walk must at least see the foundation's org-scoped routes; an empty walk would prove nothing.
  const labels = new Set(scoped.map((o) => o.label));
  for (const must of [
    'GET /api/v1/settings',
    'PUT /api/v1/settings',
    'GET /api/v1/audit-logs',
    'POST /api/v1/api-keys',
    'DELETE /api/v1/api-keys/{id}',
    'GET /api/v1/orgs/{org_id}/members',
    'POST /api/v1/orgs/{org_id}/members',
    'DELETE /api/v1/orgs/{org_id}/members/{user_id}',
  ]) {
    assert.ok(labels.has(must), `openapi.json lacks ${must}`);
  }
  t.diagnostic(`org-scoped operations found in /openapi.json: ${scoped.length} of ${ops.length}`);
  for (const n of ctxA.notes) t.diagnostic(`org A fixture — ${n}`);
});

test(
  'B naming org A (org_id in query or path) ' + 'gets 404 on every org-scoped operation and changes nothing in A',
  async (t) => {
    const targets = scoped.filter(hasOrgIdParam);
    let baseline = await snapshotOrg(fg, orgA);
    const report: string[] = [];
    for (const op of targets) {
      await t.test(op.label, async () => {
        const req = buildRequest(op, { orgId: orgA, pathValue: pathValueFor(ctxA, op), hints: hintsFor(ctxA) });
        const r = await inject(fg, { method: req.method, url: req.url, token: tokenB, payload: req.payload });
        report.push(`${op.label} ${req.url} → ${r.timedOut ? 'timeout' : r.status}`);
        const now = await snapshotOrg(fg, orgA);
        const diff = diffSnapshots(baseline, now);
        baseline = now;
        assertNotFound(op, r, `org_id=A as B`);
        assert.equal(diff, '', `${op.label} as B changed org A:\n${diff}`);
      });
    }
    t.diagnostic(`covered ${targets.length} operations:\n${report.join('\n')}`);
  },
);

test("B addressing org A's resources by id inside org B gets 404 and changes nothing in A", async (t) => {
  const targets = scoped.filter((op) => resourceParams(op).length > 0);
  let baseline = await snapshotOrg(fg, orgA);
  const report: string[] = [];
  for (const op of targets) {
    await t.test(op.label, async () => {
      const req = buildRequest(op, {
        orgId: hasOrgIdParam(op) ? orgB : undefined,
        pathValue: pathValueFor(ctxA, op),
        hints: hintsFor(ctxA),
      });
      const r = await inject(fg, { method: req.method, url: req.url, token: tokenB, payload: req.payload });
      report.push(`${op.label} ${req.url} → ${r.timedOut ? 'timeout' : r.status}`);
      const now = await snapshotOrg(fg, orgA);
      const diff = diffSnapshots(baseline, now);
      baseline = now;
      assertNotFound(op, r, "A's id in B's org");
      assert.equal(diff, '', `${op.label} as B changed org A:\n${diff}`);
    });
  }
  t.diagnostic(`covered ${targets.length} operations:\n${report.join('\n')}`);
});

test(
  "B creating things in org B that reference org A's " + 'resources in the body is refused and A is unchanged',
  async (t) => {
    const targets = scoped.filter((op) => isMutating(op) && op.body && resourceParams(op).length === 0);
    let baseline = await snapshotOrg(fg, orgA);
    const report: string[] = [];
    for (const op of targets) {
      const req = buildRequest(op, {
        orgId: hasOrgIdParam(op) ? orgB : undefined,
        pathValue: pathValueFor(ctxA, op),
        hints: hintsFor(ctxA),
      });
      const body = JSON.stringify(req.payload ?? null);
      const referenced = aIds.filter((id) => body.includes(id));
      if (referenced.length === 0) continue;
      await t.test(op.label, async () => {
        const r = await inject(fg, { method: req.method, url: req.url, token: tokenB, payload: req.payload });
        report.push(`${op.label} body ${body.slice(0, 200)} → ${r.status}`);
        const now = await snapshotOrg(fg, orgA);
        const diff = diffSnapshots(baseline, now);
        baseline = now;
        assert.ok(
          r.status >= 400 && r.status < 500,
          `${op.label} with org A's ids in the body must be refused, got ${describe(r)}`,
        );
        assert.equal(diff, '', `${op.label} as B changed org A:\n${diff}`);
      });
    }
    t.diagnostic(
      report.length
        ? `covered ${report.length} operations:\n${report.join('\n')}`
        : 'no operation takes an id of another resource in its required body yet',
    );
  },
);

test("lists seen by B never contain org A's ids", async (t) => {
  const lists = ops.filter(
    (op) =>
      op.method === 'GET' &&
      op.path.startsWith('/api/v1/') &&
      resourceParams(op).length === 0 &&
      !isGatewayOrPublicRoute(op),
  );
  const report: string[] = [];
  for (const op of lists) {
    await t.test(op.label, async () => {
      const req = buildRequest(op, { orgId: hasOrgIdParam(op) ? orgB : undefined, pathValue: () => orgB });
      const r = await inject(fg, { method: 'GET', url: req.url, token: tokenB });
      report.push(
        `${req.url} → ${r.timedOut ? 'timeout' : r.status}${r.streaming ? ' (event stream, first 300 ms read)' : ''}`,
      );
      assert.ok(!r.timedOut, `${op.label}: no answer`);
      assert.ok(r.status < 500, `${op.label}: ${describe(r)}`);
      for (const id of aIds)
        assert.ok(!r.text.includes(id), `${op.label} as B shows org A's id ${id}: ${r.text.slice(0, 300)}`);
    });
  }
  // And the same lists without org_id (defaulting to B's only org) for the org-scoped ones.
  const audit = await api(fg, tokenB).get('/api/v1/audit-logs');
  assert.equal(audit.status, 200);
  for (const e of audit.body.items as { org_id: string }[]) assert.equal(e.org_id, orgB);
  t.diagnostic(`covered ${lists.length} list operations:\n${report.join('\n')}`);
});

test('an org-scoped resource of org A stays reachable for its owner (the fixtures are real)', async () => {
  // Guards against a walk that passes only because every id was wrong: A's owner can list A's API keys.
  const keyId = ctxA.extras.get('id:/api/v1/api-keys');
  assert.ok(keyId, 'the API key fixture of org A was not created');
  const list = await api(fg, fg.adminToken).get(`/api/v1/api-keys?org_id=${orgA}`);
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((k: { id: string }) => k.id === keyId));
  const members = await api(fg, fg.adminToken).get(`/api/v1/orgs/${orgA}/members`);
  assert.deepEqual(
    members.body.items.map((m: { user_id: string }) => m.user_id),
    [adminUserId],
  );
  assert.ok(!members.body.items.some((m: { user_id: string }) => m.user_id === userB));
});
