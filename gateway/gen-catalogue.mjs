#!/usr/bin/env node
// Generates packages/config-model/src/gen/component-catalogue.ts from the components compiled
// into gateway/dist/otelcol-flowgate (`otelcol-flowgate components`), cross-checked against
// gateway/builder-config.yaml. Each component's mdatagen metadata.yaml (read from the Go module
// cache) supplies deprecated type aliases, and the entries `components` omits at v0.149.
//
// Usage: node gateway/gen-catalogue.mjs [--check] [--collector <path>]
//   (no flag)  regenerate the file (needs the built collector: npm run gateway:build)
//   --check    exit 1 if the committed file differs from what would be generated. Without a
//              built collector it still checks the committed file against the manifest.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const GATEWAY_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_DIR = path.dirname(GATEWAY_DIR);
const MANIFEST = path.join(GATEWAY_DIR, 'builder-config.yaml');
const OUT_FILE = path.join(REPO_DIR, 'packages/config-model/src/gen/component-catalogue.ts');
const KINDS = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];
const rel = (p) => path.relative(process.cwd(), p) || p;

function usage(msg) {
  if (msg) process.stderr.write(`gen-catalogue: ${msg}\n`);
  process.stderr.write('usage: node gateway/gen-catalogue.mjs [--check] [--collector <path>]\n');
  process.exit(2);
}

let check = false;
let collector = path.join(GATEWAY_DIR, 'dist', 'otelcol-flowgate');
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--check') check = true;
  else if (argv[i] === '--collector' && argv[i + 1]) collector = path.resolve(argv[++i]);
  else if (argv[i] === '--help' || argv[i] === '-h') usage();
  else usage(`unknown argument ${argv[i]}`);
}

function fail(msg) {
  process.stderr.write(`gen-catalogue: ${msg}\n`);
  process.exit(1);
}

/** Manifest entries per kind: Map<kind, [{gomod: "module version", importPath}]>. */
function manifestEntries() {
  const manifest = parseYaml(fs.readFileSync(MANIFEST, 'utf8'));
  const byKind = new Map(KINDS.map((k) => [k, []]));
  for (const kind of KINDS) {
    for (const entry of manifest[kind] ?? []) {
      const gomod = String(entry.gomod).trim().replace(/\s+/g, ' ');
      byKind.get(kind).push({
        gomod,
        importPath: entry.import ? String(entry.import) : gomod.split(' ')[0],
        // A local module (our own components, gateway/components/): its metadata.yaml is read there.
        localPath: entry.path ? path.resolve(GATEWAY_DIR, String(entry.path)) : null,
      });
    }
  }
  return byKind;
}

const manifestModulesOf = (entriesByKind) =>
  new Map(KINDS.map((k) => [k, new Set(entriesByKind.get(k).map((e) => e.gomod))]));

let gomodcache;
/** The component's metadata.yaml (mdatagen) from the Go module cache, downloading the module if needed. */
function componentMetadata({ gomod, importPath, localPath }) {
  if (localPath) return parseYaml(fs.readFileSync(path.join(localPath, 'metadata.yaml'), 'utf8'));
  const [mod, version] = gomod.split(' ');
  const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
  gomodcache ??= execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  let dir = path.join(gomodcache, `${escape(mod)}@${escape(version)}`);
  if (!fs.existsSync(dir)) {
    const out = execFileSync('go', ['mod', 'download', '-json', `${mod}@${version}`], {
      encoding: 'utf8',
      cwd: GATEWAY_DIR,
    });
    dir = JSON.parse(out).Dir;
  }
  const file = path.join(dir, importPath.slice(mod.length), 'metadata.yaml');
  return parseYaml(fs.readFileSync(file, 'utf8'));
}

/** Signals a component supports, with their stability; "Undefined" (unsupported) left out. */
function stabilityOf(raw) {
  const out = {};
  for (const key of Object.keys(raw ?? {}).sort()) {
    const level = String(raw[key]);
    if (level && level !== 'Undefined') out[key] = level;
  }
  return out;
}

/** {stable: [traces, logs]} (metadata.yaml) -> {logs: 'Stable', traces: 'Stable'} like `components`. */
function stabilityFromMetadata(meta, kind) {
  const signals = kind === 'extensions' ? ['extension'] : ['logs', 'metrics', 'traces'];
  const out = {};
  for (const [level, list] of Object.entries(meta?.status?.stability ?? {})) {
    for (const signal of list ?? []) {
      if (signals.includes(signal)) out[signal] = level.charAt(0).toUpperCase() + level.slice(1);
    }
  }
  return stabilityOf(out);
}

/**
 * The catalogue: what the collector binary reports, completed from the components' metadata.yaml.
 * At v0.149 `components` leaves out every factory that has a deprecated type alias (e.g. the otlp
 * exporter, now `otlp_grpc` with alias `otlp`), so those entries come from metadata.yaml; aliases
 * are listed for every component because configs may still use them.
 */
function catalogueFromCollector(bin, entriesByKind) {
  let text;
  try {
    text = execFileSync(bin, ['components'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    fail(`\`${rel(bin)} components\` failed: ${err.stderr || err.message}`);
  }
  const out = parseYaml(text);
  const info = out.buildinfo ?? {};
  const catalogue = {
    distribution: { name: String(info.command ?? ''), version: String(info.version ?? ''), otelcolVersion: '' },
  };
  for (const kind of KINDS) {
    const reported = new Map((out[kind] ?? []).map((c) => [String(c.module), c]));
    const entries = [];
    for (const entry of entriesByKind.get(kind)) {
      const meta = componentMetadata(entry);
      const c = reported.get(entry.gomod);
      reported.delete(entry.gomod);
      entries.push({
        type: c ? String(c.name) : String(meta.type),
        module: entry.gomod,
        stability: c ? stabilityOf(c.stability) : stabilityFromMetadata(meta, kind),
        aliases: meta.deprecated_type ? [String(meta.deprecated_type)] : [],
      });
    }
    // Anything the binary has that the manifest does not name is reported by crossCheck.
    for (const c of reported.values()) {
      entries.push({
        type: String(c.name),
        module: String(c.module),
        stability: stabilityOf(c.stability),
        aliases: [],
      });
    }
    catalogue[kind] = entries.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }
  // The collector core release: the version of the core modules compiled in.
  const core = KINDS.flatMap((k) => catalogue[k])
    .map((c) => c.module.match(/^go\.opentelemetry\.io\/collector\/\S+ v(0\.\d+\.\d+)$/))
    .find(Boolean);
  catalogue.distribution.otelcolVersion = core ? core[1] : '';
  return catalogue;
}

function render(catalogue) {
  const q = (s) => JSON.stringify(s);
  const obj = (o) =>
    `{ ${Object.entries(o)
      .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : q(k)}: ${q(v)}`)
      .join(', ')} }`;
  const lines = [
    '// Generated by gateway/gen-catalogue.mjs from `otelcol-flowgate components` (the collector built',
    "// from gateway/builder-config.yaml), completed with the components' metadata.yaml where the",
    '// binary omits a component. DO NOT EDIT: run `npm run gateway:build` to regenerate;',
    '// `node gateway/gen-catalogue.mjs --check` fails when this file is stale.',
    '',
    '/** The components compiled into the Flowgate gateway collector, with per-signal stability. */',
    'export const componentCatalogue = {',
    `  distribution: ${obj(catalogue.distribution)},`,
  ];
  for (const kind of KINDS) {
    if (catalogue[kind].length === 0) {
      lines.push(`  ${kind}: [],`);
      continue;
    }
    lines.push(`  ${kind}: [`);
    for (const c of catalogue[kind]) {
      const stability = Object.keys(c.stability).length ? obj(c.stability) : '{}';
      lines.push(
        `    { type: ${q(c.type)}, aliases: [${c.aliases.map(q).join(', ')}], ` +
          `module: ${q(c.module)}, stability: ${stability} },`,
      );
    }
    lines.push('  ],');
  }
  lines.push(
    '} as const;',
    '',
    '/** A top-level component section of a collector config. */',
    `export type ComponentKind = ${KINDS.map((k) => `'${k}'`).join(' | ')};`,
    '',
    "/** The component types of one kind in the gateway collector, e.g. ComponentType<'processors'>. */",
    "export type ComponentType<K extends ComponentKind> = (typeof componentCatalogue)[K][number]['type'];",
    '',
    '/** Deprecated type names that the collector still accepts for a component (e.g. `otlp` for `otlp_grpc`). */',
    "export type ComponentAlias<K extends ComponentKind> = (typeof componentCatalogue)[K][number]['aliases'][number];",
    '',
  );
  return lines.join('\n');
}

/** Module strings in a catalogue (parsed from the generated TS file or an object). */
function catalogueModulesFromFile(text) {
  const byKind = new Map(KINDS.map((k) => [k, new Set()]));
  let kind = null;
  for (const line of text.split('\n')) {
    const k = line.match(/^ {2}(\w+): \[/);
    if (k) kind = KINDS.includes(k[1]) ? k[1] : null;
    const m = line.match(/module: "([^"]+)"/);
    if (kind && m) byKind.get(kind).add(m[1]);
  }
  return byKind;
}

/** Problems between the manifest and a catalogue's modules (empty when they agree). */
function crossCheck(manifestByKind, catalogueByKind) {
  const problems = [];
  for (const kind of KINDS) {
    const want = manifestByKind.get(kind);
    const have = catalogueByKind.get(kind);
    for (const mod of want)
      if (!have.has(mod)) problems.push(`${kind}: manifest module "${mod}" is not in the catalogue`);
    for (const mod of have)
      if (!want.has(mod)) problems.push(`${kind}: catalogue module "${mod}" is not in the manifest`);
  }
  return problems;
}

const entriesByKind = manifestEntries();
const manifestByKind = manifestModulesOf(entriesByKind);
const committed = fs.existsSync(OUT_FILE) ? fs.readFileSync(OUT_FILE, 'utf8') : null;

if (!fs.existsSync(collector)) {
  if (!check) fail(`${rel(collector)} not found: build it first with \`npm run gateway:build\``);
  if (committed === null) fail(`${rel(OUT_FILE)} is missing: run \`npm run gateway:build\` and commit it`);
  const problems = crossCheck(manifestByKind, catalogueModulesFromFile(committed));
  if (problems.length) {
    fail(
      `${rel(OUT_FILE)} is stale against gateway/builder-config.yaml:\n  ${problems.join('\n  ')}\n` +
        'Run `npm run gateway:build` and commit the regenerated file.',
    );
  }
  process.stdout.write(
    `gen-catalogue: ${rel(OUT_FILE)} matches the manifest ` +
      '(collector not built, so only the module lists were compared)\n',
  );
  process.exit(0);
}

const catalogue = catalogueFromCollector(collector, entriesByKind);
// Modules the binary itself reports must all be in the manifest (and the manifest's in the binary).
const generatedByKind = new Map(KINDS.map((k) => [k, new Set(catalogue[k].map((c) => c.module))]));
const problems = crossCheck(manifestByKind, generatedByKind);
if (problems.length) {
  fail(
    `${rel(collector)} does not match gateway/builder-config.yaml (rebuild with \`npm run gateway:build\`):\n  ` +
      problems.join('\n  '),
  );
}
const text = render(catalogue);

if (check) {
  if (committed !== text) {
    fail(
      `${rel(OUT_FILE)} is stale: it differs from what ${rel(collector)} reports.\n` +
        'Run `node gateway/gen-catalogue.mjs` (or `npm run gateway:build`) and commit the result.',
    );
  }
  process.stdout.write(`gen-catalogue: ${rel(OUT_FILE)} is up to date\n`);
} else if (committed === text) {
  process.stdout.write(`gen-catalogue: ${rel(OUT_FILE)} unchanged\n`);
} else {
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  fs.writeFileSync(OUT_FILE, text);
  const counts = KINDS.map((k) => `${catalogue[k].length} ${k}`).join(', ');
  process.stdout.write(`gen-catalogue: wrote ${rel(OUT_FILE)} (${counts})\n`);
}
