#!/usr/bin/env node
// Builds the Flowgate gateway binaries:
//   gateway/dist/otelcol-flowgate  - the collector, built by the OpenTelemetry Collector Builder
//                                    (OCB) from gateway/builder-config.yaml
//   gateway/dist/opampsupervisor   - the upstream OpAMP supervisor, built from our wrapper
//                                    module in gateway/supervisor/
//
// Usage: node gateway/build.mjs [--force] [--check-catalogue | --no-catalogue]
//        (`npm run gateway:build` from the repository root)
//
// Built binaries are cached under ${FLOWGATE_GATEWAY_CACHE:-~/.cache/flowgate/gateway}/<key>/,
// where <key> is a SHA-256 over the manifest, the wrapper module's go.mod/go.sum/*.go, every
// file of our own components (gateway/components/**), the `go version` output and this script's
// build recipe. A cache hit only links the binaries
// into gateway/dist. --force rebuilds. At the end the component catalogue
// (packages/config-model/src/gen/component-catalogue.ts) is regenerated, or only verified
// with --check-catalogue (the default when CI=true).

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const GATEWAY_DIR = path.dirname(fileURLToPath(import.meta.url));
const MANIFEST = path.join(GATEWAY_DIR, 'builder-config.yaml');
const SUPERVISOR_DIR = path.join(GATEWAY_DIR, 'supervisor');
const COMPONENTS_DIR = path.join(GATEWAY_DIR, 'components');
const DIST_DIR = path.join(GATEWAY_DIR, 'dist');
const OCB_WORK_DIR = path.join(GATEWAY_DIR, '.build');
const COLLECTOR_NAME = 'otelcol-flowgate';
const SUPERVISOR_NAME = 'opampsupervisor';
const BINARIES = [COLLECTOR_NAME, SUPERVISOR_NAME];
// Bump when the way the binaries are built changes (flags, steps), to invalidate caches.
const RECIPE = 'flowgate-gateway-build/1 CGO_ENABLED=0 -trimpath -ldflags=-s -w';
const LDFLAGS = '-s -w';

const started = Date.now();
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--force', '--check-catalogue', '--no-catalogue', '--help', '-h'].includes(a)) {
    fail(`unknown argument ${a} (try --help)`);
  }
}
if (args.has('--help') || args.has('-h')) {
  process.stdout.write(
    'usage: node gateway/build.mjs [--force] [--check-catalogue | --no-catalogue]\n' +
      '  --force            rebuild even when the cache has binaries for this input\n' +
      '  --check-catalogue  only verify the component catalogue (default when CI=true)\n' +
      '  --no-catalogue     do not touch the component catalogue\n' +
      'env: FLOWGATE_GATEWAY_CACHE (cache root, default ~/.cache/flowgate/gateway)\n',
  );
  process.exit(0);
}

function elapsed(since = started) {
  const s = Math.round((Date.now() - since) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function log(msg) {
  process.stdout.write(`[gateway:build +${elapsed()}] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`[gateway:build] ERROR: ${msg}\n`);
  process.exit(1);
}

const seconds = (ms) => `${Math.round(ms / 1000)}s`;

function humanSize(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Runs a command with inherited stdio, printing a "still running" line every minute. */
function run(cmd, cmdArgs, opts = {}) {
  const t0 = Date.now();
  log(`$ ${cmd} ${cmdArgs.join(' ')}${opts.cwd ? `   (in ${path.relative(process.cwd(), opts.cwd) || '.'})` : ''}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { stdio: 'inherit', ...opts });
    const ticker = setInterval(() => log(`  ... ${path.basename(cmd)} still running (${elapsed(t0)})`), 60_000);
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = () => {
      clearInterval(ticker);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    };
    child.on('error', (err) => {
      done();
      reject(new Error(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      done();
      if (code === 0) {
        log(`  done in ${elapsed(t0)}`);
        resolve(Date.now() - t0);
      } else {
        reject(
          new Error(
            `${cmd} ${cmdArgs[0] ?? ''} failed (${signal ? `signal ${signal}` : `exit code ${code}`})` +
              ` after ${elapsed(t0)}`,
          ),
        );
      }
    });
  });
}

function goVersion() {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    fail('the Go toolchain (`go`) is not on PATH; install Go >= 1.25 (https://go.dev/dl/) and retry');
  }
}

/** The OCB release to use: the version of the core collector modules in the manifest. */
function builderVersion(manifestText) {
  const m = manifestText.match(/gomod:\s*go\.opentelemetry\.io\/collector\/\S+\s+(v0\.\d+\.\d+)/);
  if (!m) fail(`cannot find a go.opentelemetry.io/collector v0.x module in ${MANIFEST}`);
  return m[1];
}

function cacheKey(goVer) {
  const h = createHash('sha256');
  const add = (label, content) => {
    h.update(`${label}\0${content.length}\0`);
    h.update(content);
  };
  add('recipe', RECIPE);
  add('go-version', goVer);
  add('builder-config.yaml', fs.readFileSync(MANIFEST));
  for (const f of ['go.mod', 'go.sum']) add(`supervisor/${f}`, fs.readFileSync(path.join(SUPERVISOR_DIR, f)));
  const goFiles = fs
    .readdirSync(SUPERVISOR_DIR)
    .filter((f) => f.endsWith('.go'))
    .sort();
  for (const f of goFiles) add(`supervisor/${f}`, fs.readFileSync(path.join(SUPERVISOR_DIR, f)));
  for (const f of componentFiles()) add(`components/${f}`, fs.readFileSync(path.join(COMPONENTS_DIR, f)));
  return h.digest('hex').slice(0, 32);
}

/**
 * Every file of our own components (gateway/components/**: go.mod, go.sum, *.go, metadata.yaml,
 * testdata), relative and sorted, so that any change to them rebuilds the collector.
 */
function componentFiles() {
  if (!fs.existsSync(COMPONENTS_DIR)) return [];
  return fs
    .readdirSync(COMPONENTS_DIR, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(COMPONENTS_DIR, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function haveBinaries(dir) {
  return BINARIES.every((b) => {
    try {
      const st = fs.statSync(path.join(dir, b));
      return st.isFile() && st.size > 0;
    } catch {
      return false;
    }
  });
}

/** Hard-links (or copies, across file systems) the cached binaries into gateway/dist. */
function install(fromDir) {
  fs.mkdirSync(DIST_DIR, { recursive: true });
  for (const b of [...BINARIES, 'build-info.json']) {
    const src = path.join(fromDir, b);
    const dst = path.join(DIST_DIR, b);
    if (!fs.existsSync(src)) continue;
    fs.rmSync(dst, { force: true });
    try {
      fs.linkSync(src, dst);
    } catch {
      fs.copyFileSync(src, dst);
    }
    if (b !== 'build-info.json') fs.chmodSync(dst, 0o755);
  }
}

async function ensureBuilder(cacheRoot, version) {
  const binDir = path.join(cacheRoot, 'tools', `builder-${version}`);
  const bin = path.join(binDir, 'builder');
  if (fs.existsSync(bin)) {
    log(`OCB ${version}: cached`);
    return bin;
  }
  log(`OCB ${version}: installing go.opentelemetry.io/collector/cmd/builder@${version}`);
  fs.mkdirSync(binDir, { recursive: true });
  await run('go', ['install', '-trimpath', `go.opentelemetry.io/collector/cmd/builder@${version}`], {
    env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0' },
  });
  return bin;
}

async function build(cacheRoot, outDir, builderVer) {
  const env = { ...process.env, CGO_ENABLED: '0' };
  const timings = {};

  log(`step 1/3: supervisor wrapper (gateway/supervisor) -> ${SUPERVISOR_NAME}`);
  timings.supervisorMs = await run(
    'go',
    ['build', '-trimpath', `-ldflags=${LDFLAGS}`, '-o', path.join(outDir, SUPERVISOR_NAME), '.'],
    { cwd: SUPERVISOR_DIR, env },
  );

  log(`step 2/3: OCB ${builderVer}`);
  const t0 = Date.now();
  const builder = await ensureBuilder(cacheRoot, builderVer);
  timings.builderInstallMs = Date.now() - t0;

  log(`step 3/3: collector ${COLLECTOR_NAME} from builder-config.yaml (first build: 10-30 min)`);
  fs.mkdirSync(OCB_WORK_DIR, { recursive: true });
  timings.collectorMs = await run(builder, ['--config', 'builder-config.yaml', `--ldflags=${LDFLAGS}`], {
    cwd: GATEWAY_DIR,
    env,
  });
  const manifestText = fs.readFileSync(MANIFEST, 'utf8');
  const outPath = manifestText.match(/^\s*output_path:\s*(\S+)/m)?.[1] ?? './.build/collector';
  const built = path.resolve(GATEWAY_DIR, outPath, COLLECTOR_NAME);
  if (!fs.existsSync(built)) fail(`OCB finished but ${built} does not exist`);
  fs.copyFileSync(built, path.join(outDir, COLLECTOR_NAME));
  fs.chmodSync(path.join(outDir, COLLECTOR_NAME), 0o755);
  return timings;
}

async function main() {
  const goVer = goVersion();
  const manifestText = fs.readFileSync(MANIFEST, 'utf8');
  const builderVer = builderVersion(manifestText);
  const cacheRoot = process.env.FLOWGATE_GATEWAY_CACHE || path.join(os.homedir(), '.cache', 'flowgate', 'gateway');
  const key = cacheKey(goVer);
  const keyDir = path.join(cacheRoot, key);
  log(`${goVer}; OCB ${builderVer}; cache key ${key}`);
  log(`cache dir ${keyDir}`);

  if (!args.has('--force') && haveBinaries(keyDir)) {
    log(
      'cache hit: binaries for this manifest/wrapper/Go version already built, skipping the build ' +
        '(use --force to rebuild)',
    );
  } else {
    log(args.has('--force') ? '--force: rebuilding' : 'cache miss: building');
    fs.mkdirSync(cacheRoot, { recursive: true });
    const tmpDir = fs.mkdtempSync(path.join(cacheRoot, `${key}.tmp-`));
    try {
      const timings = await build(cacheRoot, tmpDir, builderVer);
      const info = {
        key,
        goVersion: goVer,
        builderVersion: builderVer,
        builtAt: new Date().toISOString(),
        timings,
        totalMs: Date.now() - started,
        sizes: Object.fromEntries(BINARIES.map((b) => [b, fs.statSync(path.join(tmpDir, b)).size])),
      };
      fs.writeFileSync(path.join(tmpDir, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
      fs.rmSync(keyDir, { recursive: true, force: true });
      fs.renameSync(tmpDir, keyDir);
    } catch (err) {
      fs.rmSync(tmpDir, { recursive: true, force: true });
      fail(
        `${err.message}\n  The build did not complete; gateway/dist was left unchanged. ` +
          'Re-run with the output above to diagnose.',
      );
    }
  }

  install(keyDir);
  for (const b of BINARIES) log(`gateway/dist/${b}: ${humanSize(fs.statSync(path.join(DIST_DIR, b)).size)}`);
  try {
    const info = JSON.parse(fs.readFileSync(path.join(keyDir, 'build-info.json'), 'utf8'));
    log(
      `built ${info.builtAt} in ${seconds(info.totalMs)} (collector ${seconds(info.timings.collectorMs)}, ` +
        `supervisor ${seconds(info.timings.supervisorMs)})`,
    );
  } catch {
    /* build-info.json is informative only */
  }

  if (!args.has('--no-catalogue')) {
    const check = args.has('--check-catalogue') || process.env.CI === 'true';
    log(`component catalogue: ${check ? 'verifying' : 'regenerating'}`);
    try {
      await run(process.execPath, [path.join(GATEWAY_DIR, 'gen-catalogue.mjs'), ...(check ? ['--check'] : [])]);
    } catch (err) {
      fail(`component catalogue: ${err.message}`);
    }
  }
  log(`done in ${elapsed()}`);
}

main().catch((err) => fail(err.stack || String(err)));
