// The log miner benchmark runs and prints its one JSON line (figures are not asserted: tests never judge timing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('bench:logs prints one JSON line with throughput, baseline and the patterns found', () => {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'logs.ts'), '--lines', '3000', '--runs', '2'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(res.status, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const out = JSON.parse(lines[0]!);
  assert.equal(out.bench, 'logs');
  assert.equal(out.lines, 3000);
  assert.ok(out.patterns > 10);
  for (const k of ['lines_per_cpu_s', 'cold_lines_per_cpu_s', 'lines_per_s_wall']) assert.ok(out[k] > 0, k);
  assert.ok(out.baseline.lines_per_cpu_s > 0);
});
