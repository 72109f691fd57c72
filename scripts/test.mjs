#!/usr/bin/env node
/* global process, console, URL */
// Runs every *.test.ts under packages/*/src, e2e/ and bench/ with Node's test runner (through tsx).
// Usage: npm test [-- <path-substring> ...]   e.g. npm test -- packages/server auth
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = [
  'packages/config-model/src',
  'packages/analysis/src',
  'packages/opamp/src',
  'packages/server/src',
  'packages/ui/src',
  'e2e',
  'bench',
  'gateway/test',
];
const skipDirs = new Set(['node_modules', 'dist', 'gen', '.flowgate', 'artifacts']);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (skipDirs.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.test\.(tsx?|mjs)$/.test(name)) out.push(relative(root, full));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((r) => walk(join(root, r), []))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}
const concurrency = process.env.FLOWGATE_TEST_CONCURRENCY ?? '2';
// A file that hangs (a leaked handle, a never-settling test) is cancelled after 15 minutes instead of stalling the run.
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  `--test-concurrency=${concurrency}`,
  `--test-timeout=${process.env.FLOWGATE_TEST_TIMEOUT_MS ?? 900_000}`,
  '--test-force-exit',
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
