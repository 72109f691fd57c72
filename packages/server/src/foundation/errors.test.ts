// Bad input answers 4xx in one envelope {error: {code, message, request_id}} with x-request-id — never a
// 500. Then a sweep over every operation in /openapi.json with broken ids, bodies and content types, and
// a check of the error catalogue: every code documented (status, description, OpenAPI) and used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { errorCatalogue } from '@flowgate/config-model';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import { deriveKey } from '../platform/crypto.ts';
import {
  buildRequest,
  fetchOpenApi,
  inject,
  operationsOf,
  type CallResult,
  type Method,
  type OpenApiDoc,
  type Operation,
} from './openapi-walk.ts';

let fg: TestFlowgate;
let doc: OpenApiDoc;
let ops: Operation[];
let adminUserId: string;
const seen: { what: string; r: CallResult }[] = [];

before(async () => {
  fg = await startTestFlowgate();
  doc = await fetchOpenApi(fg);
  ops = operationsOf(doc);
  adminUserId = (await api(fg, fg.adminToken).get('/api/v1/auth/me')).body.user.id;
});
after(async () => {
  await fg?.close();
});

async function call(
  what: string,
  req: { method: Method; url: string; token?: string | null; payload?: unknown; headers?: Record<string, string> },
): Promise<CallResult> {
  const r = await inject(fg, { ...req, token: req.token === null ? undefined : (req.token ?? fg.adminToken) });
  seen.push({ what, r });
  return r;
}

/** The one envelope, with the request id also in the x-request-id header. */
function assertEnvelope(what: string, r: CallResult, status: number, code?: string | RegExp) {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
  const body = r.body as { error?: { code?: unknown; message?: unknown; request_id?: unknown } } | null;
  assert.ok(body && typeof body === 'object' && body.error, `${what}: no error envelope: ${r.text.slice(0, 200)}`);
  assert.equal(typeof body.error.code, 'string', `${what}: error.code`);
  assert.ok(typeof body.error.message === 'string' && body.error.message.length > 0, `${what}: error.message`);
  assert.equal(typeof body.error.request_id, 'string', `${what}: error.request_id`);
  assert.equal(
    r.headers['x-request-id'],
    body.error.request_id,
    `${what}: x-request-id header differs from error.request_id`,
  );
  assert.ok(
    Object.hasOwn(errorCatalogue, body.error.code as string),
    `${what}: ${String(body.error.code)} is not in the catalogue`,
  );
  if (typeof code === 'string') assert.equal(body.error.code, code, `${what}: ${r.text.slice(0, 300)}`);
  else if (code) assert.match(String(body.error.code), code, what);
}

const errorOf = (r: CallResult) => (r.body as { error: { code: string; message: string; details?: unknown } }).error;

test('malformed JSON → 400 MALFORMED_JSON', async () => {
  for (const payload of ['{"name":', '{name: "x"}', '{"name":"x"} trailing']) {
    const r = await call(`malformed ${payload}`, {
      method: 'POST',
      url: '/api/v1/orgs',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    assertEnvelope(`malformed JSON ${payload}`, r, 400, 'MALFORMED_JSON');
  }
  // Also on the public login route (no token needed to get there).
  const login = await call('malformed login', {
    method: 'POST',
    url: '/api/v1/auth/login',
    token: null,
    payload: '{"email":',
    headers: { 'content-type': 'application/json' },
  });
  assertEnvelope('malformed login', login, 400, 'MALFORMED_JSON');
});

test('unknown field → 400 VALIDATION_FAILED naming the field; missing and mistyped fields too', async () => {
  const r = await call('unknown field', { method: 'POST', url: '/api/v1/orgs', payload: { name: 'x', colour: 'red' } });
  assertEnvelope('unknown field', r, 400, 'VALIDATION_FAILED');
  assert.match(errorOf(r).message, /colour/);
  assert.match(JSON.stringify(errorOf(r).details), /colour/);
  const missing = await call('missing field', { method: 'POST', url: '/api/v1/orgs', payload: {} });
  assertEnvelope('missing field', missing, 400, 'VALIDATION_FAILED');
  assert.match(errorOf(missing).message, /name/);
  const typed = await call('mistyped', {
    method: 'POST',
    url: '/api/v1/api-keys',
    payload: { name: 'k', expires_in_days: 'soon' },
  });
  assertEnvelope('mistyped field', typed, 400, 'VALIDATION_FAILED');
  assert.match(errorOf(typed).message, /expires_in_days/);
  // Every problem at once, not just the first.
  const two = await call('two problems', {
    method: 'POST',
    url: '/api/v1/users',
    payload: { email: 'not-an-email', password: 'short', extra: 1 },
  });
  assertEnvelope('two problems', two, 400, 'VALIDATION_FAILED');
  const details = JSON.stringify(errorOf(two).details);
  for (const f of ['email', 'password', 'extra']) assert.match(details, new RegExp(f), `details miss ${f}: ${details}`);
});

test('oversized body (> 1 MiB) → 413 PAYLOAD_TOO_LARGE', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
  const r = await call('oversized', {
    method: 'POST',
    url: '/api/v1/orgs',
    payload: big,
    headers: { 'content-type': 'application/json' },
  });
  assertEnvelope('oversized body', r, 413, 'PAYLOAD_TOO_LARGE');
  const login = await call('oversized login', {
    method: 'POST',
    url: '/api/v1/auth/login',
    token: null,
    payload: big,
    headers: { 'content-type': 'application/json' },
  });
  assertEnvelope('oversized login', login, 413, 'PAYLOAD_TOO_LARGE');
  // Just under the limit is not refused for its size.
  const under = await call('under limit', {
    method: 'POST',
    url: '/api/v1/orgs',
    payload: JSON.stringify({ name: 'x'.repeat(1000 * 1000) }),
    headers: { 'content-type': 'application/json' },
  });
  assertEnvelope('under the limit (name too long → validation)', under, 400, 'VALIDATION_FAILED');
});

test('an invalid uuid in the path → 400 INVALID_ID naming the parameter; in the query → 400', async () => {
  const r = await call('bad path id', { method: 'DELETE', url: '/api/v1/api-keys/not-a-uuid' });
  assertEnvelope('bad path id', r, 400, 'INVALID_ID');
  assert.match(errorOf(r).message, /id/);
  const members = await call('bad org in path', { method: 'GET', url: '/api/v1/orgs/123/members' });
  assertEnvelope('bad org id in path', members, 400, 'INVALID_ID');
  assert.match(errorOf(members).message, /org_id/);
  const q = await call('bad org in query', { method: 'GET', url: '/api/v1/settings?org_id=nope' });
  assertEnvelope('bad org_id in query', q, 400, /^(INVALID_ID|VALIDATION_FAILED)$/);
  assert.match(errorOf(q).message, /org_id/);
  // A well-formed id of nothing is a 404, not a 400.
  const none = await call('unknown id', { method: 'DELETE', url: `/api/v1/api-keys/${randomUUID()}` });
  assertEnvelope('unknown id', none, 404, 'NOT_FOUND');
});

test('missing or malformed credentials → 401 UNAUTHENTICATED', async () => {
  const none = await call('no token', { method: 'GET', url: '/api/v1/auth/me', token: null });
  assertEnvelope('no token', none, 401, 'UNAUTHENTICATED');
  const basic = await call('basic auth', {
    method: 'GET',
    url: '/api/v1/auth/me',
    token: null,
    headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
  });
  assertEnvelope('Basic auth header', basic, 401, 'UNAUTHENTICATED');
  const emptyBearer = await call('empty bearer', {
    method: 'GET',
    url: '/api/v1/auth/me',
    token: null,
    headers: { authorization: 'Bearer ' },
  });
  assertEnvelope('empty Bearer', emptyBearer, 401, 'UNAUTHENTICATED');
  // Mutations too, and before any validation of the body.
  const post = await call('no token post', {
    method: 'POST',
    url: '/api/v1/orgs',
    token: null,
    payload: { bogus: true },
  });
  assertEnvelope('no token on POST', post, 401, 'UNAUTHENTICATED');
});

test('forged, expired, alg:none, unknown-user and garbage tokens → 401 TOKEN_INVALID', async () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { type: 'access' };
  const wrongKey = new TextEncoder().encode('not-the-flowgate-secret-not-the-flowgate-secret');
  const forged = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(adminUserId)
    .setIssuer('flowgate')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(wrongKey);
  const rightKey = deriveKey(fg.config.secret, 'jwt');
  const expired = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(adminUserId)
    .setIssuer('flowgate')
    .setJti(randomUUID())
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(rightKey);
  const unknownUser = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(randomUUID())
    .setIssuer('flowgate')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(rightKey);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const algNonePayload = { sub: adminUserId, type: 'access', iss: 'flowgate', jti: randomUUID(), exp: now + 3600 };
  const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(algNonePayload)}.`;
  // A valid token's payload re-signed with a tampered claim (sub swapped) keeps the old signature.
  const [h, , s] = fg.adminToken.split('.');
  const tamperedPayload = { sub: randomUUID(), type: 'access', iss: 'flowgate', jti: randomUUID(), exp: now + 3600 };
  const tampered = `${h}.${b64(tamperedPayload)}.${s}`;
  // Sanity: the right key with valid claims is accepted, so the rejections below are about the defect.
  const good = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(adminUserId)
    .setIssuer('flowgate')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(rightKey);
  assert.equal((await call('good token', { method: 'GET', url: '/api/v1/auth/me', token: good })).status, 200);

  const key = await api(fg, fg.adminToken).post(`/api/v1/api-keys?org_id=${fg.defaultOrgId}`, { name: 'to revoke' });
  assert.equal(key.status, 201);
  assert.equal(
    (await api(fg, fg.adminToken).delete(`/api/v1/api-keys/${key.body.id}?org_id=${fg.defaultOrgId}`)).status,
    200,
  );

  for (const [what, token] of [
    ['forged (wrong key)', forged],
    ['expired', expired],
    ['alg none', algNone],
    ['unknown user', unknownUser],
    ['tampered payload', tampered],
    ['garbage', 'garbage.token.value'],
    ['unknown API key', `fgk_${'A'.repeat(64)}`],
    ['revoked API key', key.body.key as string],
  ] as const) {
    const r = await call(what, { method: 'GET', url: '/api/v1/auth/me', token });
    assertEnvelope(`${what} token`, r, 401, 'TOKEN_INVALID');
  }
});

test('wrong content type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
  for (const ct of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
    const r = await call(`content-type ${ct}`, {
      method: 'POST',
      url: '/api/v1/orgs',
      payload: 'name=x',
      headers: { 'content-type': ct },
    });
    assertEnvelope(`content type ${ct}`, r, 415, 'UNSUPPORTED_MEDIA_TYPE');
  }
});

test('unknown API routes and methods → 404 NOT_FOUND in the envelope', async () => {
  assertEnvelope(
    'unknown route',
    await call('unknown route', { method: 'GET', url: '/api/v1/no-such-thing' }),
    404,
    'NOT_FOUND',
  );
  // Without a token, /api/ answers 401 before routing: anonymous callers cannot probe which routes exist.
  assertEnvelope(
    'unknown route, no token',
    await call('unknown route anon', { method: 'GET', url: '/api/v1/no-such-thing', token: null }),
    401,
    'UNAUTHENTICATED',
  );
  assertEnvelope(
    'unknown non-API path',
    await call('unknown page', { method: 'GET', url: '/no-such-file.js', token: null }),
    404,
    'NOT_FOUND',
  );
  assertEnvelope(
    'wrong method',
    await call('wrong method', { method: 'PATCH', url: '/api/v1/settings' }),
    404,
    'NOT_FOUND',
  );
});

test('a client-supplied x-request-id is echoed; a hostile one is replaced', async () => {
  const r = await call('own request id', {
    method: 'GET',
    url: '/api/v1/no-such-thing',
    headers: { 'x-request-id': 'my-trace-123' },
  });
  assert.equal(r.headers['x-request-id'], 'my-trace-123');
  assert.equal(errorOf(r as CallResult).message.length > 0, true);
  assert.equal((r.body as { error: { request_id: string } }).error.request_id, 'my-trace-123');
  const hostile = await call('hostile request id', {
    method: 'GET',
    url: '/api/v1/no-such-thing',
    headers: { 'x-request-id': 'x'.repeat(100) + '\u0007' },
  });
  assert.notEqual(hostile.headers['x-request-id'], 'x'.repeat(100) + '\u0007');
  assert.match(String(hostile.headers['x-request-id']), /^[\w.-]{1,64}$/);
  // Successful answers carry it too.
  const ok = await call('ok', { method: 'GET', url: '/api/v1/auth/me' });
  assert.equal(ok.status, 200);
  assert.match(String(ok.headers['x-request-id']), /^[\w.-]{1,64}$/);
});

test('no operation in /openapi.json answers 5xx to broken ids, bodies, query values or content types', async (t) => {
  const apiOps = ops.filter((o) => o.path.startsWith('/api/v1/'));
  const report: string[] = [];
  const problems: string[] = [];
  for (const op of apiOps) {
    const cases: { what: string; url: string; payload?: unknown; headers?: Record<string, string> }[] = [];
    const good = buildRequest(op, { orgId: fg.defaultOrgId, pathValue: () => randomUUID() });
    if (op.pathParams.length > 0) {
      const bad = buildRequest(op, { orgId: 'not-a-uuid', pathValue: () => 'not-a-uuid' });
      cases.push({ what: 'bad path ids', url: bad.url, payload: good.payload });
    }
    for (const q of op.queryParams) {
      const sep = good.url.includes('?') ? '&' : '?';
      cases.push({ what: `query ${q.name}=[]`, url: `${good.url}${sep}${q.name}=%5B%5D`, payload: good.payload });
      cases.push({
        what: `query ${q.name} with a NUL byte`,
        url: `${good.url}${sep}${q.name}=a%00b`,
        payload: good.payload,
      });
    }
    if (op.method !== 'GET' && op.method !== 'DELETE') {
      if (op.bodyContentTypes.includes('application/json') || op.bodyContentTypes.length === 0) {
        const json = { 'content-type': 'application/json' };
        cases.push({ what: 'malformed JSON', url: good.url, payload: '{"a":', headers: json });
        cases.push({ what: 'array body', url: good.url, payload: '[]', headers: json });
        cases.push({ what: 'string body', url: good.url, payload: '"x"', headers: json });
        cases.push({ what: 'null body', url: good.url, payload: 'null', headers: json });
        cases.push({
          what: 'unknown field',
          url: good.url,
          payload: { ...((good.payload as object) ?? {}), zz_unknown: 1 },
        });
        if (good.payload && typeof good.payload === 'object' && !Array.isArray(good.payload)) {
          // Every string field of a valid body with a NUL character in it.
          const withNul = Object.fromEntries(
            Object.entries(good.payload).map(([k, v]) => [k, typeof v === 'string' ? `${v}\u0000x` : v]),
          );
          cases.push({ what: 'NUL in string fields', url: good.url, payload: withNul });
        }
        cases.push({
          what: 'deep nesting',
          url: good.url,
          payload: '['.repeat(5000) + ']'.repeat(5000),
          headers: json,
        });
      }
      cases.push({ what: 'text/plain', url: good.url, payload: 'hello', headers: { 'content-type': 'text/plain' } });
    }
    for (const c of cases) {
      const r = await call(`${op.label} ${c.what}`, {
        method: op.method,
        url: c.url,
        payload: c.payload,
        headers: c.headers,
      });
      report.push(`${op.label} [${c.what}] → ${r.timedOut ? 'timeout' : r.status}`);
      if (r.timedOut) problems.push(`${op.label} [${c.what}]: no answer`);
      else if (r.status >= 500) problems.push(`${op.label} [${c.what}] answered ${r.status} ${r.text.slice(0, 200)}`);
      else if (r.status >= 400 && !r.streaming) {
        try {
          assertEnvelope(`${op.label} [${c.what}]`, r, r.status);
        } catch (err) {
          problems.push((err as Error).message);
        }
      }
    }
  }
  t.diagnostic(`sent ${report.length} broken requests to ${apiOps.length} operations`);
  assert.ok(
    problems.length === 0,
    `client mistakes answered with a server error or without the envelope:\n${problems.join('\n')}`,
  );
});

test('every error answer seen in this file used the envelope (with x-request-id)', () => {
  assert.ok(seen.length > 50, `only ${seen.length} requests recorded`);
  for (const { what, r } of seen)
    if (r.status >= 400 && r.status < 500 && !r.streaming) assertEnvelope(what, r, r.status);
});

// ---------------------------------------------------------------------------------------------
// The catalogue.

const serverSrc = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'node_modules' && name !== 'foundation' && name !== 'testing') sourceFiles(full, out);
    } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) {
      out.push(full);
    }
  }
  return out;
}

test('every catalogue code has a status and a description, and the OpenAPI description lists it', () => {
  const description = doc.info.description ?? '';
  for (const [code, spec] of Object.entries(errorCatalogue)) {
    assert.match(code, /^[A-Z][A-Z_]+$/);
    assert.ok(
      Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599,
      `${code}: status ${spec.status}`,
    );
    assert.ok(spec.description.trim().length > 10, `${code}: description`);
    assert.ok(spec.message.trim().length > 0, `${code}: message`);
    assert.ok(
      description.includes(`\`${code}\` (${spec.status})`),
      `${code} is not documented in /openapi.json info.description`,
    );
  }
});

test('every catalogue code is used by the server (grep of packages/server/src)', (t) => {
  const files = sourceFiles(serverSrc);
  assert.ok(files.length > 10);
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  const unused = Object.keys(errorCatalogue).filter(
    (code) => !text.includes(`'${code}'`) && !text.includes(`"${code}"`),
  );
  t.diagnostic(
    `${Object.keys(errorCatalogue).length} codes, ${files.length} source files; unused: ${unused.join(', ') || 'none'}`,
  );
  assert.deepEqual(
    unused,
    [],
    `codes in the catalogue that no server code uses (implement them or remove them): ${unused.join(', ')}`,
  );
});
