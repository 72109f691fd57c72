// Log pattern miner throughput (issue 13): lines per second on one core, over the labelled corpus
// (packages/analysis/src/logs/corpus) repeated until --lines, every repetition with its numbers changed so
// the values vary as in a real stream (the same templates, new ports, pids, durations, ids).
//
//   npm run bench:logs -- [--lines 200000] [--runs 5]
//
// Each run mines all lines in one process on one thread (the miner is synchronous). "On one core" is
// measured as lines per CPU second of the process (user + system time of all its threads, so GC helper
// threads count against it): on a shared machine the wall clock also counts time the process waited for a
// core. Wall-clock figures are reported beside it. Reported: the first run (cold: JIT not warmed up), the
// median of the others, and a baseline measured the same way in the same process — the least a pattern
// tool does per line (mask digit runs with one regex, count the result in a Map).
// Progress goes to stderr; stdout gets one JSON line.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { mineLogs } from '@flowgate/analysis';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '5' },
  },
});
const target = Number(args.lines);
const runs = Math.max(2, Number(args.runs));

const corpusDir = join(import.meta.dirname, '../packages/analysis/src/logs/corpus');
const corpus: string[] = [];
for (const file of readdirSync(corpusDir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  corpus.push(...(JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as { lines: string[] }).lines);
}

/** A deterministic stream: the corpus over and over, each repetition with other digits in place of the old. */
function stream(n: number): string[] {
  const out: string[] = [];
  let seed = 1;
  const digit = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return String.fromCharCode(48 + ((seed >>> 16) % 10));
  };
  for (let rep = 0; out.length < n; rep++) {
    for (const line of corpus) {
      if (out.length >= n) break;
      out.push(rep === 0 ? line : line.replace(/\d/g, digit));
    }
  }
  return out;
}

function baseline(lines: string[]): number {
  const groups = new Map<string, number>();
  for (const line of lines) {
    const key = line.replace(/\d+/g, '0');
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return groups.size;
}

const lines = stream(target);
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
console.error(
  `[bench:logs] ${lines.length} lines, ${(bytes / 1e6).toFixed(1)} MB, ${corpus.length} distinct corpus lines`,
);

/** Wall and CPU milliseconds of one call. */
function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

const mined = [];
for (let i = 0; i < runs; i++) {
  const run = timed(() => mineLogs(lines).patterns.length);
  mined.push(run);
  console.error(
    `[bench:logs] run ${i + 1}: ${Math.round(lines.length / (run.cpu / 1000))} lines per CPU second ` +
      `(${Math.round(lines.length / (run.wall / 1000))} lines/s wall)`,
  );
}
const base = Array.from({ length: runs }, () => timed(() => baseline(lines)));

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const perSecond = (ms: number) => Math.round(lines.length / (ms / 1000));
const warmCpu = median(mined.slice(1).map((r) => r.cpu));
const baseCpu = median(base.map((r) => r.cpu));
const wall = mined.reduce((n, r) => n + r.wall, 0);
const cpu = mined.reduce((n, r) => n + r.cpu, 0);
console.log(
  JSON.stringify({
    bench: 'logs',
    lines: lines.length,
    bytes,
    runs,
    patterns: mined[0]!.value,
    lines_per_cpu_s: perSecond(warmCpu),
    cold_lines_per_cpu_s: perSecond(mined[0]!.cpu),
    mb_per_cpu_s: Math.round((bytes / 1e6 / (warmCpu / 1000)) * 10) / 10,
    lines_per_s_wall: perSecond(median(mined.slice(1).map((r) => r.wall))),
    // CPU time over wall time while mining: ≈ 1 when the process had a core to itself.
    cpu_share_of_wall: Math.round((cpu / wall) * 100) / 100,
    baseline: { method: 'mask digit runs + Map count', groups: base[0]!.value, lines_per_cpu_s: perSecond(baseCpu) },
    ratio_to_baseline: Math.round((baseCpu / warmCpu) * 100) / 100,
    target_lines_per_s: 100_000,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
  }),
);
