// Preview through the real collector (gateway/dist/otelcol-flowgate; skipped when it is not built):
// each log block acts on the real sshd sample as the gateway would, and the figures follow from it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFlowgate, api, userWithRole, type TestFlowgate } from '../../testing/harness.ts';
import { collectorBinary } from '../../platform/collector.ts';
import sshd from '../../../../analysis/src/logs/corpus/sshd.json' with { type: 'json' };

let fg: TestFlowgate;
let viewer: { token: string };
let editor: { token: string };
const hasCollector = collectorBinary({ gatewayBinDir: null }) !== null;
const skip = hasCollector ? false : 'gateway binaries not built: npm run gateway:build';

interface Pattern {
  id: string;
  template: string;
  count: number;
  bytes: number;
  match: string[];
  parse_regex: string;
  variables: { name: string; index: number }[];
}
let patterns: Pattern[];
let sampleId: string;

before(async () => {
  fg = await startTestFlowgate();
  viewer = await userWithRole(fg, fg.defaultOrgId, 'viewer');
  editor = await userWithRole(fg, fg.defaultOrgId, 'editor');
  const saved = await api(fg, editor.token).post('/api/v1/logs/samples', {
    name: 'sshd',
    content: sshd.lines.join('\n'),
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  sampleId = saved.body.id;
  const mined = await api(fg, viewer.token).post('/api/v1/logs/patterns', { sample_id: sampleId });
  patterns = mined.body.patterns;
});
after(async () => {
  await fg?.close();
});

const byTemplate = (t: string) => {
  const p = patterns.find((x) => x.template === t);
  assert.ok(p, `no pattern ${t}`);
  return p;
};
const ref = (p: Pattern) => ({ id: p.id, template: p.template, match: p.match });
const preview = (blocks: unknown[], extra: Record<string, unknown> = {}) =>
  api(fg, viewer.token).post('/api/v1/logs/preview', { sample_id: sampleId, blocks, ...extra });

test(
  'dropping a pattern: its lines are gone, every other line passes, bytes and dollars saved per day',
  { skip },
  async () => {
    const invalid = byTemplate('Invalid user <*> from <*> port <*>');
    const r = await preview([
      { type: 'logs.filter', id: 'drop_invalid', config: { rules: [{ patterns: [ref(invalid)] }] } },
    ]);
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 1000));
    assert.equal(r.body.before.lines, sshd.lines.length);
    assert.equal(r.body.after.lines, sshd.lines.length - invalid.count);
    assert.equal(r.body.saved.lines, invalid.count);
    assert.equal(r.body.saved.bytes, invalid.bytes);
    assert.deepEqual(
      r.body.per_pattern.map((p: { id: string }) => p.id),
      [invalid.id],
    );
    assert.equal(r.body.per_pattern[0].after.lines, 0);
    assert.ok(r.body.window_seconds > 0);
    const day = 86_400 / r.body.window_seconds;
    assert.equal(r.body.per_day.bytes_saved, Math.round(invalid.bytes * day));
    for (const backend of ['datadog', 'google_cloud', 'grafana_cloud'])
      assert.ok(r.body.per_day.usd_saved[backend] > 0);
    assert.ok(!r.body.examples_after.some((l: string) => l.includes('Invalid user')));
    // the configuration to deploy: the org base with the filter in its logs pipeline, before batch
    assert.match(r.body.config_yaml, /filter\/drop_invalid:/);
    assert.match(r.body.config_yaml, /processors:\s*\n\s*- filter\/drop_invalid\s*\n\s*- batch/);
    assert.match(r.body.components_yaml, /IsMatch\(body/);
  },
);

test('sampling one in ten of a pattern keeps about a tenth of it and every line of the others', { skip }, async () => {
  const connection = byTemplate('Connection from <*> port <*> on <*> port <*> rdomain ""');
  const r = await preview([{ type: 'logs.sample', id: 'tenth', config: { patterns: [ref(connection)], one_in: 10 } }]);
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 1000));
  const kept = r.body.per_pattern.find((p: { id: string }) => p.id === connection.id);
  assert.ok(kept, JSON.stringify(r.body.per_pattern));
  assert.ok(
    kept.after.lines > 0 && kept.after.lines < connection.count / 3,
    `kept ${kept.after.lines} of ${connection.count}`,
  );
  assert.equal(r.body.per_pattern.length, 1, 'only the sampled pattern changed');
  assert.equal(r.body.after.lines, sshd.lines.length - connection.count + kept.after.lines);
  // the helper attributes are gone again; a sampled line says the rate it was kept at
  assert.ok(!r.body.examples_after.some((l: string) => /flowgate\.sample|sampling\.randomness/.test(l)));
});

test('redacting a variable and IP addresses, parsing into attributes, a pattern to a metric', { skip }, async () => {
  const invalid = byTemplate('Invalid user <*> from <*> port <*>');
  const redact = await preview([
    {
      type: 'logs.redact',
      id: 'pii',
      config: {
        kinds: ['ipv4'],
        variables: [{ pattern: ref(invalid), regex: '((?:^|\\s)user\\s+)\\S+' }],
      },
    },
  ]);
  assert.equal(redact.status, 200, JSON.stringify(redact.body).slice(0, 1000));
  const out = redact.body.examples_after.join('\n');
  assert.doesNotMatch(out, /127\.0\.0\.1/);
  assert.match(out, /Invalid user \*\*\*\* from \*\*\*\* port \d+/);

  const parsed = await preview([
    {
      type: 'logs.parse',
      id: 'fields',
      config: { format: 'regex', regex: invalid.parse_regex, patterns: [ref(invalid)] },
    },
    {
      type: 'logs.filter',
      id: 'only_invalid',
      config: {
        rules: [
          {
            body_matches: [
              '^(?:.*\\s)?(?:Connection|Accepted|Failed|Received|Disconnected|Starting|Postponed|Close|error|banner|Unable|User|Server|\\[origin)',
            ],
          },
        ],
      },
    },
  ]);
  assert.equal(parsed.status, 200, JSON.stringify(parsed.body).slice(0, 1000));
  const example = parsed.body.examples_after.find((l: string) => l.includes('Invalid user'));
  assert.ok(example, parsed.body.examples_after.join('\n'));
  for (const v of invalid.variables) assert.match(example, new RegExp(`${v.name}=`));
  const pattern = parsed.body.per_pattern.find((p: { id: string }) => p.id === invalid.id);
  assert.ok(pattern.after.bytes > pattern.before.bytes, 'parsed attributes add bytes');
  assert.ok(parsed.body.notes.some((n: string) => /parsing alone adds bytes/.test(n)));

  const userRegex = invalid.parse_regex.replace(/\(\?P<(client_ip|port)>/g, '(?:');
  const metric = await preview([
    {
      type: 'logs.to_metric',
      id: 'invalid_users',
      config: { pattern: ref(invalid), metric: 'sshd.invalid_user.attempts', regex: userRegex },
    },
  ]);
  assert.equal(metric.status, 200, JSON.stringify(metric.body).slice(0, 1000));
  assert.equal(metric.body.saved.lines, invalid.count);
  const m = metric.body.metrics.find((x: { name: string }) => x.name === 'sshd.invalid_user.attempts');
  assert.ok(m, JSON.stringify(metric.body.metrics));
  assert.ok(m.points > 0);
  assert.deepEqual(m.attributes, ['user']);
  assert.match(metric.body.config_yaml, /count\/invalid_users:/);
});

test('severity from a level word, then keep only warnings and above', { skip }, async () => {
  const lines = [
    '2026-12-07T10:00:00Z app: level=debug cache refreshed in 3ms',
    '2026-12-07T10:00:01Z app: level=info request served',
    '2026-12-07T10:00:02Z app: level=warn slow query took 2s',
    '2026-12-07T10:00:03Z app: level=error upstream timed out',
    '2026-12-07T10:00:04Z app: level=debug cache refreshed in 4ms',
  ];
  const r = await api(fg, viewer.token).post('/api/v1/logs/preview', {
    lines,
    blocks: [
      {
        type: 'logs.set_severity',
        id: 'sev',
        config: {
          regex: 'level=(?P<level>\\w+)',
          mapping: [
            { match: '^error$', severity: 'error' },
            { match: '^warn$', severity: 'warn' },
            { match: '^info$', severity: 'info' },
            { match: '^debug$', severity: 'debug' },
          ],
        },
      },
      { type: 'logs.min_severity', id: 'warn_up', config: { severity: 'warn' } },
    ],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 1000));
  assert.equal(r.body.after.lines, 2);
  assert.deepEqual(
    r.body.examples_after.map((l: string) => l.replace(/\s+\{.*$/, '')),
    [lines[2], lines[3]],
  );
  assert.equal(r.body.window_seconds, 4);
});

test('invalid actions are refused with every problem at its path, before anything runs', { skip }, async () => {
  const r = await preview([
    { type: 'logs.filter', id: 'f', config: { rules: [{ body_matches: ['(unclosed'] }, {}] } },
    { type: 'logs.sample', id: 'f', config: { one_in: 10, percent: 5 } },
    { type: 'logs.nope', id: 'x', config: {} },
  ]);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'LOG_ACTIONS_INVALID');
  const paths = r.body.error.details.problems.map((p: { path: string }) => p.path);
  assert.ok(paths.includes('blocks[0].config.rules[0].body_matches[0]'), paths.join());
  assert.ok(paths.includes('blocks[0].config.rules[1]'), paths.join());
  assert.ok(paths.includes('blocks[1].id'), paths.join());
  assert.ok(paths.includes('blocks[1].config.one_in'), paths.join());
  assert.ok(paths.includes('blocks[2].type'), paths.join());
});

test('save as a template, or as a new version of one; an invalid result creates nothing', { skip }, async () => {
  const invalid = byTemplate('Invalid user <*> from <*> port <*>');
  const blocks = [{ type: 'logs.filter', id: 'drop_invalid', config: { rules: [{ patterns: [ref(invalid)] }] } }];
  const denied = await api(fg, viewer.token).post('/api/v1/logs/templates', { name: 'sshd noise', blocks });
  assert.equal(denied.status, 403);
  const created = await api(fg, editor.token).post('/api/v1/logs/templates', { name: 'sshd noise', blocks });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.created, true);
  const t = await api(fg, viewer.token).get(`/api/v1/templates/${created.body.template_id}`);
  assert.equal(t.body.type, 'logs');
  assert.match(t.body.latest.config_yaml, /filter\/drop_invalid/);
  const more = await api(fg, editor.token).post('/api/v1/logs/templates', {
    template_id: created.body.template_id,
    blocks: [{ type: 'logs.sample', id: 'tenth', config: { one_in: 10 } }],
  });
  assert.equal(more.status, 201, JSON.stringify(more.body));
  assert.equal(more.body.version, 2);
  assert.match(more.body.config_yaml, /filter\/drop_invalid/);
  assert.match(more.body.config_yaml, /probabilistic_sampler\/tenth/);
  const before = await api(fg, viewer.token).get('/api/v1/templates');
  const clash = await api(fg, editor.token).post('/api/v1/logs/templates', {
    template_id: created.body.template_id,
    blocks: [{ type: 'logs.filter', id: 'drop_invalid', config: { rules: [{ patterns: [ref(invalid)] }] } }],
  });
  assert.equal(clash.status, 400);
  assert.equal(clash.body.error.code, 'LOG_ACTIONS_INVALID');
  const after = await api(fg, viewer.token).get('/api/v1/templates');
  assert.deepEqual(after.body, before.body);
});
