import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';

let fg: TestFlowgate;
before(async () => {
  fg = await startTestFlowgate();
});
after(async () => {
  await fg?.close();
});

test('login returns a bearer token and /auth/me shows the default org', async () => {
  const me = await api(fg, fg.adminToken).get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.email, 'admin@flowgate.test');
  assert.equal(me.body.memberships[0].role, 'owner');
});

test('wrong password and unknown email answer the same 401', async () => {
  const a = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'admin@flowgate.test', password: 'nope' },
  });
  const b = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'ghost@flowgate.test', password: 'nope' },
  });
  assert.equal(a.statusCode, 401);
  assert.equal(b.statusCode, 401);
  assert.equal(a.json().error.code, 'INVALID_CREDENTIALS');
  assert.equal(b.json().error.message, a.json().error.message);
});

test('a viewer cannot create an API key', async () => {
  const viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  const res = await api(fg, viewer.token).post('/api/v1/api-keys', { name: 'k' });
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, 'FORBIDDEN');
});

test('a malformed audit-log cursor answers 400, not the first page', async () => {
  const res = await api(fg, fg.adminToken).get('/api/v1/audit-logs?cursor=nonsense');
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'VALIDATION_FAILED');
});
