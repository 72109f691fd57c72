import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundSample, linesFromContent, SampleFormatError } from './sample.ts';
import { maskLine } from './secrets.ts';
import { parseLogTime, spanSeconds } from './time.ts';

test('text samples are split into lines; empty lines are left out and said so', () => {
  const s = linesFromContent('a 1\r\n\nb 2\n', 'text');
  assert.deepEqual(s.lines, ['a 1', 'b 2']);
  assert.equal(s.received, 3);
  assert.match(s.notes[0]!, /1 empty line left out/);
});

test('JSON lines samples keep the JSON text; a sample without any JSON is refused', () => {
  const s = linesFromContent('{"msg":"a"}\nnot json\n', 'jsonl');
  assert.deepEqual(s.lines, ['{"msg":"a"}', 'not json']);
  assert.match(s.notes[0]!, /1 line is not JSON/);
  assert.throws(() => linesFromContent('plain\ntext', 'jsonl'), SampleFormatError);
});

test('OTLP/JSON exports give one line per record with its severity and time (also one export per line)', () => {
  const doc = {
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              { timeUnixNano: '1765142293000000000', severityNumber: 17, body: { stringValue: 'disk full' } },
              {
                severityText: 'WARN',
                body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'slow' } }] } },
              },
            ],
          },
        ],
      },
    ],
  };
  const s = linesFromContent(JSON.stringify(doc), 'otlp_json');
  assert.deepEqual(s.lines, ['disk full', '{"msg":"slow"}']);
  assert.deepEqual(s.severities, ['error', 'warn']);
  assert.equal(s.times![0], '2025-12-07T21:18:13.000Z');
  const perLine = linesFromContent(`${JSON.stringify(doc)}\n${JSON.stringify(doc)}\n`, 'otlp_json');
  assert.equal(perLine.lines.length, 4);
  assert.throws(() => linesFromContent('{"resourceMetrics": []}', 'otlp_json'), /resourceLogs/);
  assert.throws(() => linesFromContent('not json', 'otlp_json'), /not OTLP\/JSON/);
});

test('samples are bounded in lines and bytes, and the notes say what was kept', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${i} ${'x'.repeat(90)}`);
  const byLines = boundSample({ lines }, { maxLines: 100, maxBytes: 1e9 });
  assert.equal(byLines.kept_lines, 100);
  assert.equal(byLines.dropped_lines, 900);
  assert.match(byLines.notes.join(), /Kept the first 100 lines; 900 later lines were not used/);
  const byBytes = boundSample({ lines }, { maxLines: 1e6, maxBytes: 10_000 });
  assert.ok(byBytes.bytes <= 10_000);
  assert.equal(byBytes.kept_lines + byBytes.dropped_lines, 1000);
  assert.match(byBytes.notes.join(), /MiB/);
});

test('NUL and lone surrogates are replaced; credentials and secret values are masked', () => {
  const s = boundSample(
    {
      lines: [
        'a\u0000b',
        'x\ud800y',
        'Authorization: Bearer abcdefghijklmnop',
        'connect postgres://app:s3cr3t@db:5432/shop',
        'password=hunter22 user=bob',
        'using key AKIAABCDEFGHIJKLMNOP',
        'value my-org-secret-value here',
      ],
    },
    { maxLines: 100, maxBytes: 1e6, secretValues: ['my-org-secret-value'] },
  );
  assert.equal(s.lines[0], 'a\ufffdb');
  assert.equal(s.lines[1], 'x\ufffdy');
  assert.equal(s.lines[2], 'Authorization: Bearer ***');
  assert.equal(s.lines[3], 'connect postgres://app:***@db:5432/shop');
  assert.equal(s.lines[4], 'password=*** user=bob');
  assert.equal(s.lines[5], 'using key ***');
  assert.equal(s.lines[6], 'value *** here');
  assert.ok(s.masked_values >= 5);
  assert.ok(s.notes.some((n) => /masked/.test(n)));
});

test('masking leaves ordinary lines unchanged', () => {
  for (const line of [
    'connection received: host=127.0.0.1 port=5432',
    'Accepted publickey for root from 127.0.0.1 port 40 ssh2: ED25519 SHA256:abc',
    'GET /api/tokens/list HTTP/1.1 200',
  ])
    assert.deepEqual(maskLine(line), { line, masked: 0 });
});

test('header timestamps are parsed and give the span of a sample', () => {
  assert.equal(parseLogTime('2026-12-07T21:20:44.780Z'), Date.UTC(2026, 11, 7, 21, 20, 44, 780));
  assert.equal(parseLogTime('2026-12-07 21:16:51.288 UTC'), Date.UTC(2026, 11, 7, 21, 16, 51, 288));
  assert.equal(parseLogTime('2026-12-07T22:00:00+01:00'), Date.UTC(2026, 11, 7, 21, 0, 0));
  assert.equal(parseLogTime('2026/12/07 21:18:13'), Date.UTC(2026, 11, 7, 21, 18, 13));
  assert.equal(parseLogTime('07 Dec 2026 21:17:30.817'), Date.UTC(2026, 11, 7, 21, 17, 30, 817));
  assert.equal(spanSeconds(['Dec  7 21:18:40', 'Dec  7 21:20:40', undefined, 'nonsense']), 120);
  assert.equal(spanSeconds(['2026-12-07T21:20:44Z']), undefined);
  // syslog lines (no year) next to ISO lines: one period, not the years between
  assert.equal(spanSeconds(['Dec  7 21:18:40', 'Dec  7 21:19:40', '2026-12-07T21:18:00Z', '2026-12-07T21:18:30Z']), 60);
});
