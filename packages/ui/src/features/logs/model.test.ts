import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyBlocks } from '@flowgate/config-model';
import {
  buildAction,
  formatBytes,
  lowCardinalityVariables,
  regexWithGroups,
  upsertAction,
  variableRedactRegex,
  type ActionKind,
} from './model.ts';

const js = (re: string) => new RegExp(re.replace(/\(\?P</g, '(?<'));

const pattern = {
  id: 'p0a1b2c3d',
  template: '<*> - <*> [<*>] "<*>" <*> <*> "<*>" "<*>"',
  headers: [''],
  match: ['^\\s*\\S+\\s+-\\s+\\S+\\s+\\[.*?\\]\\s+".*?"\\s+\\S+\\s+\\S+\\s+".*?"\\s+".*?"\\s*$'],
  parse_regex:
    '^\\s*(?P<client_ip>\\S+)\\s+-\\s+(?P<user>\\S+)\\s+\\[(?P<time>.*?)\\]\\s+"(?P<request>.*?)"\\s+' +
    '(?P<status>\\S+)\\s+(?P<bytes>\\S+)\\s+"(?P<referer>.*?)"\\s+"(?P<agent>.*?)"\\s*$',
  variables: [
    ['client_ip', 'ip', 1],
    ['user', 'word', 1],
    ['time', 'time', 900],
    ['request', 'text', 300],
    ['status', 'status_code', 8],
    ['bytes', 'number', 40],
    ['referer', 'text', 3],
    ['agent', 'text', 9],
  ].map(([name, shape, distinct], index) => ({
    index,
    position: index,
    token: '<*>',
    distinct: distinct as number,
    distinct_capped: false,
    values: [],
    name: name as string,
    shape: shape as string,
  })),
};
const line = '127.0.0.1 - - [07/Dec/2026:21:18:13 +0000] "GET /x HTTP/1.1" 404 153 "-" "curl/7.88.1"';

test('a parse regex keeps only the chosen variables as named groups', () => {
  const re = regexWithGroups(pattern.parse_regex, new Map([[4, 'http_status']]));
  assert.deepEqual({ ...js(re).exec(line)!.groups }, { http_status: '404' });
});

test('a variable is masked keeping everything before it', () => {
  const re = variableRedactRegex(pattern.parse_regex, 0);
  assert.equal(line.replace(js(re), '$1****$2'), line.replace('127.0.0.1', '****'));
  const agent = variableRedactRegex(pattern.parse_regex, 7);
  assert.equal(line.replace(js(agent), '$1****$2'), line.replace('curl/7.88.1', '****'));
});

test('metric attributes default to the variables with few distinct values that are not numbers or ids', () => {
  assert.deepEqual(lowCardinalityVariables(pattern), [0, 1, 4, 6, 7]);
});

test('every action becomes a block the shared block registry accepts', () => {
  const kinds: ActionKind[] = ['drop', 'sample', 'min_severity', 'parse', 'set_severity', 'redact', 'to_metric'];
  const blocks = kinds.map((k) => buildAction(k, pattern, { variable: 4, attributes: [4] }).block);
  const base = {
    receivers: { otlp: {} },
    exporters: { debug: {} },
    service: { pipelines: { logs: { receivers: ['otlp'], exporters: ['debug'] } } },
  };
  const r = applyBlocks(base, blocks, { secretNames: new Set(), signals: ['logs'] });
  assert.deepEqual(r.problems, []);
});

test('choosing the same action for a pattern again replaces it; formatting bytes', () => {
  let actions = upsertAction([], buildAction('sample', pattern, { oneIn: 10 }));
  actions = upsertAction(actions, buildAction('drop', pattern));
  actions = upsertAction(actions, buildAction('sample', pattern, { oneIn: 100 }));
  assert.deepEqual(
    actions.map((a) => a.summary),
    ['Keep 1 line in 100', 'Drop every line'],
  );
  assert.equal(formatBytes(1536), '1.5 kB');
  assert.equal(formatBytes(2_500_000_000), '2.5 GB');
  assert.equal(formatBytes(12), '12 B');
});

test('severity from a status code maps 5xx/4xx by default, or takes an accepted mapping', () => {
  const byStatus = buildAction('set_severity', pattern, { variable: 4 }).block.config as {
    regex: string;
    mapping: { match: string; severity: string }[];
  };
  assert.deepEqual(
    byStatus.mapping.map((m) => m.severity),
    ['error', 'warn', 'info'],
  );
  assert.deepEqual({ ...js(byStatus.regex).exec(line)!.groups }, { level: '404' });
  const accepted = [{ match: '^404$', severity: 'debug' }];
  const custom = buildAction('set_severity', pattern, { variable: 4, mapping: accepted }).block.config as {
    mapping: unknown;
  };
  assert.deepEqual(custom.mapping, accepted);
});
