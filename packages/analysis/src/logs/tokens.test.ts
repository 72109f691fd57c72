import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskToken, tokenize } from './tokens.ts';

test('variables are masked by shape, keeping the key and punctuation around them', () => {
  const cases: [string, string][] = [
    ['5432', '<*>'],
    ['-12.5ms', '<*>'],
    ['1h2m3s', '<*>'],
    ['99.5%', '<*>'],
    ['port=5432,', 'port=<*>,'],
    ['host=127.0.0.1', 'host=<*>'],
    ['127.0.0.1:6379', '<*>'],
    ['10.0.0.0/8', '<*>'],
    ['[::1]:8080', '[<*>'],
    ['fe80::1ff:fe23:4567:890a', '<*>'],
    ['"9b2f1c7e-3a4d-4e5f-8a9b-0c1d2e3f4a5b"', '"<*>"'],
    ['0x7ffd5a2b', '<*>'],
    ['deadbeef01', '<*>'],
    ['(PID', '(PID'],
    ['1234)', '<*>)'],
    ['2026-12-07T21:16:51Z', '<*>'],
    ['21:16:51.288', '<*>'],
    ['[07/Dec/2026:21:18:13', '[<*>'],
    ['/var/lib/postgresql/data', '<*>'],
    ['internal/queue_sender.go:50', '<*>'],
    ['https://example.com/x?y=1', '<*>'],
    ['bob@example.com', '<*>'],
    ['v0.158.0', '<*>'],
    ['1234#1234:', '<*>#<*>:'],
    ['(0,2)', '(<*>)'],
    ['(0,a2)', '(<*>,a2)'],
    ['SHA256:QkrCywwgT9h/IjN4Y2tGaoJQP8UCNCIvXxjx3dSk', 'SHA256:<*>'],
    // words with digits in them stay: they are names, not values
    ['ssh2', 'ssh2'],
    ['x86_64', 'x86_64'],
    ['ED25519', 'ED25519'],
    ['connection', 'connection'],
    ['MB/s,', 'MB/s,'],
  ];
  for (const [token, masked] of cases) assert.equal(maskToken(token), masked, token);
});

test('a quoted value with spaces is one token; words are split on spaces and tabs', () => {
  const t = tokenize('GET "Mozilla/5.0 (X11; Linux x86_64)" 200\tdone');
  assert.deepEqual(t.raw, ['GET', '"Mozilla/5.0 (X11; Linux x86_64)"', '200', 'done']);
  assert.deepEqual(t.masked, ['GET', '"Mozilla/5.0 (X11; Linux x86_64)"', '<*>', 'done']);
  // an unclosed quote does not swallow the line
  assert.deepEqual(tokenize('say "hello world').raw, ['say', '"hello', 'world']);
});

test('a trailing JSON object of fields after a tab is one variable', () => {
  const t = tokenize('Starting extensions...\t{"resource": {"service.name": "x"}}');
  assert.deepEqual(t.masked, ['Starting', 'extensions...', '<*>']);
  assert.equal(t.raw[2], '{"resource": {"service.name": "x"}}');
});

test('stack frames are one token per runtime format', () => {
  assert.deepEqual(tokenize('\tgo.opentelemetry.io/collector/exporter@v0.158.0/x.go:50').masked, ['<*>.go:<*>']);
  assert.deepEqual(tokenize('sync.(*WaitGroup).Go.func1').masked, ['<*>']);
  assert.deepEqual(tokenize('go.opentelemetry.io/collector/internal.NewQueueSender.func1').masked, ['<*>']);
  assert.deepEqual(tokenize('\tat org.example.Service.handle(Service.java:42)').masked, ['at', '<*>']);
  assert.deepEqual(tokenize('  File "/srv/app.py", line 3, in main').masked, [
    'File',
    '<*>',
    'line',
    '<*>',
    'in',
    '<*>',
  ]);
  // an ordinary one-word line is not a frame
  assert.deepEqual(tokenize('example.com').masked, ['example.com']);
});
