import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogMiner, mineLogs, logfmtMessageFirst } from './miner.ts';
import { groupingAccuracy } from './accuracy.ts';

const sshd = (n: number, user: string, port: number) =>
  `Dec  7 21:18:${String(n).padStart(2, '0')} gw-1 sshd[${1000 + n}]: Invalid user ${user} from 10.0.0.${n} port ${port}`;

test('lines of one statement form one pattern whatever their variables; other statements stay apart', () => {
  const lines = [
    sshd(1, 'admin', 40222),
    sshd(2, 'git', 40223),
    'Dec  7 21:18:03 gw-1 sshd[1003]: Accepted publickey for root from 10.0.0.3 port 5 ssh2: ED25519 SHA256:abc',
    sshd(4, 'oracle', 40224),
    'Dec  7 21:18:05 gw-1 sshd[1005]: Server listening on 0.0.0.0 port 22.',
  ];
  const r = mineLogs(lines);
  assert.equal(r.patterns.length, 3);
  const invalid = r.patterns[r.assignments[0]!]!;
  assert.equal(invalid.template, 'Invalid user <*> from <*> port <*>');
  assert.equal(invalid.count, 3);
  assert.deepEqual(
    [0, 1, 3].map((i) => r.assignments[i]),
    [r.assignments[0], r.assignments[0], r.assignments[0]],
  );
  assert.notEqual(r.assignments[2], r.assignments[0]);
  assert.notEqual(r.assignments[4], r.assignments[0]);
  // the user names are the first variable's values, with counts
  const users = invalid.variables[0]!;
  assert.equal(users.distinct, 3);
  assert.deepEqual(users.values.map((v) => v.value).sort(), ['admin', 'git', 'oracle']);
  // first/last seen by line and by the line's own timestamp
  assert.deepEqual(invalid.first_seen, { line: 0, time: 'Dec  7 21:18:01' });
  assert.deepEqual(invalid.last_seen, { line: 3, time: 'Dec  7 21:18:04' });
  assert.equal(invalid.headers[0], 'syslog');
  assert.equal(invalid.examples.length, 3);
});

test('patterns come sorted by bytes with their share, counts and severities', () => {
  const lines = [
    ...Array.from(
      { length: 50 },
      (_, i) => `2026-01-05T10:00:${String(i % 60).padStart(2, '0')}Z INFO request served in ${i}ms`,
    ),
    ...Array.from({ length: 5 }, (_, i) => `2026-01-05T10:01:0${i}Z ERROR upstream timed out after ${i}s`),
    '2026-01-05T10:02:00Z WARN upstream timed out after 9s',
  ];
  const r = mineLogs(lines);
  assert.equal(r.lines, 56);
  assert.equal(
    r.bytes,
    lines.reduce((n, l) => n + l.length, 0),
  );
  assert.equal(r.patterns[0]!.template, 'request served in <*>');
  assert.ok(r.patterns[0]!.bytes > r.patterns[1]!.bytes);
  const total = r.patterns.reduce((n, p) => n + p.share, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  assert.deepEqual(r.patterns[0]!.severities, { info: 50 });
  assert.deepEqual(r.patterns[1]!.severities, { error: 5, warn: 1 });
  assert.equal(r.patterns[1]!.count, 6);
});

test('a value that varies keeps its key: the variable is only the value', () => {
  const r = mineLogs([
    'connection authorized: user=app database=shop',
    'connection authorized: user=reporting database=shop',
    'connection authorized: user=app database=analytics',
  ]);
  assert.equal(r.patterns.length, 1);
  assert.equal(r.patterns[0]!.template, 'connection authorized: user=<*> database=<*>');
  assert.deepEqual(r.patterns[0]!.variables[0]!.values, [
    { value: 'app', count: 2 },
    { value: 'reporting', count: 1 },
  ]);
  assert.deepEqual(
    r.patterns[0]!.variables.map((v) => v.token),
    ['user=<*>', 'database=<*>'],
  );
});

test('JSON lines are mined on their message with the level and time fields', () => {
  const r = mineLogs([
    '{"level":"error","time":"2026-01-05T10:00:00Z","msg":"payment 17 failed","order":1}',
    '{"level":"error","time":"2026-01-05T10:00:01Z","msg":"payment 18 failed","order":2}',
    '{"level":30,"msg":"cache warmed"}',
  ]);
  assert.equal(r.patterns.length, 2);
  const failed = r.patterns.find((p) => p.template === 'payment <*> failed')!;
  assert.deepEqual(failed.severities, { error: 2 });
  assert.equal(failed.first_seen.time, '2026-01-05T10:00:00Z');
  assert.deepEqual(r.patterns.find((p) => p.template === 'cache warmed')!.severities, { info: 1 });
});

test('logfmt lines are mined message first, so different messages with the same keys stay apart', () => {
  assert.equal(
    logfmtMessageFirst('level=info component=rules msg="Starting rule manager..." n=1'),
    'msg="Starting rule manager..." level=info component=rules n=1',
  );
  const r = mineLogs([
    'ts=2026-01-05T10:00:00Z caller=manager.go:1 level=info component="rule manager" msg="Starting rule manager..."',
    'ts=2026-01-05T10:00:01Z caller=manager.go:2 level=info component="rule manager" msg="Stopping rule manager..."',
  ]);
  assert.equal(r.patterns.length, 2);
});

test('binary lines share one pattern; empty and very long lines are handled', () => {
  const long = 'x '.repeat(600_000);
  const r = mineLogs(['\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001', '\u0000\u0000\ufffd\ufffd\u0001', '', long]);
  const binary = r.patterns.find((p) => p.template === '<binary data>')!;
  assert.equal(binary.count, 2);
  assert.equal(r.truncated_lines, 1);
  assert.equal(r.patterns.find((p) => p.template.startsWith('x x'))!.bytes, long.length);
  assert.equal(r.assignments.length, 4);
});

test('the miner works online: add() returns the cluster a line joined as it goes', () => {
  const miner = new LogMiner();
  const a = miner.add('worker 1 started');
  const b = miner.add('worker 2 started');
  const c = miner.add('disk full on /var');
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(miner.lines, 3);
});

test('grouping accuracy counts a line right only when its group holds exactly its true group', () => {
  assert.equal(groupingAccuracy([0, 0, 1, 1], [5, 5, 6, 6]), 1);
  // two true groups merged: all four lines wrong
  assert.equal(groupingAccuracy([0, 0, 0, 0], [5, 5, 6, 6]), 0);
  // one true group split: those lines wrong, the other group right
  assert.equal(groupingAccuracy([0, 1, 2, 2], [5, 5, 6, 6]), 0.5);
});
