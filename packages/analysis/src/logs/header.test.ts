import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeader } from './header.ts';

function message(line: string): string {
  return line.slice(parseHeader(line).start);
}

test('headers of common shapes are stripped, with the severity and timestamp they carry', () => {
  const cases: [string, string, string, string | undefined][] = [
    // line, message, severity, time
    [
      '2026-12-07 21:16:51.288 UTC [32444] app@shop LOG:  connection received: host=127.0.0.1 port=59072',
      'connection received: host=127.0.0.1 port=59072',
      'info',
      '2026-12-07 21:16:51.288 UTC',
    ],
    [
      '2026-12-07 21:16:58.933 UTC [368] app@shop ERROR:  division by zero',
      'division by zero',
      'error',
      '2026-12-07 21:16:58.933 UTC',
    ],
    [
      '2026-12-07 21:16:58.933 UTC [368] app@shop DETAIL:  Key (id)=(261) already exists.',
      'DETAIL:  Key (id)=(261) already exists.',
      'unknown',
      '2026-12-07 21:16:58.933 UTC',
    ],
    [
      'Dec  7 21:18:40 gw-eu-1 sshd[5561]: Invalid user git from 127.0.0.1 port 40222',
      'Invalid user git from 127.0.0.1 port 40222',
      'unknown',
      'Dec  7 21:18:40',
    ],
    [
      'Dec  7 21:18:40 gw-eu-1 sshd[5561]: error: kex_exchange_identification: Connection closed by remote host',
      'kex_exchange_identification: Connection closed by remote host',
      'error',
      'Dec  7 21:18:40',
    ],
    [
      '31877:M 07 Dec 2026 21:17:30.817 - Accepted 127.0.0.1:55968',
      'Accepted 127.0.0.1:55968',
      'debug',
      '07 Dec 2026 21:17:30.817',
    ],
    [
      '2026/12/07 21:18:13 [error] 4411#4411: *57 access forbidden by rule, client: 127.0.0.1',
      'access forbidden by rule, client: 127.0.0.1',
      'error',
      '2026/12/07 21:18:13',
    ],
    [
      '2026-12-07T21:20:44.780Z\tinfo\tservice@v0.158.0/service.go:266\tEverything is ready.\t{"a": 1}',
      'Everything is ready.\t{"a": 1}',
      'info',
      '2026-12-07T21:20:44.780Z',
    ],
    [
      'ts=2026-12-07T21:22:01.334Z caller=main.go:1192 level=info msg="Loading configuration file"',
      'level=info msg="Loading configuration file"',
      'info',
      '2026-12-07T21:22:01.334Z',
    ],
    [
      'I0105 12:34:56.789012   12345 controller.go:42] Starting workers',
      'Starting workers',
      'info',
      '0105 12:34:56.789012',
    ],
    ['[2024-01-05 12:34:56,789] WARN [main] Retrying in 5s', 'Retrying in 5s', 'warn', '2024-01-05 12:34:56,789'],
    ['<34>Jan  5 12:34:56 host app[99]: started', 'started', 'unknown', 'Jan  5 12:34:56'],
    ['ERROR: could not open file', 'could not open file', 'error', undefined],
  ];
  for (const [line, msg, severity, time] of cases) {
    const h = parseHeader(line);
    assert.equal(line.slice(h.start), msg, line);
    assert.equal(h.severity, severity, line);
    assert.equal(h.time, time, line);
  }
});

test('lines without a header are left whole, and level words inside a message are not taken for a level', () => {
  for (const line of [
    '127.0.0.1 - - [07/Dec/2026:21:18:13 +0000] "GET / HTTP/1.1" 200 14 "-" "curl/7.88.1"',
    'Unable to log in for user bob',
    'Connection closed by invalid user admin 127.0.0.1 port 5 [preauth]',
    '\tsystem usage: CPU: user: 0.00 s',
  ]) {
    assert.equal(message(line), line);
    assert.equal(parseHeader(line).severity, 'unknown', line);
  }
});

test('logfmt level keys give the severity without stripping them', () => {
  const h = parseHeader('component=tsdb level=warn msg="WAL segment loaded"');
  assert.equal(h.severity, 'warn');
  assert.equal(h.start, 0);
});
