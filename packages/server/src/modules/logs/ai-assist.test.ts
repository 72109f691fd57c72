// AI assist against a local OpenAI-compatible stub (POST /v1/chat/completions): good answers, garbage,
// refusals, HTTP errors and hangs; what leaves the server is bounded and masked; without configuration
// nothing is sent and the deterministic suggester answers.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';

let fg: TestFlowgate;
let stub: Server;
let stubUrl: string;
let viewer: { token: string };
let editor: { token: string };
const received: { auth: string | undefined; body: Record<string, unknown> }[] = [];
let behaviour: 'ok' | 'garbage' | 'refuse' | 'http500' | 'hang' | 'wrong-json' = 'ok';
const hanging: ServerResponse[] = [];

const API_KEY = 'sk-test-4f1e-very-private-key';

function answer(content: unknown, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'stub-model',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, ...extra } }],
  });
}

function handle(req: IncomingMessage, res: ServerResponse) {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    received.push({ auth: req.headers.authorization, body: JSON.parse(text || '{}') });
    if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
    const json = { 'content-type': 'application/json' };
    switch (behaviour) {
      case 'ok':
        return void res.writeHead(200, json).end(
          answer(
            JSON.stringify({
              variables: [
                { index: 0, name: 'user.name' },
                { index: 1, name: 'source.address' },
                { index: 2, name: 'source.port' },
              ],
              severity: null,
            }),
          ),
        );
      case 'garbage':
        return void res.writeHead(200, json).end('<html>this is not json');
      case 'wrong-json':
        return void res.writeHead(200, json).end(answer('Sure! The first variable is a user name.'));
      case 'refuse':
        return void res.writeHead(200, json).end(answer(null, { refusal: 'I cannot help with that.' }));
      case 'http500':
        return void res.writeHead(500, json).end('{"error":{"message":"overloaded"}}');
      case 'hang':
        hanging.push(res);
        return;
    }
  });
}

before(async () => {
  stub = createServer(handle);
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1`;
  // The stub runs on loopback: outbound calls to it are allowed only because the instance says so.
  fg = await startTestFlowgate({ FLOWGATE_ALLOW_PRIVATE_TARGETS: 'true' });
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
  assert.equal((await api(fg, fg.adminToken).put('/api/v1/secrets', { name: 'AI_KEY', value: API_KEY })).status, 201);
});
after(async () => {
  for (const r of hanging) r.destroy();
  stub.closeAllConnections();
  await new Promise((r) => stub.close(r));
  await fg?.close();
});
beforeEach(() => {
  received.length = 0;
  behaviour = 'ok';
});

const configure = (log_ai: unknown) => api(fg, fg.adminToken).put('/api/v1/settings', { log_ai });
const aiSettings = (extra: Record<string, unknown> = {}) => ({
  enabled: true,
  url: stubUrl,
  model: 'stub-model',
  api_key_secret: 'AI_KEY',
  timeout_ms: 1000,
  max_sample_lines: 3,
  ...extra,
});

const body = {
  template: 'Invalid user <*> from <*> port <*>',
  examples: [
    'Dec  7 21:18:40 gw sshd[1]: Invalid user git from 10.0.0.1 port 40222',
    `Dec  7 21:18:41 gw sshd[2]: Invalid user admin from 10.0.0.2 port 40223 password=hunter22 ${'x'.repeat(2000)}`,
    'Dec  7 21:18:42 gw sshd[3]: Invalid user pi from 10.0.0.3 port 40224',
    'Dec  7 21:18:43 gw sshd[4]: Invalid user oracle from 10.0.0.4 port 40225',
  ],
  variables: [
    { index: 0, token: '<*>', values: ['git', 'admin', 'pi'] },
    { index: 1, token: '<*>', values: ['10.0.0.1', '10.0.0.2'] },
    { index: 2, token: '<*>', values: ['40222', '40223'] },
  ],
};
const suggest = () => api(fg, editor.token).post('/api/v1/logs/suggestions', body);

test('off by default: the deterministic suggester answers and nothing is sent anywhere', async () => {
  const r = await suggest();
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.source, 'deterministic');
  assert.deepEqual(r.body.ai, { configured: false, status: 'off', error: null, sent: null });
  assert.deepEqual(
    r.body.variables.map((v: { name: string }) => v.name),
    ['user', 'client_ip', 'port'],
  );
  assert.match(r.body.parse_regex, /\(\?P<user>/);
  assert.equal(received.length, 0);
  const t = await api(fg, fg.adminToken).post('/api/v1/logs/ai/test');
  assert.equal(t.status, 409);
  assert.equal(t.body.error.code, 'LOG_AI_NOT_CONFIGURED');
  assert.equal((await api(fg, viewer.token).post('/api/v1/logs/suggestions', body)).status, 403);
});

test('configured: the model names the variables; what was sent is bounded and masked, with the key', async () => {
  assert.equal((await configure(aiSettings())).status, 200);
  const r = await suggest();
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.source, 'ai');
  assert.equal(r.body.ai.status, 'ok');
  assert.deepEqual(
    r.body.variables.map((v: { name: string }) => v.name),
    ['user.name', 'source.address', 'source.port'],
  );
  assert.match(r.body.parse_regex, /\(\?P<user_name>/);
  assert.equal(received.length, 1);
  assert.equal(received[0]!.auth, `Bearer ${API_KEY}`);
  assert.equal(received[0]!.body.model, 'stub-model');
  const sent = JSON.stringify(received[0]!.body);
  assert.doesNotMatch(sent, /hunter22/);
  assert.match(sent, /password=\*\*\*/);
  const user = JSON.parse((received[0]!.body.messages as { content: string }[])[1]!.content);
  assert.equal(user.examples.length, 3);
  assert.ok(user.examples.every((l: string) => l.length <= 500));
  assert.equal(r.body.ai.sent.lines, 3);
  // the key is no part of any response or log line
  assert.doesNotMatch(JSON.stringify(r.body), new RegExp(API_KEY));
  const t = await api(fg, fg.adminToken).post('/api/v1/logs/ai/test');
  assert.equal(t.status, 200, JSON.stringify(t.body));
  assert.equal(t.body.model, 'stub-model');
});

for (const [kind, code, why] of [
  ['garbage', 'LOG_AI_FAILED', /not answer JSON/],
  ['wrong-json', 'LOG_AI_FAILED', /not the JSON asked for/],
  ['refuse', 'LOG_AI_FAILED', /refused/],
  ['http500', 'LOG_AI_FAILED', /HTTP 500/],
  ['hang', 'LOG_AI_TIMEOUT', /within 1000 ms/],
] as const) {
  test(`an endpoint that ${kind === 'hang' ? 'hangs' : `answers ${kind}`} falls back to the deterministic suggester with a note`, async () => {
    assert.equal((await configure(aiSettings())).status, 200);
    behaviour = kind;
    const r = await suggest();
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.source, 'deterministic');
    assert.equal(r.body.ai.status, 'failed');
    assert.equal(r.body.ai.error.code, code);
    assert.match(r.body.ai.error.message, why);
    assert.match(r.body.notes[0], /AI assist failed/);
    assert.deepEqual(
      r.body.variables.map((v: { name: string }) => v.name),
      ['user', 'client_ip', 'port'],
    );
    const t = await api(fg, fg.adminToken).post('/api/v1/logs/ai/test');
    assert.equal(t.status, code === 'LOG_AI_TIMEOUT' ? 504 : 502);
    assert.equal(t.body.error.code, code);
  });
}

test('a key secret that does not exist falls back with a note; disabling sends nothing', async () => {
  assert.equal((await configure(aiSettings({ api_key_secret: 'NO_SUCH_SECRET' }))).status, 200);
  const r = await suggest();
  assert.equal(r.body.ai.status, 'failed');
  assert.match(r.body.ai.error.message, /NO_SUCH_SECRET/);
  assert.equal(received.length, 0);
  assert.equal((await configure(aiSettings({ enabled: false }))).status, 200);
  const off = await suggest();
  assert.equal(off.body.ai.status, 'off');
  assert.equal(received.length, 0);
  const bad = await configure(aiSettings({ url: 'ftp://example.com' }));
  assert.equal(bad.status, 400);
});
