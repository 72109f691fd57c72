// /install.sh, /downloads/gateway/… and /api/v1/gateway-install against a gateway build made of small
// stand-in binaries (shell scripts and hand-made ELF headers): what is served, that the sums and sizes
// are those of the bytes served, that the tar unpacks to the same files, HEAD/ETag, and the errors for a
// missing platform or build. The script itself runs in e2e/install-script.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { gatewaySourceDir } from '../../platform/gateway-dir.ts';
import { elfPlatform } from './gateway-bundles.ts';

let fg: TestFlowgate;
let binDir: string;
let dataDir: string;
const scratch = mkdtempSync(join(tmpdir(), 'flowgate-install-routes-'));

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

/** An executable stand-in for a gateway binary: a script answering --version, padded to `size` bytes. */
function fakeBinary(path: string, label: string, size = 300_000): void {
  const script = `#!/bin/sh\n[ "$1" = --version ] && echo "${label} version 0.158.0-test" && exit 0\nexit 0\n`;
  writeFileSync(path, Buffer.concat([Buffer.from(script), Buffer.alloc(size - script.length, 0x23)]), { mode: 0o755 });
}

/** The first bytes of a 64-bit little-endian Linux ELF executable for `machine`. */
function fakeElf(path: string, machine: number): void {
  const h = Buffer.alloc(4096, 0);
  h.writeUInt32BE(0x7f454c46, 0);
  h[4] = 2; // 64-bit
  h[5] = 1; // little-endian
  h[6] = 1;
  h.writeUInt16LE(2, 16); // ET_EXEC
  h.writeUInt16LE(machine, 18);
  writeFileSync(path, h, { mode: 0o755 });
}

before(async () => {
  binDir = join(scratch, 'dist');
  mkdirSync(binDir);
  fakeBinary(join(binDir, 'otelcol-flowgate'), 'otelcol-flowgate');
  fakeBinary(join(binDir, 'opampsupervisor'), 'opampsupervisor', 120_000);
  dataDir = join(scratch, 'data');
  fg = await startTestFlowgate({ FLOWGATE_GATEWAY_BIN_DIR: binDir, FLOWGATE_DATA_DIR: dataDir });
});
after(async () => {
  await fg?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  fg.app.inject({ method: 'GET', url, headers: { host: 'flowgate.test:8123', ...headers } });

const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
const hostPlatform = `${process.platform}-${hostArch}`;

test('GET /install.sh serves the POSIX sh installer with the URL the host reached the server at', async () => {
  const res = await get('/install.sh');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  assert.match(res.body, /^#!\/bin\/sh\n/);
  assert.match(res.body, /^FLOWGATE_SERVER='http:\/\/flowgate\.test:8123'$/m);
  assert.equal(res.body.match(/@FLOWGATE_SERVER_URL@/g), null, 'no placeholder left');
  const file = join(scratch, 'install.sh');
  writeFileSync(file, res.body);
  execFileSync('dash', ['-n', file]); // parses as POSIX sh (dash): throws otherwise

  const https = await get('/install.sh', { 'x-forwarded-proto': 'https', host: 'gw.example.com' });
  assert.match(https.body, /^FLOWGATE_SERVER='https:\/\/gw\.example\.com'$/m, 'behind a TLS proxy');

  const evil = await get('/install.sh', { host: "x';rm -rf /;'" });
  assert.equal(evil.statusCode, 400, 'a Host header that is no plain host never reaches the script');
  assert.equal(evil.json().error.code, 'INVALID_PUBLIC_URL');
});

test('the downloads index lists the platform of the build with files, sizes and sha256 of the bytes served', async () => {
  const res = await get('/downloads/gateway/');
  assert.equal(res.statusCode, 200, res.body);
  const index = res.json();
  assert.equal(index.install_script_url, 'http://flowgate.test:8123/install.sh');
  assert.deepEqual(
    index.platforms.map((p: { id: string }) => p.id),
    [hostPlatform],
    'stand-in scripts are not ELF: taken to be for this host',
  );
  const platform = index.platforms[0];
  assert.equal(platform.version, '0.158.0-test', "from the collector's --version");
  assert.deepEqual(
    platform.files.map((f: { name: string }) => f.name),
    [`flowgate-gateway-${hostPlatform}.tar`, `flowgate-gateway-${hostPlatform}.tar.gz`, 'SHA256SUMS'],
  );
  for (const f of platform.files) {
    assert.equal(f.url, `http://flowgate.test:8123/downloads/gateway/${hostPlatform}/${f.name}`);
    const file = await get(new URL(f.url).pathname);
    assert.equal(file.statusCode, 200, f.name);
    assert.equal(file.rawPayload.length, f.size, `${f.name}: size`);
    assert.equal(Number(file.headers['content-length']), f.size);
    assert.equal(sha256(file.rawPayload), f.sha256, `${f.name}: sha256`);
    assert.equal(file.headers.etag, `"${f.sha256}"`);
  }
  const sums = (await get(`/downloads/gateway/${hostPlatform}/SHA256SUMS`)).body;
  assert.equal(
    sums,
    platform.files
      .filter((f: { name: string }) => f.name !== 'SHA256SUMS')
      .map((f: { name: string; sha256: string }) => `${f.sha256}  ${f.name}\n`)
      .join(''),
    'sha256sum -c format',
  );
  assert.equal((await get('/downloads/gateway')).statusCode, 200, 'without the trailing slash too');
});

test('the tar unpacks with the system tar (plain and gzip) into the binaries and the onboarding files', async () => {
  for (const gz of [false, true]) {
    const name = `flowgate-gateway-${hostPlatform}.tar${gz ? '.gz' : ''}`;
    const res = await get(`/downloads/gateway/${hostPlatform}/${name}`);
    const archive = join(scratch, name);
    writeFileSync(archive, res.rawPayload);
    const out = join(scratch, `unpacked-${gz}`);
    mkdirSync(out);
    execFileSync('tar', [gz ? '-xzf' : '-xf', archive, '-C', out]);
    const expected: Record<string, [string, number]> = {
      'otelcol-flowgate': [join(binDir, 'otelcol-flowgate'), 0o755],
      opampsupervisor: [join(binDir, 'opampsupervisor'), 0o755],
      'collector-shim.sh': [join(gatewaySourceDir, 'collector-shim.sh'), 0o755],
      'onboard.sh': [join(gatewaySourceDir, 'onboard.sh'), 0o755],
      'supervisor.yaml.tmpl': [join(gatewaySourceDir, 'supervisor.yaml.tmpl'), 0o644],
      'collector-base.yaml': [join(gatewaySourceDir, 'collector-base.yaml'), 0o644],
    };
    assert.deepEqual(readdirSync(out).sort(), Object.keys(expected).sort());
    for (const [file, [source, mode]] of Object.entries(expected)) {
      assert.ok(readFileSync(join(out, file)).equals(readFileSync(source)), `${file} is the same bytes`);
      assert.equal(statSync(join(out, file)).mode & 0o777, mode, `${file} mode`);
    }
  }
});

test('HEAD gives the size without the body; If-None-Match with the ETag answers 304', async () => {
  const name = `flowgate-gateway-${hostPlatform}.tar`;
  const full = await get(`/downloads/gateway/${hostPlatform}/${name}`);
  const head = await fg.app.inject({ method: 'HEAD', url: `/downloads/gateway/${hostPlatform}/${name}` });
  assert.equal(head.statusCode, 200);
  assert.equal(Number(head.headers['content-length']), full.rawPayload.length);
  assert.equal(head.rawPayload.length, 0);
  assert.equal(head.headers.etag, full.headers.etag);
  const again = await get(`/downloads/gateway/${hostPlatform}/${name}`, { 'if-none-match': String(full.headers.etag) });
  assert.equal(again.statusCode, 304);
  assert.equal(again.rawPayload.length, 0);
});

test('another platform, an unknown file or a path trick: 404 with a stable code and what there is', async () => {
  const other = hostPlatform === 'linux-arm64' ? 'linux-amd64' : 'linux-arm64';
  const res = await get(`/downloads/gateway/${other}/SHA256SUMS`);
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'GATEWAY_PLATFORM_UNAVAILABLE');
  assert.deepEqual(res.json().error.details, { platform: other, available: [hostPlatform] });
  assert.match(res.json().error.message, new RegExp(`no gateway build for ${other} \\(it has: ${hostPlatform}\\)`));
  for (const file of ['otelcol-flowgate', '..%2F..%2Fsecret', 'bundle.json']) {
    const r = await get(`/downloads/gateway/${hostPlatform}/${file}`);
    assert.equal(r.statusCode, 404, file);
    assert.equal(r.json().error.code, 'NOT_FOUND', file);
  }
});

test('a rebuilt gateway gets a new bundle (new sums) and the old one is deleted', async () => {
  const before = (await get('/downloads/gateway/')).json().platforms[0];
  const cache = join(dataDir, 'cache', 'gateway-downloads');
  assert.equal(readdirSync(cache).length, 1);
  fakeBinary(join(binDir, 'otelcol-flowgate'), 'otelcol-flowgate', 310_000);
  const after = (await get('/downloads/gateway/')).json().platforms[0];
  assert.notEqual(after.files[0].sha256, before.files[0].sha256);
  assert.equal(after.contents.find((c: { name: string }) => c.name === 'otelcol-flowgate').size, 310_000);
  assert.equal(readdirSync(cache).length, 1, 'only the current bundle is kept');
});

test('binaries are classified by their ELF header; <os>-<arch>/ subdirectories add platforms', async () => {
  const elf = join(scratch, 'elf');
  fakeElf(elf, 0xb7);
  assert.deepEqual(await elfPlatform(elf), { os: 'linux', arch: 'arm64' });
  fakeElf(elf, 0x3e);
  assert.deepEqual(await elfPlatform(elf), { os: 'linux', arch: 'amd64' });
  assert.equal(await elfPlatform(join(binDir, 'otelcol-flowgate')), null);

  const arm = join(binDir, 'linux-arm64');
  mkdirSync(arm);
  fakeElf(join(arm, 'otelcol-flowgate'), 0xb7);
  fakeElf(join(arm, 'opampsupervisor'), 0xb7);
  try {
    const index = (await get('/downloads/gateway/')).json();
    const ids = index.platforms.map((p: { id: string }) => p.id).sort();
    assert.deepEqual(ids, [...new Set([hostPlatform, 'linux-arm64'])].sort());
    const armEntry = index.platforms.find((p: { id: string }) => p.id === 'linux-arm64');
    assert.equal(armEntry.version, null, 'a binary for another architecture is not run');
    assert.equal((await get('/downloads/gateway/linux-arm64/SHA256SUMS')).statusCode, 200);
  } finally {
    rmSync(arm, { recursive: true, force: true });
  }
});

test('GET /api/v1/gateway-install: the command for the UI (signed-in users), and when there is no build', async () => {
  const anonymous = await get('/api/v1/gateway-install');
  assert.equal(anonymous.statusCode, 401);
  const info = await api(fg, fg.adminToken).call('GET', '/api/v1/gateway-install', undefined, {
    host: 'flowgate.test:8123',
  });
  assert.equal(info.status, 200, JSON.stringify(info.body));
  assert.deepEqual(info.body, {
    server_url: 'http://flowgate.test:8123',
    install_script_url: 'http://flowgate.test:8123/install.sh',
    command: 'curl -fsSL http://flowgate.test:8123/install.sh | sh -s -- --registration-token <registration token>',
    platforms: [{ id: hostPlatform, os: process.platform, arch: hostArch }],
    downloads_url: 'http://flowgate.test:8123/downloads/gateway/',
    build_available: true,
    message: null,
  });

  // The build goes away (the operator cleans gateway/dist): said everywhere, with one code.
  renameSync(join(binDir, 'opampsupervisor'), join(scratch, 'opampsupervisor.away'));
  try {
    const none = await api(fg, fg.adminToken).get('/api/v1/gateway-install');
    assert.equal(none.body.build_available, false);
    assert.match(none.body.message, /no gateway build/);
    assert.deepEqual((await get('/downloads/gateway/')).json().platforms, []);
    const file = await get(`/downloads/gateway/${hostPlatform}/SHA256SUMS`);
    assert.equal(file.statusCode, 404);
    assert.equal(file.json().error.code, 'GATEWAY_BUILD_UNAVAILABLE');
    assert.match(file.json().error.message, /npm run gateway:build/);
  } finally {
    renameSync(join(scratch, 'opampsupervisor.away'), join(binDir, 'opampsupervisor'));
  }
});
