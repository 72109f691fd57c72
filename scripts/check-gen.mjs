#!/usr/bin/env node
/* global process, console, URL */
// Fails (exit 1) when a package's generated protobuf code is not what `buf generate` (its own
// buf.gen.yaml) would produce now. Regenerates into a temporary directory and compares byte for byte.
// Usage: node scripts/check-gen.mjs <package dir> <generated dir inside it>
//   e.g. node scripts/check-gen.mjs packages/opamp src/gen
//        node scripts/check-gen.mjs packages/server src/modules/telemetry/gen
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const [pkgArg, genArg] = process.argv.slice(2);
if (!pkgArg || !genArg) {
  console.error('usage: node scripts/check-gen.mjs <package dir> <generated dir inside it>');
  process.exit(2);
}
const pkgDir = join(repoRoot, pkgArg);
const genDir = join(pkgDir, genArg);

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    let names;
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

const tmp = mkdtempSync(join(tmpdir(), 'flowgate-opamp-gen-'));
try {
  const binDirs = [join(pkgDir, 'node_modules', '.bin'), join(repoRoot, 'node_modules', '.bin')];
  const env = { ...process.env, PATH: [...binDirs, process.env.PATH ?? ''].join(delimiter) };
  const res = spawnSync('buf', ['generate', '--output', tmp], { cwd: pkgDir, env, encoding: 'utf8' });
  if (res.status !== 0) {
    console.error('buf generate failed:', res.error?.message ?? '', res.stderr);
    process.exit(2);
  }
  const fresh = join(tmp, genArg);
  const want = listFiles(fresh);
  const have = listFiles(genDir);
  const problems = [];
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing: ${f}`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(genDir, f)))) problems.push(`stale: ${f}`);
  }
  for (const f of have) if (!want.includes(f)) problems.push(`unexpected: ${f}`);
  if (problems.length > 0) {
    console.error(`${pkgArg}/${genArg} is out of date (run \`npm run gen\` in ${pkgArg}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`${pkgArg}/${genArg} is up to date (${want.length} files)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
