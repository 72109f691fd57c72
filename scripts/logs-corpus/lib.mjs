/* global process, console, setTimeout, clearTimeout */
// Process helpers for collect.mjs: free ports, commands with time limits, daemons whose output goes to a file.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer, connect } from 'node:net';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  const srv = createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Runs a command to completion (bounded by timeoutMs); resolves with its exit code and output, never rejects. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(err) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command and fails the collection when it exits non-zero. */
export async function must(cmd, args, opts = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  return r;
}

/** Starts a long-running process with stdout and stderr appended to `logFile`. */
export function daemon(cmd, args, logFile, opts = {}) {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, args, {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let stopping = null;
  return {
    pid: child.pid,
    exited,
    stop(signal = 'SIGTERM', waitMs = 15_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const done = await Promise.race([exited, sleep(waitMs).then(() => null)]);
        if (!done) {
          child.kill('SIGKILL');
          await exited;
        }
        await new Promise((r) => out.end(r));
      })();
      return stopping;
    },
  };
}

export async function waitPort(port, ms = 20_000, host = '127.0.0.1') {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = connect({ port, host });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => (s.destroy(), resolve(false)));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${ms} ms`);
}

/** Opens a TCP connection, writes `data` (if any), reads for up to `ms`, closes; resolves with what came back. */
export function tcp(port, data, ms = 500) {
  return new Promise((resolve) => {
    let got = '';
    const s = connect({ port, host: '127.0.0.1' });
    s.on('data', (d) => (got += d));
    s.once('connect', () => {
      if (data !== undefined) s.write(data);
    });
    s.once('error', () => resolve(got));
    setTimeout(() => {
      s.destroy();
      resolve(got);
    }, ms);
  });
}

/** A small seeded generator so a re-run drives the same load (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

export function log(program, message) {
  console.error(`[collect ${program}] ${message}`);
}
