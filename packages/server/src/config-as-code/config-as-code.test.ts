// flowgate apply / diff / export against a running server (HTTP, an API key), in-process and through the
// real command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import { AutoAgent, eventually } from '../testing/sim-agent.ts';
import { runConfigCommand } from './commands.ts';

let fg: TestFlowgate;
let server: string;
let apiKey: string;
const agents: AutoAgent[] = [];
const admin = () => api(fg, fg.adminToken);

before(async () => {
  fg = await startTestFlowgate({ FLOWGATE_WEBHOOK_ALLOW_PRIVATE: 'true' });
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  server = `http://127.0.0.1:${port}`;
  apiKey = (await admin().post('/api/v1/api-keys', { name: 'ci', role: 'admin' })).body.key;
  // A gateway for the Deployment documents to target.
  const reg = (await admin().post('/api/v1/registration-tokens', { name: 'cac', expires_in_days: 1 })).body.token;
  const agent = new AutoAgent({ url: `ws://127.0.0.1:${port}/v1/opamp`, token: reg, hostName: 'cac-edge-1' });
  agents.push(agent);
  await agent.start();
  await agent.sendFull();
  const g = await eventually(async () => (await admin().get('/api/v1/gateways?name=cac-edge-1')).body.items[0]);
  await admin().put(`/api/v1/gateways/${g.id}/tags`, { tags: { ring: 'cac' } });
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

async function run(cmd: 'apply' | 'diff' | 'export', args: string[], env: Record<string, string> = {}, key = apiKey) {
  let out = '';
  let err = '';
  const code = await runConfigCommand(cmd, args, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { FLOWGATE_URL: server, FLOWGATE_API_KEY: key, ...env },
    cwd: tmpdir(),
  });
  return { code, out, err };
}

const PIPELINE = (exporter: string) => `receivers:
  otlp:
    protocols:
      http: {}
processors:
  batch: {}
exporters:
  ${exporter}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [${exporter.split(':')[0]}]
`;

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-cac-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const templateDoc = (name: string, config: string, description = 'edge gateways') =>
  `apiVersion: flowgate.dev/v1
kind: Template
metadata:
  name: ${name}
spec:
  description: ${description}
  config: |
${config.trimEnd().replace(/^/gm, '    ')}
`;

const versions = async (name: string) => {
  const t = (await admin().get('/api/v1/templates?limit=500')).body.items.find(
    (x: { name: string }) => x.name === name,
  );
  return t ? (t.latest_version as number) : 0;
};

test('apply, apply again, change and apply: one version, still one, then two; diff says so', async () => {
  const dir = repo({
    'templates/edge.yaml': templateDoc('edge', PIPELINE('debug: {}')),
    'backends.yaml': `apiVersion: flowgate.dev/v1
kind: BackendPreset
metadata:
  name: metrics-store
spec:
  type: backend.prometheus_remote_write
  config:
    endpoint: https://mimir.example.com/api/v1/push
`,
    'hooks.yml': `apiVersion: flowgate.dev/v1
kind: Webhook
metadata:
  name: rollouts-to-slack
spec:
  url: \${env:SLACK_URL}
  events: ["deployment.*"]
  format: slack
---
apiVersion: flowgate.dev/v1
kind: Deployment
metadata:
  name: edge-canary
spec:
  template: edge
  target:
    tags: { ring: cac }
  strategy: { type: canary, batches: [50, 100], soak_seconds: 0 }
`,
  });
  const env = { SLACK_URL: 'https://hooks.slack.com/services/T01/B02/abcdefghijklmnopqrstuvwx' };
  const diff0 = await run('diff', ['-f', dir], env);
  assert.equal(diff0.code, 2, diff0.out + diff0.err);
  assert.match(diff0.out, /\+ Template\/edge: create \(version 1\)/);
  assert.match(diff0.out, /4 to create, 0 to update, 0 to replace, 0 unchanged/);
  assert.equal(await versions('edge'), 0, 'diff changes nothing');

  const first = await run('apply', ['-f', dir], env);
  assert.equal(first.code, 0, first.out + first.err);
  assert.match(first.out, /\+ Template\/edge: created version 1/);
  assert.match(first.out, /\+ Webhook\/rollouts-to-slack: created; signing secret \(not shown/);
  assert.match(first.out, /\+ Deployment\/edge-canary: started rollout [0-9a-f-]{36} to 1 gateway\(s\)/);
  assert.equal(await versions('edge'), 1);

  const again = await run('apply', ['-f', dir], env);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /= Template\/edge: unchanged/);
  assert.match(again.out, /= Deployment\/edge-canary: unchanged/);
  assert.match(again.out, /= Webhook\/rollouts-to-slack: unchanged/);
  assert.match(again.out, /= BackendPreset\/metrics-store: unchanged/);
  assert.equal(await versions('edge'), 1, 'an unchanged template creates no version');
  assert.equal((await run('diff', ['-f', dir], env)).code, 0);
  assert.equal(
    (await admin().get('/api/v1/deployments')).body.items.filter((d: { name: string }) => d.name === 'edge-canary')
      .length,
    1,
  );

  writeFileSync(join(dir, 'templates/edge.yaml'), templateDoc('edge', PIPELINE('debug:\n    verbosity: basic')));
  const diff1 = await run('diff', ['-f', dir], env);
  assert.equal(diff1.code, 2);
  assert.match(diff1.out, /~ Template\/edge: update\n {4}new version 2\n/);
  assert.match(diff1.out, /\+ {4}verbosity: basic/);
  assert.match(
    diff1.out,
    /\+ Deployment\/edge-canary: create \(roll out edge v2 to gateways tagged ring=cac \(canary\)\)/,
  );
  const changed = await run('apply', ['-f', dir], env);
  assert.equal(changed.code, 0, changed.err);
  assert.equal(await versions('edge'), 2, 'a changed template creates exactly one version');
  const rollouts = (await admin().get('/api/v1/deployments')).body.items.filter(
    (d: { name: string }) => d.name === 'edge-canary',
  );
  assert.deepEqual(
    rollouts.map((d: { version: number }) => d.version),
    [2, 1],
  );
  const hooks = (await admin().get('/api/v1/webhooks')).body.items;
  assert.equal(
    hooks.find((h: { name: string }) => h.name === 'rollouts-to-slack').url,
    'https://hooks.slack.com/services/T01/B02/abc••••',
  );
});

test('bad documents: every problem named by file and document, nothing applied', async () => {
  const dir = repo({
    'a.yaml': `apiVersion: flowgate.dev/v1
kind: Template
metadata:
  name: fine-one
spec:
  config: |
${PIPELINE('debug: {}').trimEnd().replace(/^/gm, '    ')}
---
apiVersion: flowgate.dev/v1
kind: Gadget
metadata:
  name: what
spec: {}
---
apiVersion: flowgate.dev/v2
kind: Webhook
metadata:
  name: hook
spec:
  url: ftp://example.com
  events: [deployment.exploded]
`,
    'b.yaml': `apiVersion: flowgate.dev/v1
kind: Template
metadata: {}
spec:
  config: 42
---
apiVersion: flowgate.dev/v1
kind: Webhook
metadata:
  name: needs-env
spec:
  url: \${env:NOT_SET_ANYWHERE}
  events: ['*']
`,
  });
  const r = await run('apply', ['-f', dir]);
  assert.equal(r.code, 1);
  assert.match(r.err, /nothing was applied/);
  assert.match(r.err, /a\.yaml: document 2 \(Gadget\/what\): unknown kind "Gadget"/);
  assert.match(r.err, /a\.yaml: document 3 \(Webhook\/hook\): apiVersion must be flowgate\.dev\/v1/);
  assert.match(r.err, /b\.yaml: document 1 \(Template\/\?\): metadata\.name is required/);
  assert.match(r.err, /b\.yaml: document 1 \(Template\/\?\): spec\.config/);
  assert.match(r.err, /b\.yaml: document 2 \(Webhook\/needs-env\): environment variable NOT_SET_ANYWHERE is not set/);
  assert.equal(await versions('fine-one'), 0, 'the valid document was not applied either');

  // A configuration the server's validation refuses, next to a valid one: nothing applied.
  const invalid = repo({
    'x.yaml': `${templateDoc('valid-next-to-bad', PIPELINE('debug: {}'))}---
${templateDoc('references-nothing', PIPELINE('debug: {}').replace('receivers: [otlp]', 'receivers: [kafka]'))}`,
  });
  const v = await run('apply', ['-f', invalid]);
  assert.equal(v.code, 1);
  assert.match(v.err, /x\.yaml: document 2 \(Template\/references-nothing\): spec\.config.*kafka/);
  assert.equal(await versions('valid-next-to-bad'), 0);

  const missingRef = repo({
    'd.yaml': `apiVersion: flowgate.dev/v1
kind: Deployment
metadata:
  name: to-nowhere
spec:
  template: no-such-template
  target:
    gateways: [no-such-gateway]
`,
  });
  const m = await run('diff', ['-f', missingRef]);
  assert.equal(m.code, 1);
  assert.match(
    m.err,
    /d\.yaml: document 1 \(Deployment\/to-nowhere\): spec\.template: no template named "no-such-template"/,
  );
  assert.equal(
    (await run('apply', ['-f', join(missingRef, 'nope.yaml')])).err.includes('no such file or directory'),
    true,
  );
});

test('export gives documents that apply takes back unchanged; another org gets clear errors', async () => {
  const exported = await run('export', []);
  assert.equal(exported.code, 0, exported.err);
  assert.match(exported.out, /kind: Template\nmetadata:\n {2}name: edge\n/);
  assert.match(exported.out, /url: \$\{env:WEBHOOK_ROLLOUTS_TO_SLACK_URL\}/);
  const dir = repo({ 'exported.yaml': exported.out });
  const env = { WEBHOOK_ROLLOUTS_TO_SLACK_URL: 'https://hooks.slack.com/services/T01/B02/abcdefghijklmnopqrstuvwx' };
  const back = await run('diff', ['-f', dir], env);
  assert.equal(back.code, 0, back.out + back.err);
  assert.doesNotMatch(back.out, /^[+~±]/m);

  // The same documents against another organization: its key sees none of the first org's gateways.
  const org = await admin().post('/api/v1/orgs', { name: 'Second org' });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const key2 = (await admin().post(`/api/v1/api-keys?org_id=${org.body.id}`, { name: 'ci-2', role: 'admin' })).body.key;
  const other = await run('apply', ['-f', dir], env, key2);
  assert.equal(other.code, 1);
  assert.match(
    other.err,
    /exported\.yaml: document \d+ \(Deployment\/edge-canary\): spec\.version: template "edge" has no version 2 \(latest 1\)/,
  );
  assert.match(
    other.err,
    /\(Deployment\/edge-canary\): spec\.target\.tags: no gateway of this organization is tagged ring=cac/,
  );
  assert.equal((await api(fg, key2).get('/api/v1/templates')).body.items.length, 0, 'nothing applied in the other org');
  // An org the key does not belong to.
  const foreign = await run('diff', ['-f', dir, '--org', fg.defaultOrgId], env, key2);
  assert.equal(foreign.code, 1);
  assert.match(foreign.err, /NOT_FOUND/);
});

test('the real command: flowgate diff exits 2 with changes, apply 0, diff 0 after', async () => {
  const dir = repo({ 'one.yaml': templateDoc('from-the-cli', PIPELINE('debug: {}')) });
  const bin = fileURLToPath(new URL('../../bin/flowgate.mjs', import.meta.url));
  const exec = (args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) =>
      execFile(
        process.execPath,
        [bin, ...args],
        { env: { ...process.env, FLOWGATE_URL: server, FLOWGATE_API_KEY: apiKey } },
        (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
      ),
    );
  assert.equal((await exec(['diff', '-f', dir])).code, 2);
  const applied = await exec(['apply', '-f', dir]);
  assert.equal(applied.code, 0, applied.err);
  assert.match(applied.out, /\+ Template\/from-the-cli: created version 1/);
  assert.equal((await exec(['diff', '-f', dir])).code, 0);
  const noKey = await new Promise<{ code: number; err: string }>((resolve) =>
    execFile(
      process.execPath,
      [bin, 'diff', '-f', dir],
      { env: { ...process.env, FLOWGATE_URL: server, FLOWGATE_API_KEY: '' } },
      (e, _o, err) => resolve({ code: (e as { code?: number } | null)?.code ?? 0, err }),
    ),
  );
  assert.equal(noKey.code, 1);
  assert.match(noKey.err, /an API key is needed/);
});

test('UsageSource: a rule-file upload is created from a file next to the document, and replaced on each apply', async () => {
  const dir = repo({
    'usage/rules.yaml': `groups:
  - name: node
    rules:
      - record: instance:node_cpu:rate5m
        expr: sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))
`,
    'usage/source.yaml': `apiVersion: flowgate.dev/v1
kind: UsageSource
metadata:
  name: node-rules
spec:
  kind: prometheus_rules
  content_file: rules.yaml
`,
  });
  const applied = await run('apply', ['-f', dir]);
  assert.equal(applied.code, 0, applied.err);
  assert.match(applied.out, /\+ UsageSource\/node-rules: created/);
  const sources = (await admin().get(`/api/v1/usage/sources?org_id=${fg.defaultOrgId}`)).body.items;
  const src = sources.find((s: { name: string }) => s.name === 'node-rules');
  assert.equal(src.kind, 'prometheus_rules');
  const diff = await run('diff', ['-f', dir]);
  assert.equal(diff.code, 2);
  assert.match(diff.out, /± UsageSource\/node-rules: replace \(an upload is replaced on every apply/);
  const missing = repo({
    's.yaml': `apiVersion: flowgate.dev/v1
kind: UsageSource
metadata:
  name: broken
spec:
  kind: prometheus_rules
  content_file: nowhere.yaml
`,
  });
  const bad = await run('apply', ['-f', missing]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /s\.yaml: document 1 \(UsageSource\/broken\): spec\.content_file: ENOENT/);
});
