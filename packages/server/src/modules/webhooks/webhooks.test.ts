import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import pino from 'pino';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { eventually } from '../../testing/sim-agent.ts';
import { startReceiver, startJiraStub, startGithubStub, type ScriptedAnswer } from '../../testing/http-stubs.ts';
import { systemScope } from '../../platform/scope.ts';
import { deriveKey } from '../../platform/crypto.ts';
import { createOutbound } from '../../platform/outbound.ts';
import { recordEvent } from '../events/events.store.ts';
import { createOutboxRelay } from '../events/outbox-relay.ts';
import { createDeliveryWorker, backoffMs } from './delivery-worker.ts';
import { maskUrl } from './webhooks.service.ts';

const PUBLIC = 'https://flowgate.example.com';
let fg: TestFlowgate;
const admin = () => api(fg, fg.adminToken);
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  fg = await startTestFlowgate({
    FLOWGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
    FLOWGATE_WEBHOOK_RETRY_BASE_SECONDS: '0.2',
    FLOWGATE_WEBHOOK_TIMEOUT_SECONDS: '1',
    FLOWGATE_PUBLIC_URL: PUBLIC,
  });
});
after(async () => {
  for (const c of closers) await c().catch(() => undefined);
  await fg?.close();
});

async function receiver(answer?: (n: number) => ScriptedAnswer) {
  const r = await startReceiver(answer);
  closers.push(r.close);
  return r;
}
async function webhook(body: Record<string, unknown>) {
  const res = await admin().post('/api/v1/webhooks', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string; url: string; secret_hint: string };
}
let seq = 0;
async function template(name = `tpl-${++seq}`) {
  const res = await admin().post('/api/v1/templates', {
    name,
    config_yaml:
      'receivers:\n  otlp:\n    protocols:\n      http: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [debug]\n',
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; name: string };
}
const deliveries = async (id: string) => (await admin().get(`/api/v1/webhooks/${id}/deliveries`)).body.items;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: bodies are asserted field by field
const waitDelivery = (id: string, pred: (d: Record<string, any>) => boolean, timeoutMs = 15_000) =>
  eventually(async () => (await deliveries(id)).find(pred), timeoutMs);
const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

test('a receiver that fails twice gets the delivery on the third attempt, signed; the log shows all three', async () => {
  const r = await receiver((n) => (n < 2 ? { status: 500, body: `boom ${n + 1}` } : { status: 204 }));
  const hook = await webhook({ name: 'ci-receiver', url: `${r.url}/hooks/flowgate`, events: ['template.*'] });
  assert.match(hook.secret, /^fgw_[\w-]{40,}$/);
  const t = await template('checkout-metrics');
  const d = await waitDelivery(hook.id, (x) => x.status === 'delivered');
  assert.equal(d.attempts, 3);
  assert.equal(d.event_type, 'template.created');
  assert.equal(d.response_code, 204);
  assert.deepEqual(
    d.attempt_log.map((a: { attempt: number; response_code: number }) => [a.attempt, a.response_code]),
    [
      [1, 500],
      [2, 500],
      [3, 204],
    ],
  );
  assert.equal(d.attempt_log[0].error, 'the receiver answered 500');
  assert.equal(d.attempt_log[0].response_excerpt, 'boom 1');
  assert.equal(r.requests.length, 3);
  for (const req of r.requests) {
    assert.equal(req.path, '/hooks/flowgate');
    assert.equal(req.headers['x-flowgate-signature'], sign(hook.secret, req.body), 'HMAC-SHA256 of the raw body');
    assert.equal(req.headers['x-flowgate-delivery'], d.id);
    assert.equal(req.headers['x-flowgate-event'], 'template.created');
    const body = JSON.parse(req.body);
    assert.equal(String(body.timestamp), req.headers['x-flowgate-timestamp'], 'the signed body carries the timestamp');
    assert.ok(Math.abs(body.timestamp - Date.now() / 1000) < 60);
    assert.equal(body.type, 'template.created');
    assert.deepEqual(body.subject, { type: 'template', id: t.id, name: 'checkout-metrics' });
    assert.equal(body.summary, 'Template checkout-metrics created');
    assert.equal(body.url, `${PUBLIC}/templates/${t.id}`);
    assert.equal(body.org_id, fg.defaultOrgId);
  }
  // A tampered body no longer matches its signature.
  const last = r.requests[2]!;
  assert.notEqual(sign(hook.secret, last.body.replace('checkout', 'checkouT')), last.headers['x-flowgate-signature']);
  const list = (await admin().get('/api/v1/webhooks')).body.items.find((w: { id: string }) => w.id === hook.id);
  assert.equal(list.last_delivery.status, 'delivered');
});

test('the Slack format is a readable message with a link to the console', async () => {
  const r = await receiver();
  const hook = await webhook({
    name: 'slack-ops',
    url: `${r.url}/services/T000/B000/abcdefghijklmnopqrstuvwx`,
    events: ['template.version_created'],
    format: 'slack',
  });
  assert.equal(hook.url, `${r.url}/services/T000/B000/abc••••`, 'the URL token is masked');
  const t = await template('slack-tpl');
  await admin().post(`/api/v1/templates/${t.id}/versions`, {
    config_yaml:
      'receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    logs:\n      receivers: [otlp]\n      exporters: [debug]\n',
  });
  await waitDelivery(hook.id, (x) => x.status === 'delivered');
  assert.equal(r.requests.length, 1, 'only the subscribed event (not template.created)');
  const msg = JSON.parse(r.requests[0]!.body);
  assert.equal(msg.text, `Template slack-tpl: version 2 saved — ${PUBLIC}/templates/${t.id}`);
  assert.equal(msg.blocks[0].type, 'section');
  assert.match(msg.blocks[0].text.text, /\*Template slack-tpl: version 2 saved\*/);
  const context = msg.blocks[msg.blocks.length - 1];
  assert.equal(context.type, 'context');
  assert.ok(context.elements[0].text.includes(`<${PUBLIC}/templates/${t.id}|Open in Flowgate>`));
  assert.ok(context.elements[0].text.includes('`template.version_created`'));
});

test('the secret is shown once, stored encrypted with the URL, and can be rotated', async () => {
  const r = await receiver();
  const hook = await webhook({
    name: 'rotating',
    url: `${r.url}/hook?token=sup3r-s3cret-query-value`,
    events: ['template.created'],
  });
  assert.equal(hook.url, `${r.url}/hook?token=••••`);
  assert.equal(hook.secret_hint, `${hook.secret.slice(0, 8)}…`);
  const got = await admin().get(`/api/v1/webhooks/${hook.id}`);
  assert.equal(got.body.secret, undefined);
  assert.equal(JSON.stringify((await admin().get('/api/v1/webhooks')).body).includes(hook.secret), false);
  const rows = await fg.db.query<{ row: string }>('SELECT row_to_json(w)::text AS row FROM webhooks w WHERE id = $1', [
    hook.id,
  ]);
  assert.ok(!rows[0]!.row.includes(hook.secret), 'no plaintext secret in the table');
  assert.ok(!rows[0]!.row.includes('sup3r-s3cret-query-value'), 'no plaintext URL in the table');
  const audit = await admin().get('/api/v1/audit-logs?resource_type=webhook');
  assert.ok(!JSON.stringify(audit.body).includes(hook.secret));
  const rotated = await admin().patch(`/api/v1/webhooks/${hook.id}`, { rotate_secret: true });
  assert.equal(rotated.status, 200);
  assert.match(rotated.body.secret, /^fgw_/);
  assert.notEqual(rotated.body.secret, hook.secret);
  await template();
  await waitDelivery(hook.id, (x) => x.status === 'delivered');
  const req = r.requests[0]!;
  assert.equal(req.path, '/hook?token=sup3r-s3cret-query-value', 'the real URL is called');
  assert.equal(req.headers['x-flowgate-signature'], sign(rotated.body.secret, req.body));
});

test('bad input: not http(s), unknown events, missing connector options, unknown secret — clear errors, nothing stored', async () => {
  const before = (await admin().get('/api/v1/webhooks')).body.items.length;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ url: 'ftp://example.com/x', events: ['*'] }, /only http and https/],
    [{ url: 'not a url', events: ['*'] }, /is not a URL/],
    [{ url: 'https://user:pw@example.com/x', events: ['*'] }, /credentials in the URL/],
    [{ url: 'https://example.com/x', events: ['deploy.*'] }, /matches no event type/],
    [{ url: 'https://example.com/x', events: ['deployment.exploded'] }, /is not an event type/],
    [
      { url: 'https://acme.atlassian.net', events: ['deployment.failed'], format: 'jira' },
      /format jira needs the jira options/,
    ],
    [
      {
        url: 'https://acme.atlassian.net',
        events: ['deployment.failed'],
        format: 'jira',
        jira: { project_key: 'OPS', token_secret: 'NO_SUCH' },
      },
      /no secret named NO_SUCH/,
    ],
    [
      { url: 'https://example.com/x', events: ['*'], github: { repository: 'a/b', token_secret: 'X' } },
      /only for format github/,
    ],
  ];
  for (const [body, message] of cases) {
    const res = await admin().post('/api/v1/webhooks', body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'INVALID_WEBHOOK', JSON.stringify(body));
    assert.match(res.body.error.message, message);
    assert.ok(Array.isArray(res.body.error.details.problems));
  }
  const unknownField = await admin().post('/api/v1/webhooks', {
    url: 'https://example.com',
    events: ['*'],
    secret: 'mine',
  });
  assert.equal(unknownField.status, 400);
  assert.equal(unknownField.body.error.code, 'VALIDATION_FAILED');
  assert.equal((await admin().get('/api/v1/webhooks')).body.items.length, before);
  // Roles: a viewer reads, an editor cannot create (credentials are involved).
  const viewer = await userWithRole(fg, fg.defaultOrgId, 'editor');
  const denied = await api(fg, viewer.token).post('/api/v1/webhooks', { url: 'https://example.com', events: ['*'] });
  assert.equal(denied.status, 403);
});

test('private targets are refused unless the instance allows them', async () => {
  const strict = await startTestFlowgate({});
  try {
    const a = api(strict, strict.adminToken);
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://169.254.169.254/latest',
      'http://localhost:8080/x',
      'http://[::1]/x',
      'http://10.1.2.3/x',
    ]) {
      const res = await a.post('/api/v1/webhooks', { url, events: ['*'] });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error.code, 'INVALID_WEBHOOK');
      assert.match(res.body.error.message, /private, loopback or link-local/);
    }
  } finally {
    await strict.close();
  }
});

test('a receiver answering 410 disables the webhook; a redirect is not followed; slow and unreachable receivers are retried', async () => {
  const gone = await receiver(() => ({ status: 410, body: 'gone' }));
  const h410 = await webhook({ name: 'gone', url: gone.url, events: ['template.created'] });
  await template();
  const d = await waitDelivery(h410.id, (x) => x.status === 'failed');
  assert.equal(d.attempts, 1);
  assert.match(d.last_error, /410 Gone/);
  const after410 = (await admin().get(`/api/v1/webhooks/${h410.id}`)).body;
  assert.equal(after410.enabled, false);
  assert.equal(after410.disabled_reason, 'the receiver answered 410 Gone');
  await template();
  await fg.features.outbox.drain();
  assert.equal((await deliveries(h410.id)).length, 1, 'a disabled webhook gets no new deliveries');
  const redeliver = await admin().post(`/api/v1/webhooks/${h410.id}/deliveries/${d.id}/redeliver`);
  assert.equal(redeliver.status, 409);
  assert.equal(redeliver.body.error.code, 'INVALID_STATE');

  const loop = await receiver(() => ({ status: 302, headers: { location: '/again' } }));
  const hLoop = await webhook({ name: 'redirect-loop', url: `${loop.url}/again`, events: ['template.created'] });
  const slow = await receiver((n) => (n === 0 ? { status: 200, delayMs: 3000 } : { status: 200 }));
  const hSlow = await webhook({ name: 'slow', url: slow.url, events: ['template.created'] });
  const hDead = await webhook({
    name: 'dead',
    url: 'http://127.0.0.1:9/nothing-listens',
    events: ['template.created'],
  });
  await template();
  const looped = await waitDelivery(hLoop.id, (x) => x.attempt_log.length >= 2);
  assert.match(looped.attempt_log[0].error, /answered 302 redirecting to \/again: redirects are not followed/);
  assert.equal(loop.requests.length >= 2 && loop.requests.every((q) => q.path === '/again'), true, 'never followed');
  const slowed = await waitDelivery(hSlow.id, (x) => x.status === 'delivered');
  assert.match(slowed.attempt_log[0].error, /did not answer within 1 s/);
  assert.equal(slowed.attempts, 2);
  const dead = await waitDelivery(hDead.id, (x) => x.attempt_log.length >= 2 && x.status === 'pending');
  assert.match(dead.attempt_log[0].error, /could not be reached: ECONNREFUSED/);
  assert.equal(dead.status, 'pending', 'retried with backoff');
  // Disabling a webhook fails what still waits for it.
  for (const h of [hLoop, hDead])
    assert.equal((await admin().patch(`/api/v1/webhooks/${h.id}`, { enabled: false })).status, 200);
  await eventually(async () => (await deliveries(hDead.id)).every((x: { status: string }) => x.status === 'failed'));

  // Redeliver a delivered one: sent again, counted on.
  const again = await admin().post(`/api/v1/webhooks/${hSlow.id}/deliveries/${slowed.id}/redeliver`);
  assert.equal(again.status, 200);
  const resent = await waitDelivery(
    hSlow.id,
    (x) => x.id === slowed.id && x.status === 'delivered' && x.attempts === 3,
  );
  assert.equal(resent.attempt_log.length, 3);
  assert.equal(slow.requests.filter((q) => q.headers['x-flowgate-delivery'] === slowed.id).length, 3);
});

test('backoff doubles per attempt with jitter, at most an hour', () => {
  const low = () => 0;
  const high = () => 1;
  assert.equal(backoffMs(1, 30_000, low), 15_000);
  assert.equal(backoffMs(1, 30_000, high), 30_000);
  assert.equal(backoffMs(3, 30_000, low), 60_000);
  assert.equal(backoffMs(20, 30_000, high), 3600_000);
  assert.equal(
    maskUrl('https://hooks.slack.com/services/T0123/B0456/xoxbAbCdEfGh1234567890'),
    'https://hooks.slack.com/services/T0123/B0456/xox••••',
  );
});

test('a test delivery reaches only the webhook it was asked for', async () => {
  const r1 = await receiver();
  const r2 = await receiver();
  const h1 = await webhook({ name: 'test-1', url: r1.url, events: ['alert.*'] });
  await webhook({ name: 'test-2', url: r2.url, events: ['*'] });
  const res = await admin().post(`/api/v1/webhooks/${h1.id}/test`);
  assert.equal(res.status, 202);
  await waitDelivery(h1.id, (x) => x.status === 'delivered' && x.event_type === 'webhook.test');
  await fg.features.outbox.drain();
  assert.equal(r1.requests.length, 1);
  assert.equal(JSON.parse(r1.requests[0]!.body).summary, 'Test delivery to webhook test-1');
  assert.equal(r2.requests.filter((q) => JSON.parse(q.body).type === 'webhook.test').length, 0);
});

test('Jira and GitHub: a failed rollout becomes an issue through their REST APIs (stand-ins checking auth)', async () => {
  const jira = await startJiraStub({ email: 'bot@example.com', token: 'jira-api-token-123', projects: ['OPS'] });
  const gh = await startGithubStub({ token: 'ghp_testtoken456', repositories: ['acme/observability'] });
  closers.push(jira.close, gh.close);
  assert.equal((await admin().put('/api/v1/secrets', { name: 'JIRA_TOKEN', value: 'jira-api-token-123' })).status, 201);
  assert.equal((await admin().put('/api/v1/secrets', { name: 'GH_TOKEN', value: 'ghp_testtoken456' })).status, 201);
  assert.equal((await admin().put('/api/v1/secrets', { name: 'GH_WRONG', value: 'ghp_wrong' })).status, 201);
  const hJira = await webhook({
    name: 'jira-ops',
    url: jira.url,
    events: ['deployment.failed'],
    format: 'jira',
    jira: { project_key: 'OPS', email: 'bot@example.com', token_secret: 'JIRA_TOKEN', labels: ['flowgate', 'rollout'] },
  });
  const hGh = await webhook({
    name: 'github-obs',
    url: gh.url,
    events: ['deployment.failed'],
    format: 'github',
    github: { repository: 'acme/observability', token_secret: 'GH_TOKEN', labels: ['rollout failed'] },
  });
  const hBad = await webhook({
    name: 'github-wrong-token',
    url: gh.url,
    events: ['deployment.failed'],
    format: 'github',
    github: { repository: 'acme/observability', token_secret: 'GH_WRONG' },
  });
  assert.equal(JSON.stringify(hJira).includes('jira-api-token-123'), false, 'the token is referenced by name only');
  const deploymentId = '7b0d6c1e-0000-4000-8000-000000000001';
  await fg.db.tx((sql) =>
    recordEvent(sql, systemScope(fg.defaultOrgId), {
      type: 'deployment.failed',
      subject: { type: 'deployment', id: deploymentId, name: 'edge rollout' },
      data: {
        template_name: 'edge',
        version: 4,
        cause: 'data_plane',
        reason: 'Data plane after applying version 4: edge-1: received 1,200 metric points but sent none out',
        findings: [{ message: 'edge-1: received 1,200 metric points but sent none out' }],
        batch: 0,
        batches: 2,
      },
    }),
  );
  fg.features.outbox.kick();
  const dj = await waitDelivery(hJira.id, (x) => x.status === 'delivered');
  assert.deepEqual(dj.result, { issue_key: 'OPS-1', issue_url: `${jira.url}/browse/OPS-1` });
  const issue = jira.issues[0]!;
  assert.equal(
    issue.fields.summary,
    '[Flowgate] Rollout "edge rollout" of edge v4 failed and is paused: Data plane after applying version 4: edge-1: received 1,200 metric points but sent none out',
  );
  assert.deepEqual(issue.fields.project, { key: 'OPS' });
  assert.deepEqual(issue.fields.issuetype, { name: 'Bug' });
  assert.deepEqual(issue.fields.labels, ['flowgate', 'rollout']);
  assert.match(String(issue.fields.description), /Cause: data plane/);
  assert.ok(String(issue.fields.description).includes(`Open in Flowgate: ${PUBLIC}/deployments/${deploymentId}`));
  const dg = await waitDelivery(hGh.id, (x) => x.status === 'delivered');
  assert.deepEqual(dg.result, { issue_number: 1, issue_url: 'https://github.com/acme/observability/issues/1' });
  assert.equal(gh.issues[0]!.headers['x-github-api-version'], '2022-11-28');
  assert.equal(gh.issues[0]!.headers.accept, 'application/vnd.github+json');
  assert.deepEqual(gh.issues[0]!.labels, ['rollout failed']);
  assert.ok(gh.issues[0]!.body.includes('• edge-1: received 1,200 metric points but sent none out'));
  const bad = await waitDelivery(hBad.id, (x) => x.attempt_log.length >= 1);
  assert.equal(bad.attempt_log[0].response_code, 401);
  assert.match(bad.attempt_log[0].response_excerpt, /Bad credentials/);
  assert.equal(gh.issues.length, 1);
  await admin().patch(`/api/v1/webhooks/${hBad.id}`, { enabled: false });
});

test('two replicas share the outbox and the deliveries: every event is delivered once', async () => {
  const r = await receiver();
  const hook = await webhook({ name: 'replicas', url: r.url, events: ['alert.fired'] });
  const logger = pino({ level: 'silent' });
  const relay2 = createOutboxRelay({ db: fg.db, bus: fg.bus, logger, pollMs: 5 });
  const worker2 = createDeliveryWorker({
    db: fg.db,
    outbound: createOutbound({ allowPrivateTargets: true }),
    logger,
    encryptionKey: deriveKey(fg.config.secret, 'encryption'),
    secretValue: async () => null,
    publicUrl: PUBLIC,
    pollMs: 5,
  });
  // The second "replica" consumes like the first: its relay queues deliveries for the same webhooks.
  relay2.addConsumer((sql, events) =>
    sql
      .query(
        `INSERT INTO webhook_deliveries (org_id, webhook_id, event_id, event_type, status)
       SELECT e.org_id, $1, e.id, e.type, 'pending' FROM domain_events e WHERE e.id = ANY($2::bigint[])
       ON CONFLICT (webhook_id, event_id) DO NOTHING`,
        [hook.id, events.map((e) => e.id)],
      )
      .then(() => undefined),
  );
  relay2.start();
  worker2.start();
  try {
    const n = 40;
    for (let i = 0; i < n; i++)
      await fg.db.tx((sql) =>
        recordEvent(sql, systemScope(fg.defaultOrgId), {
          type: 'alert.fired',
          subject: { type: 'gateway', id: `g-${i}`, name: `gateway-${i}` },
          data: { rule_name: 'replicas', message: `number ${i}` },
        }),
      );
    fg.features.outbox.kick();
    await eventually(
      async () => (await deliveries(hook.id)).filter((x: { status: string }) => x.status === 'delivered').length === n,
      20_000,
    );
    const messages = r.requests.map((q) => JSON.parse(q.body).data.message as string);
    assert.equal(messages.length, n, `each event once, got ${messages.length}`);
    assert.equal(new Set(messages).size, n);
  } finally {
    await relay2.stop();
    await worker2.stop();
  }
});
