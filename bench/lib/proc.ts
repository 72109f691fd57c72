// Reads a process's CPU time and RSS from /proc (Linux), and describes the machine.
import { readFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { execFileSync } from 'node:child_process';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* the usual value */
}

export interface ProcSample {
  at: number;
  /** user + system CPU seconds so far. */
  cpuSeconds: number;
  rssBytes: number;
}

export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  return { at: Date.now(), cpuSeconds: (utime + stime) / ticksPerSecond, rssBytes: rssKb * 1024 };
}

export interface WindowStats {
  seconds: number;
  cpuSeconds: number;
  /** Share of the whole machine (all cores), in percent. */
  cpuPctMachine: number;
  /** Share of one core, in percent. */
  cpuPctCore: number;
  rssAvgBytes: number;
  rssMinBytes: number;
  rssMaxBytes: number;
}

/** Samples `pid` every second for `ms`; CPU from the first to the last sample. */
export async function sampleWindow(pid: number, ms: number, onTick?: (s: ProcSample) => void): Promise<WindowStats> {
  const samples: ProcSample[] = [sampleProcess(pid)];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(10, end - Date.now()))));
    const s = sampleProcess(pid);
    samples.push(s);
    onTick?.(s);
  }
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const seconds = (last.at - first.at) / 1000;
  const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
  const rss = samples.map((s) => s.rssBytes);
  return {
    seconds,
    cpuSeconds,
    cpuPctMachine: (100 * cpuSeconds) / (seconds * cpus().length),
    cpuPctCore: (100 * cpuSeconds) / seconds,
    rssAvgBytes: rss.reduce((a, b) => a + b, 0) / rss.length,
    rssMinBytes: Math.min(...rss),
    rssMaxBytes: Math.max(...rss),
  };
}

export function machine() {
  const c = cpus();
  return {
    nproc: c.length,
    cpu_model: c[0]?.model ?? 'unknown',
    mem_total_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
  };
}

export const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
export const round = (n: number | null, digits = 1) =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;
