// The gateway downloads: one bundle per platform the server's gateway build holds, built once per build
// into a cache directory and then served from disk.
//
// Platforms: the binaries at the top of the build directory (gateway/dist or FLOWGATE_GATEWAY_BIN_DIR)
// are for whatever platform their ELF header names (a file that is not ELF is taken to be for this host),
// and every `<os>-<arch>/` subdirectory holding both binaries adds one more (a cross build with
// GOOS/GOARCH). A bundle is flowgate-gateway-<os>-<arch>.tar (ustar: the two binaries, the collector shim,
// onboard.sh, supervisor.yaml.tmpl and collector-base.yaml, flat) plus the same gzip-compressed
// (.tar.gz) and SHA256SUMS over both. The cache key is made of the inputs' names, sizes, mtimes and
// inodes: a rebuild gives a new bundle, and the old one is deleted.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch as hostArch, platform as hostOs } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type pino from 'pino';
import { COLLECTOR_BINARY, runChild } from '../../platform/collector.ts';
import { writeTar, type TarEntry } from './tar-writer.ts';

export const SUPERVISOR_BINARY = 'opampsupervisor';
/** Text files of the gateway directory that go into every bundle, with their modes. */
export const BUNDLED_SUPPORT_FILES: Record<string, number> = {
  'collector-shim.sh': 0o755,
  'onboard.sh': 0o755,
  'supervisor.yaml.tmpl': 0o644,
  'collector-base.yaml': 0o644,
};
const FORMAT = 'flowgate-gateway-bundle/1';

export interface GatewayPlatform {
  /** e.g. linux-amd64 */
  id: string;
  os: string;
  arch: string;
  binDir: string;
}

export interface BundleFile {
  name: string;
  size: number;
  sha256: string;
  path: string;
  contentType: string;
}

export interface GatewayBundle {
  platform: string;
  version: string | null;
  built_at: string;
  files: BundleFile[];
  contents: { name: string; size: number; sha256: string; mode: number }[];
}

const ELF_MACHINES: Record<number, string> = {
  0x3e: 'amd64',
  0xb7: 'arm64',
  0x03: '386',
  0x28: 'arm',
  0xf3: 'riscv64',
};

function hostPlatform(): { os: string; arch: string } {
  const archMap: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return { os: hostOs(), arch: archMap[hostArch()] ?? hostArch() };
}

/** os/arch of an executable from its ELF header; null when it is no ELF file (a script, say). */
export async function elfPlatform(file: string): Promise<{ os: string; arch: string } | null> {
  const fh = await open(file, 'r');
  try {
    const h = Buffer.alloc(20);
    const { bytesRead } = await fh.read(h, 0, 20, 0);
    if (bytesRead < 20 || h.readUInt32BE(0) !== 0x7f454c46) return null;
    const machine = h[5] === 2 ? h.readUInt16BE(18) : h.readUInt16LE(18);
    const os = h[7] === 9 ? 'freebsd' : 'linux'; // EI_OSABI: Go writes 0 (System V) for Linux
    return { os, arch: ELF_MACHINES[machine] ?? `elf${machine}` };
  } finally {
    await fh.close();
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function platformOf(dir: string): Promise<{ os: string; arch: string } | null> {
  const collector = join(dir, COLLECTOR_BINARY);
  const supervisor = join(dir, SUPERVISOR_BINARY);
  if (!(await isFile(collector)) || !(await isFile(supervisor))) return null;
  return (await elfPlatform(collector)) ?? (await elfPlatform(supervisor)) ?? hostPlatform();
}

/** The platforms the build directory holds (see the file comment). */
export async function findPlatforms(binDir: string): Promise<GatewayPlatform[]> {
  const found = new Map<string, GatewayPlatform>();
  const top = await platformOf(binDir);
  if (top) found.set(`${top.os}-${top.arch}`, { id: `${top.os}-${top.arch}`, ...top, binDir });
  let entries: string[];
  try {
    entries = await readdir(binDir);
  } catch {
    return [...found.values()];
  }
  for (const name of entries.sort()) {
    const m = /^([a-z0-9]+)-([a-z0-9]+)$/.exec(name);
    if (!m || found.has(name)) continue;
    const dir = join(binDir, name);
    const p = await platformOf(dir);
    if (p) found.set(name, { id: name, os: m[1]!, arch: m[2]!, binDir: dir });
  }
  return [...found.values()];
}

export function bundleName(platform: string, gzip: boolean): string {
  return `flowgate-gateway-${platform}.tar${gzip ? '.gz' : ''}`;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface BundleCacheDeps {
  /** The gateway build (binaries). */
  binDir: string;
  /** The gateway directory shipped with the server (scripts and templates). */
  sourceDir: string;
  cacheDir: string;
  logger: pino.Logger;
}

export function createBundleCache(deps: BundleCacheDeps) {
  const inflight = new Map<string, Promise<GatewayBundle>>();
  /** platform id → its current bundle (and the cache directory it is in). */
  const memo = new Map<string, { dirName: string; bundle: GatewayBundle }>();

  async function inputsOf(p: GatewayPlatform): Promise<TarEntry[]> {
    const files: [string, string, number][] = [
      [COLLECTOR_BINARY, join(p.binDir, COLLECTOR_BINARY), 0o755],
      [SUPERVISOR_BINARY, join(p.binDir, SUPERVISOR_BINARY), 0o755],
      ...Object.entries(BUNDLED_SUPPORT_FILES).map(
        ([name, mode]) => [name, join(deps.sourceDir, name), mode] as [string, string, number],
      ),
    ];
    return Promise.all(
      files.map(async ([name, path, mode]) => {
        const st = await stat(path);
        return { name, source: { path }, mode, size: st.size, mtime: st.mtime, ino: st.ino } as TarEntry & {
          ino: number;
        };
      }),
    );
  }

  function keyOf(p: GatewayPlatform, inputs: TarEntry[]): string {
    const h = createHash('sha256').update(`${FORMAT}\0${p.id}\0`);
    for (const e of inputs as (TarEntry & { ino: number })[])
      h.update(`${e.name}\0${e.size}\0${e.mtime.getTime()}\0${e.ino}\0`);
    return h.digest('hex').slice(0, 20);
  }

  async function collectorVersion(p: GatewayPlatform): Promise<string | null> {
    const host = hostPlatform();
    if (p.os !== host.os || p.arch !== host.arch) return null;
    const r = await runChild(join(p.binDir, COLLECTOR_BINARY), ['--version'], {
      cwd: deps.cacheDir,
      timeoutMs: 15_000,
    });
    return r.code === 0 ? (/ version (\S+)/.exec(r.output)?.[1] ?? null) : null;
  }

  async function build(p: GatewayPlatform, inputs: TarEntry[], dir: string): Promise<GatewayBundle> {
    const started = Date.now();
    const tmp = join(deps.cacheDir, `.tmp-${p.id}-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    try {
      const tarName = bundleName(p.id, false);
      const gzName = bundleName(p.id, true);
      const tar = await writeTar(join(tmp, tarName), inputs);
      await pipeline(
        createReadStream(join(tmp, tarName)),
        createGzip({ level: 6 }),
        createWriteStream(join(tmp, gzName)),
      );
      const gzSize = (await stat(join(tmp, gzName))).size;
      const gzSha = await sha256File(join(tmp, gzName));
      const sums = `${tar.sha256}  ${tarName}\n${gzSha}  ${gzName}\n`;
      await writeFile(join(tmp, 'SHA256SUMS'), sums);
      const bundle: GatewayBundle = {
        platform: p.id,
        version: await collectorVersion(p),
        built_at: new Date().toISOString(),
        files: [
          { name: tarName, size: tar.size, sha256: tar.sha256, path: tarName, contentType: 'application/x-tar' },
          { name: gzName, size: gzSize, sha256: gzSha, path: gzName, contentType: 'application/gzip' },
          {
            name: 'SHA256SUMS',
            size: Buffer.byteLength(sums),
            sha256: createHash('sha256').update(sums).digest('hex'),
            path: 'SHA256SUMS',
            contentType: 'text/plain; charset=utf-8',
          },
        ],
        contents: tar.members,
      };
      await writeFile(join(tmp, 'bundle.json'), JSON.stringify(bundle, null, 2));
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
      deps.logger.info(
        { platform: p.id, bytes: tar.size, gzip_bytes: gzSize, ms: Date.now() - started },
        'gateway download bundle built',
      );
      return bundle;
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Deletes the bundles of older builds of this platform (and abandoned temporary directories). */
  async function prune(p: GatewayPlatform, keep: string): Promise<void> {
    for (const name of await readdir(deps.cacheDir).catch(() => [] as string[])) {
      const old = name.startsWith(`${p.id}-`) && name !== keep;
      if (old) await rm(join(deps.cacheDir, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async function load(p: GatewayPlatform): Promise<GatewayBundle> {
    const inputs = await inputsOf(p);
    const dirName = `${p.id}-${keyOf(p, inputs)}`;
    const dir = join(deps.cacheDir, dirName);
    const known = memo.get(p.id);
    if (known?.dirName === dirName) return known.bundle;
    let bundle: GatewayBundle;
    try {
      bundle = JSON.parse(await readFile(join(dir, 'bundle.json'), 'utf8')) as GatewayBundle;
    } catch {
      await mkdir(deps.cacheDir, { recursive: true });
      bundle = await build(p, inputs, dir);
      await prune(p, dirName);
    }
    bundle = { ...bundle, files: bundle.files.map((f) => ({ ...f, path: join(dir, f.name) })) };
    memo.set(p.id, { dirName, bundle });
    return bundle;
  }

  return {
    platforms: () => findPlatforms(deps.binDir),
    /** The platform's bundle, built on first use (concurrent callers share one build). */
    async bundle(p: GatewayPlatform): Promise<GatewayBundle> {
      const running = inflight.get(p.id);
      if (running) return running;
      const task = load(p).finally(() => inflight.delete(p.id));
      inflight.set(p.id, task);
      return task;
    },
  };
}

export type BundleCache = ReturnType<typeof createBundleCache>;
