import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mineLogs } from './miner.ts';
import { parseRegex, patternMatchers, variableRedactRegex } from './regex.ts';
import { suggestForPattern, valueShape } from './suggest.ts';
import postgres from './corpus/postgres.json' with { type: 'json' };
import sshd from './corpus/sshd.json' with { type: 'json' };
import nginx from './corpus/nginx.json' with { type: 'json' };
import prometheus from './corpus/prometheus.json' with { type: 'json' };
import collector from './corpus/collector.json' with { type: 'json' };

/** RE2 named groups in JavaScript syntax. */
const js = (re: string) => new RegExp(re.replace(/\(\?P</g, '(?<'));

test('the generated regexes select every line of their pattern in the corpus, and the parse regex matches them', () => {
  for (const corpus of [postgres, sshd, nginx, prometheus, collector]) {
    const r = mineLogs(corpus.lines);
    r.patterns.forEach((p, pi) => {
      const matchers = patternMatchers(p).map(js);
      const parse = parseRegex(
        p,
        suggestForPattern(p).variables.map((v) => v.name),
      );
      corpus.lines.forEach((line, i) => {
        if (r.assignments[i] !== pi) return;
        assert.ok(
          matchers.every((m) => m.test(line)),
          `${corpus.program}: ${p.template}\n${line}`,
        );
        if (parse) assert.ok(js(parse).test(line), `${corpus.program} parse: ${parse}\n${line}`);
      });
    });
  }
});

test('a pattern’s regexes leave lines of other specific patterns alone', () => {
  const r = mineLogs(sshd.lines);
  const invalid = r.patterns.find((p) => p.template === 'Invalid user <*> from <*> port <*>')!;
  const m = patternMatchers(invalid).map(js);
  const others = sshd.lines.filter((_, i) => r.patterns[r.assignments[i]!] !== invalid);
  assert.equal(others.filter((l) => m.every((re) => re.test(l))).length, 0);
});

test('the parse regex names the variables and captures their values', () => {
  const r = mineLogs([
    'Dec  7 21:18:40 gw sshd[1]: Invalid user git from 127.0.0.1 port 40222',
    'Dec  7 21:18:41 gw sshd[2]: Invalid user admin from 10.1.2.3 port 50000',
  ]);
  const p = r.patterns[0]!;
  const s = suggestForPattern(p);
  assert.deepEqual(
    s.variables.map((v) => [v.name, v.shape]),
    [
      ['user', 'word'],
      ['client_ip', 'ip'],
      ['port', 'number'],
    ],
  );
  assert.equal(s.parse.format, 'regex');
  const m = js(s.parse.regex).exec('Dec  7 21:18:42 gw sshd[3]: Invalid user oracle from 192.168.0.9 port 1234');
  assert.deepEqual({ ...m!.groups }, { user: 'oracle', client_ip: '192.168.0.9', port: '1234' });
});

test('a variable can be masked keeping the text before it', () => {
  const r = mineLogs(['connection authorized: user=app database=shop', 'connection authorized: user=bob database=x']);
  const re = variableRedactRegex(r.patterns[0]!, 0);
  assert.equal(
    'LOG:  connection authorized: user=alice database=shop'.replace(js(re), '$1****'),
    'LOG:  connection authorized: user=**** database=shop',
  );
  const s = mineLogs(['Invalid user git from 1.2.3.4 port 1', 'Invalid user bob from 1.2.3.5 port 2']);
  assert.equal(
    'Invalid user carol from 1.2.3.6 port 3'.replace(js(variableRedactRegex(s.patterns[0]!, 0)), '$1****'),
    'Invalid user **** from 1.2.3.6 port 3',
  );
});

test('logfmt and JSON patterns get regexes that do not depend on key order or JSON escaping', () => {
  const lf = mineLogs([
    'ts=2026-01-01T00:00:00Z caller=a.go:1 level=info msg="Scrape failed" target=http://x/metrics',
    'ts=2026-01-01T00:00:01Z caller=a.go:1 level=info msg="Scrape failed" target=http://y/metrics',
  ]);
  const m = patternMatchers(lf.patterns[0]!).map(js);
  assert.ok(m.length >= 2);
  assert.ok(m.every((re) => re.test('level=info target=http://z/metrics msg="Scrape failed" caller=a.go:1')));
  assert.equal(suggestForPattern(lf.patterns[0]!).parse.format, 'key_value');
  const j = mineLogs([
    '{"level":"info","msg":"user \\"bob\\" logged in"}',
    '{"level":"info","msg":"user \\"al\\" logged in"}',
  ]);
  const jm = patternMatchers(j.patterns[0]!).map(js);
  assert.ok(jm.every((re) => re.test('{"msg":"user \\"carol\\" logged in","level":"info"}')));
  assert.equal(suggestForPattern(j.patterns[0]!).parse.format, 'json');
});

test('value shapes: status codes, levels, durations, sizes, ids', () => {
  assert.equal(valueShape(['200', '404', '503']), 'status_code');
  assert.equal(valueShape(['INFO', 'warn', 'ERROR']), 'level');
  assert.equal(valueShape(['12ms', '1.5s']), 'duration');
  assert.equal(valueShape(['12kB', '3MB']), 'size');
  assert.equal(valueShape(['9b2f1c7e-3a4d-4e5f-8a9b-0c1d2e3f4a5b']), 'uuid');
  assert.equal(valueShape(['127.0.0.1:5432']), 'ip_port');
  assert.equal(valueShape(['40222', '65000']), 'number');
  assert.equal(valueShape(['GET / HTTP/1.1']), 'text');
});

test('a severity mapping is suggested for status codes and level words', () => {
  const r = mineLogs([
    '10.0.0.1 - - [07/Dec/2026:21:18:13 +0000] "GET / HTTP/1.1" 200 14 "-" "curl/8"',
    '10.0.0.2 - - [07/Dec/2026:21:18:14 +0000] "GET /x HTTP/1.1" 404 153 "-" "curl/8"',
    '10.0.0.3 - - [07/Dec/2026:21:18:15 +0000] "POST /y HTTP/1.1" 502 157 "-" "curl/8"',
  ]);
  const s = suggestForPattern(r.patterns[0]!);
  assert.ok(s.severity);
  assert.equal(s.variables[s.severity.variable]!.shape, 'status_code');
  assert.deepEqual(
    s.severity.mapping.map((m) => m.severity),
    ['error', 'warn', 'info'],
  );
});
