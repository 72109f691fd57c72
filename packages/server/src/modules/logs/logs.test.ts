import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import sshd from '../../../../analysis/src/logs/corpus/sshd.json' with { type: 'json' };
import postgres from '../../../../analysis/src/logs/corpus/postgres.json' with { type: 'json' };

let fg: TestFlowgate;
let viewer: { token: string };
let editor: { token: string };

before(async () => {
  fg = await startTestFlowgate();
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
});
after(async () => {
  await fg?.close();
});

const admin = () => api(fg, fg.adminToken);

test('mining lines answers patterns sorted by bytes with what acting on them needs, and a pattern per line', async () => {
  const r = await api(fg, viewer.token).post('/api/v1/logs/patterns', { lines: sshd.lines });
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.assignments.length, sshd.lines.length);
  assert.equal(r.body.lines, sshd.lines.length);
  const bytes = r.body.patterns.map((p: { bytes: number }) => p.bytes);
  assert.deepEqual(
    bytes,
    [...bytes].sort((a, b) => b - a),
  );
  const invalid = r.body.patterns.find(
    (p: { template: string }) => p.template === 'Invalid user <*> from <*> port <*>',
  );
  assert.ok(invalid, r.body.patterns.map((p: { template: string }) => p.template).join('\n'));
  assert.equal(
    invalid.count,
    r.body.assignments.filter((a: number) => r.body.patterns[a] === r.body.patterns[r.body.patterns.indexOf(invalid)])
      .length,
  );
  for (const key of ['id', 'template', 'count', 'bytes', 'share', 'severities', 'examples', 'variables', 'match'])
    assert.ok(key in invalid, key);
  assert.deepEqual(
    invalid.variables.map((v: { name: string; shape: string }) => [v.name, v.shape]),
    [
      ['user', 'word'],
      ['client_ip', 'ip'],
      ['port', 'number'],
    ],
  );
  assert.ok(invalid.variables[0].values.some((v: { value: string }) => v.value === 'git'));
  // the sample's own timestamps give the period it covers
  assert.ok(r.body.window_seconds > 0);
  assert.equal(r.body.sample.kept_lines, sshd.lines.length);
});

test('pasted text, JSON lines and OTLP/JSON are read; a sample in the wrong format is refused with a reason', async () => {
  const a = api(fg, viewer.token);
  const text = await a.post('/api/v1/logs/patterns', { content: postgres.lines.slice(0, 200).join('\n') });
  assert.equal(text.status, 200);
  assert.equal(text.body.lines, 200);
  const jsonl = await a.post('/api/v1/logs/patterns', {
    content: '{"level":"error","msg":"payment 7 failed"}\n{"level":"error","msg":"payment 8 failed"}\n',
  });
  assert.equal(jsonl.status, 200);
  assert.equal(jsonl.body.patterns[0].template, 'payment <*> failed');
  assert.deepEqual(jsonl.body.patterns[0].severities, { error: 2 });
  const otlp = await a.post('/api/v1/logs/patterns', {
    format: 'otlp_json',
    content: JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { severityNumber: 13, body: { stringValue: 'cache miss for key 17' } },
                { severityNumber: 13, body: { stringValue: 'cache miss for key 99' } },
              ],
            },
          ],
        },
      ],
    }),
  });
  assert.equal(otlp.status, 200, JSON.stringify(otlp.body));
  assert.deepEqual(otlp.body.patterns[0].severities, { warn: 2 });
  const bad = await a.post('/api/v1/logs/patterns', { format: 'otlp_json', content: '{"resourceMetrics": []}' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'LOG_SAMPLE_INVALID');
  assert.match(bad.body.error.message, /resourceLogs/);
  const two = await a.post('/api/v1/logs/patterns', { lines: ['a'], content: 'b' });
  assert.equal(two.status, 400);
  assert.equal(two.body.error.code, 'VALIDATION_FAILED');
});

test('bad input: empty, binary and 1 MB lines, too many lines, a body over the limit', async () => {
  const a = api(fg, viewer.token);
  for (const body of [{ lines: [] }, { lines: ['', '  '] }, { content: '\n\n' }]) {
    const r = await a.post('/api/v1/logs/patterns', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.code, 'LOG_SAMPLE_EMPTY');
  }
  const huge = 'x'.repeat(1024 * 1024);
  const mixed = await a.post('/api/v1/logs/patterns', {
    lines: ['\u0016\u0003\u0001\u0002\u0000\u0001', '\u0000\ufffd\ufffd\u0001\u0002', huge, 'ok line 1', 'ok line 2'],
  });
  assert.equal(mixed.status, 200, JSON.stringify(mixed.body).slice(0, 300));
  const binary = mixed.body.patterns.find((p: { template: string }) => p.template === '<binary data>');
  assert.equal(binary.count, 2);
  assert.equal(mixed.body.truncated_lines, 1);
  assert.equal(mixed.body.patterns.find((p: { template: string }) => p.template.startsWith('x')).bytes, huge.length);
  assert.ok(mixed.body.sample.notes.some((n: string) => /NUL/.test(n)));

  const many = Array.from({ length: 120_000 }, (_, i) => `request ${i} served`);
  const truncated = await a.post('/api/v1/logs/patterns', { lines: many });
  assert.equal(truncated.status, 200);
  assert.equal(truncated.body.lines, 100_000);
  assert.equal(truncated.body.assignments.length, 100_000);
  assert.equal(truncated.body.sample.dropped_lines, 20_000);
  assert.match(truncated.body.sample.notes.join(' '), /Kept the first 100,000 lines; 20,000 later lines were not used/);

  // 10 million lines: refused at once with the limit named (30 MB of empty strings fits in the body limit)
  const tenMillion = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/logs/patterns',
    headers: { authorization: `Bearer ${viewer.token}`, 'content-type': 'application/json' },
    payload: `{"lines":[${Array(10_000_000).fill('""').join(',')}]}`,
  });
  assert.equal(tenMillion.statusCode, 400);
  assert.equal(tenMillion.json().error.code, 'VALIDATION_FAILED');
  assert.match(tenMillion.json().error.message, /lines must NOT have more than 1000000 items/);

  const tooBig = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/logs/patterns',
    headers: { authorization: `Bearer ${viewer.token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ content: 'y'.repeat(33 * 1024 * 1024) }),
  });
  assert.equal(tooBig.statusCode, 413);
  assert.equal(tooBig.json().error.code, 'PAYLOAD_TOO_LARGE');
  assert.match(tooBig.json().error.message, /at most 100,000 lines/);
});

test('the server stays responsive: /healthz answers while a 100,000-line sample is being mined', async () => {
  const lines = Array.from({ length: 100_000 }, (_, i) => sshd.lines[i % sshd.lines.length]!);
  let mined = false;
  const mining = api(fg, viewer.token)
    .post('/api/v1/logs/patterns', { lines })
    .then((r) => {
      mined = true;
      return r;
    });
  while (fg.features.logStudio.mining.active === 0 && !mined) await new Promise((r) => setImmediate(r));
  assert.equal(mined, false, 'mining had finished before it could be observed');
  const health = await fg.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.equal(mined, false, '/healthz waited for the mining to finish');
  const r = await mining;
  assert.equal(r.status, 200);
  assert.equal(r.body.lines, 100_000);
});

test('samples: editors save them bounded and masked, everyone lists and reads them, viewers cannot save', async () => {
  const content = [
    'Dec  7 21:18:40 gw sshd[1]: Invalid user git from 10.0.0.1 port 40222',
    'Dec  7 21:18:41 gw app[2]: login with password=hunter2 token=abcd1234efgh',
    'Dec  7 21:19:40 gw sshd[3]: Invalid user pi from 10.0.0.2 port 40223',
  ].join('\n');
  const denied = await api(fg, viewer.token).post('/api/v1/logs/samples', { content });
  assert.equal(denied.status, 403);
  const created = await api(fg, editor.token).post('/api/v1/logs/samples', { name: 'auth log', content });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.lines, 3);
  assert.equal(created.body.window_seconds, 60);
  assert.ok(created.body.sample.masked_values >= 2);
  const list = await api(fg, viewer.token).get('/api/v1/logs/samples');
  assert.ok(list.body.items.some((s: { id: string }) => s.id === created.body.id));
  const got = await api(fg, viewer.token).get(`/api/v1/logs/samples/${created.body.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.sample_lines[1], 'Dec  7 21:18:41 gw app[2]: login with password=*** token=***');
  const rows = await fg.db.query<{ t: string }>('SELECT content::text AS t FROM log_samples');
  assert.ok(!rows.some((r) => r.t.includes('hunter2')));
  const mined = await api(fg, viewer.token).post('/api/v1/logs/patterns', { sample_id: created.body.id });
  assert.equal(mined.status, 200);
  assert.equal(mined.body.sample_id, created.body.id);
  assert.equal(mined.body.window_seconds, 60);
  const audit = await admin().get(`/api/v1/audit-logs?action=log_sample.create`);
  assert.ok(audit.body.items.some((e: { resource_id: string }) => e.resource_id === created.body.id));
  assert.equal((await api(fg, viewer.token).delete(`/api/v1/logs/samples/${created.body.id}`)).status, 403);
  assert.equal((await api(fg, editor.token).delete(`/api/v1/logs/samples/${created.body.id}`)).status, 200);
  const gone = await api(fg, viewer.token).get(`/api/v1/logs/samples/${created.body.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.code, 'LOG_SAMPLE_NOT_FOUND');
});

test('a live gateway sample: an unknown gateway is 404, a known one says live samples are not available yet', async () => {
  const unknown = await api(fg, editor.token).post('/api/v1/logs/patterns', {
    gateway_id: '00000000-0000-4000-8000-000000000000',
  });
  assert.equal(unknown.status, 404);
  const viewerTry = await api(fg, viewer.token).post('/api/v1/logs/patterns', {
    gateway_id: '00000000-0000-4000-8000-000000000000',
  });
  assert.equal(viewerTry.status, 403);
  const reg = await admin().post('/api/v1/registration-tokens', { name: 'logs', expires_in_days: 1 });
  const gw = await fg.app.inject({
    method: 'POST',
    url: '/api/v1/gateways',
    headers: { authorization: `Bearer ${reg.body.token}` },
    payload: { name: 'gw-logs', instance_id: 'inst-logs-1', hostname: 'h' },
  });
  assert.equal(gw.statusCode, 201, gw.body);
  // Registered but never connected, and no flowgate_measure: it cannot be asked for a sample.
  const r = await api(fg, editor.token).post('/api/v1/logs/patterns', { gateway_id: gw.json().id });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'CAPABILITY_MISSING');
});

test('prices: list-price defaults with their source; an org sets its own; negative prices are refused', async () => {
  const d = await api(fg, viewer.token).get('/api/v1/logs/prices');
  assert.equal(d.status, 200);
  assert.equal(d.body.custom, false);
  assert.equal(d.body.prices.datadog.log_ingested_per_gb, 0.1);
  assert.match(d.body.sources.datadog.url, /datadoghq\.com/);
  assert.match(d.body.sources.google_cloud.as_of, /^\d{4}-\d\d/);
  const custom = { ...d.body.prices, grafana_cloud: { ...d.body.prices.grafana_cloud, logs_per_gb: 0.3 } };
  const bad = await admin().put('/api/v1/settings', {
    prices: { ...custom, google_cloud: { ...custom.google_cloud, logs_per_gib: -1 } },
  });
  assert.equal(bad.status, 400);
  assert.equal((await api(fg, viewer.token).get('/api/v1/logs/prices')).body.custom, false);
  assert.equal((await admin().put('/api/v1/settings', { prices: custom })).status, 200);
  const now = await api(fg, viewer.token).get('/api/v1/logs/prices');
  assert.equal(now.body.custom, true);
  assert.equal(now.body.prices.grafana_cloud.logs_per_gb, 0.3);
  assert.equal((await admin().put('/api/v1/settings', { prices: null })).status, 200);
});
