#!/usr/bin/env node
/* global process, console, URL */
// Fails (exit 1) when src/gen is not what `npm run gen -w @flowgate/opamp` would produce now.
// Regenerates into a temporary directory with the same buf.gen.yaml and compares byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(pkgDir, '..', '..');
const genDir = join(pkgDir, 'src', 'gen');

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    let names;
    try { names = readdirSync(d); } catch { return; }
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
  const fresh = join(tmp, 'src', 'gen');
  const want = listFiles(fresh);
  const have = listFiles(genDir);
  const problems = [];
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing: src/gen/${f}`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(genDir, f)))) problems.push(`stale: src/gen/${f}`);
  }
  for (const f of have) if (!want.includes(f)) problems.push(`unexpected: src/gen/${f}`);
  if (problems.length > 0) {
    console.error(`packages/opamp/src/gen is out of date (run \`npm run gen -w @flowgate/opamp\`):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`packages/opamp/src/gen is up to date (${want.length} files)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
