// Grouping accuracy on the labelled corpus (corpus/README.md): real programs run on this machine, each line
// labelled once with its true template by scripts/logs-corpus/label.mjs. One set of miner options for all
// programs — no per-program tuning. The published reference is Drain at ≈ 0.87 on average (LogHub, with
// per-dataset tuning).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mineLogs } from './miner.ts';
import { groupingAccuracy } from './accuracy.ts';
import postgres from './corpus/postgres.json' with { type: 'json' };
import redis from './corpus/redis.json' with { type: 'json' };
import nginx from './corpus/nginx.json' with { type: 'json' };
import sshd from './corpus/sshd.json' with { type: 'json' };
import collector from './corpus/collector.json' with { type: 'json' };
import prometheus from './corpus/prometheus.json' with { type: 'json' };

interface Corpus {
  program: string;
  templates: string[];
  lines: string[];
  labels: number[];
}
const corpora: Corpus[] = [postgres, redis, nginx, sshd, collector, prometheus];

test('the labelled corpus is consistent: one label per line, every label a template', () => {
  for (const c of corpora) {
    assert.equal(c.labels.length, c.lines.length, c.program);
    assert.ok(c.lines.length >= 900, `${c.program}: ${c.lines.length} lines`);
    for (const l of c.labels) assert.ok(Number.isInteger(l) && l >= 0 && l < c.templates.length, c.program);
    assert.equal(new Set(c.labels).size, c.templates.length, `${c.program}: every template is used`);
  }
});

test('grouping accuracy per program and on average beats Drain’s published ≈ 0.87', () => {
  const rows = corpora.map((c) => {
    const r = mineLogs(c.lines);
    return {
      program: c.program,
      lines: c.lines.length,
      templates: c.templates.length,
      patterns: r.patterns.length,
      accuracy: groupingAccuracy(r.assignments, c.labels),
    };
  });
  const average = rows.reduce((n, r) => n + r.accuracy, 0) / rows.length;
  const lines = rows.reduce((n, r) => n + r.lines, 0);
  const weighted = rows.reduce((n, r) => n + r.accuracy * r.lines, 0) / lines;
  console.log('program      lines  templates  patterns  grouping accuracy');
  for (const r of rows)
    console.log(
      `${r.program.padEnd(12)} ${String(r.lines).padStart(5)}  ${String(r.templates).padStart(9)}  ` +
        `${String(r.patterns).padStart(8)}  ${r.accuracy.toFixed(3)}`,
    );
  console.log(`average (per program) ${average.toFixed(3)}; over all ${lines} lines ${weighted.toFixed(3)}`);
  assert.ok(average > 0.87, `average grouping accuracy ${average.toFixed(3)}`);
  for (const r of rows) assert.ok(r.accuracy >= 0.7, `${r.program}: ${r.accuracy.toFixed(3)}`);
});
