// The log blocks' contract: defaults, validation with paths, and every block type (all options) rendered into
// the gateway's base configuration is accepted by the real collector's `validate` (skipped when not built).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyBlocks, blockTypes, type BlockInstance } from '@flowgate/config-model';
import { collectorBinary } from '../../platform/collector.ts';
import { BASE_CONFIG_YAML } from '../gateways/gateways.service.ts';
import { parseConfig, toYaml } from './compose.ts';

const ctx = { secretNames: new Set<string>(), signals: ['logs' as const] };
const pattern = {
  id: 'p1',
  template: 'Invalid user <*> from <*> port <*>',
  match: ['(?:^|\\s)Invalid\\s+user\\s+\\S+\\s+from\\s+\\S+\\s+port\\s+\\S+\\s*$'],
};
const parse =
  '(?:^|\\s)Invalid\\s+user\\s+(?P<user>\\S+)\\s+from\\s+(?P<client_ip>\\S+)\\s+port\\s+(?P<port>\\S+)\\s*$';

const every: BlockInstance[] = [
  {
    type: 'logs.filter',
    id: 'drop',
    config: {
      rules: [
        { patterns: [pattern] },
        { body_matches: ['healthz'], severity_at_most: 'info' },
        {
          attributes: [
            { key: 'env', op: 'equals', value: 'dev' },
            { key: 'trace_id', op: 'missing' },
          ],
        },
      ],
    },
  },
  { type: 'logs.min_severity', id: 'min', config: { severity: 'warn', patterns: [pattern] } },
  { type: 'logs.sample', id: 'tenth', config: { patterns: [pattern], one_in: 10 } },
  { type: 'logs.sample', id: 'half', config: { percent: 50 } },
  { type: 'logs.parse', id: 'json', config: { format: 'json' } },
  { type: 'logs.parse', id: 'kv', config: { format: 'key_value', delimiter: '=', pair_delimiter: ' ' } },
  { type: 'logs.parse', id: 'rx', config: { format: 'regex', regex: parse, patterns: [pattern] } },
  {
    type: 'logs.set_severity',
    id: 'sev',
    config: { attribute: 'status', mapping: [{ match: '^5\\d\\d$', severity: 'error' }] },
  },
  {
    type: 'logs.redact',
    id: 'pii',
    config: {
      kinds: ['email', 'credit_card', 'ipv4', 'ipv6', 'bearer_token', 'jwt', 'aws_access_key', 'password_param'],
      custom: ['secret-\\d+'],
      variables: [{ pattern, regex: '((?:^|\\s)user\\s+)\\S+' }],
    },
  },
  { type: 'logs.to_metric', id: 'cnt', config: { pattern, metric: 'sshd.invalid', regex: parse } },
  {
    type: 'logs.to_metric',
    id: 's2m',
    config: { pattern, metric: 'sshd.invalid2', connector: 'signaltometrics', drop_lines: false },
  },
];

test('every log block type is in the one registry with its defaults passing its own validation', () => {
  const logs = blockTypes.filter((b) => b.category === 'logs').map((b) => b.type);
  assert.deepEqual(logs.sort(), [
    'logs.filter',
    'logs.min_severity',
    'logs.parse',
    'logs.redact',
    'logs.sample',
    'logs.set_severity',
    'logs.to_metric',
  ]);
  for (const b of blockTypes.filter((x) => x.category === 'logs')) {
    if (b.type === 'logs.filter') continue; // its default rule is empty on purpose: the user must say what to drop
    assert.deepEqual(b.validate(b.defaults() as never, ctx), [], b.type);
  }
});

test('every problem is reported with its path, and nothing is applied', () => {
  const r = applyBlocks(
    parseConfig(BASE_CONFIG_YAML, 'base'),
    [
      {
        type: 'logs.filter',
        id: 'f',
        config: { rules: [{ body_matches: ['a(?=b)'] }, { attributes: [{ key: 'k', op: 'equals' }] }] },
      },
      { type: 'logs.parse', id: 'bad id!', config: { format: 'regex', regex: '(\\w+)' } },
      { type: 'logs.redact', id: 'r', config: { kinds: [], replacement: '$1' } },
      { type: 'logs.to_metric', id: 'm', config: { pattern: { match: [] }, metric: '1bad' } },
    ],
    ctx,
  );
  const paths = r.problems.map((p) => `${p.path} ${p.code}`);
  for (const expected of [
    'blocks[0].config.rules[0].body_matches[0] INVALID_REGEX',
    'blocks[0].config.rules[1].attributes[0].value REQUIRED',
    'blocks[1].id INVALID_VALUE',
    'blocks[1].config.regex INVALID_VALUE',
    'blocks[2].config.kinds REQUIRED',
    'blocks[2].config.replacement INVALID_VALUE',
    'blocks[3].config.pattern.match INVALID_VALUE',
    'blocks[3].config.metric INVALID_VALUE',
  ])
    assert.ok(paths.includes(expected), `${expected} not in\n${paths.join('\n')}`);
  assert.deepEqual(r.config, parseConfig(BASE_CONFIG_YAML, 'base'));
});

const bin = collectorBinary({ gatewayBinDir: null });
test(
  'every block type, all options at once, is accepted by the real collector in the gateway base config',
  { skip: bin ? false : 'gateway binaries not built: npm run gateway:build' },
  () => {
    const r = applyBlocks(parseConfig(BASE_CONFIG_YAML, 'base'), every, ctx);
    assert.deepEqual(r.problems, []);
    const pipelines = (r.config.service as { pipelines: Record<string, { processors?: string[] }> }).pipelines;
    assert.equal(pipelines.logs!.processors!.at(-1), 'batch');
    assert.ok(pipelines['logs/cnt'] && pipelines['logs/s2m']);
    const dir = mkdtempSync(join(tmpdir(), 'flowgate-blocks-'));
    try {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, toYaml(r.config));
      const res = spawnSync(bin!, ['validate', '--config', file], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      });
      assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
