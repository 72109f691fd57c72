// The install script (GET /install.sh) on a host with only sh, curl, tar and coreutils, against a real
// `flowgate start` whose gateway build is made of stand-in binaries (scripts: the supervisor records how it
// was started and exits), and against a stub server where the real one cannot misbehave (a download
// altered in transit). Every failure must print ONE line and leave nothing installed; a success leaves a
// registered gateway, its config with final paths, and a systemd unit or a foreground start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  existsSync,
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
import { startServer, freePort, scratchDatabaseEnv, dropScratchDatabases, type ServerProcess } from './lib/server.ts';
import { hostBin, runShell, type ShellResult } from './lib/install-host.ts';

let server: ServerProcess;
let stub: Server;
let stubUrl = '';
let registrationToken = '';
const scratch = mkdtempSync(join(tmpdir(), 'flowgate-install-script-'));
const build = join(scratch, 'build');
const record = join(scratch, 'supervisor-started.txt');
let scriptFile = '';
let bin = '';
const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
const platform = `linux-${hostArch}`;

/** Stand-ins for the two binaries: the collector answers --version, the supervisor records its start. */
function fakeBuild(): void {
  mkdirSync(build, { recursive: true });
  writeFileSync(
    join(build, 'otelcol-flowgate'),
    '#!/bin/sh\n[ "$1" = --version ] && echo "otelcol-flowgate version 0.158.0-e2e"\nexit 0\n',
    { mode: 0o755 },
  );
  writeFileSync(
    join(build, 'opampsupervisor'),
    `#!/bin/sh\nprintf '%s\\n' "args: $*" "grpc: $FLOWGATE_OTLP_GRPC_ENDPOINT" "http: $FLOWGATE_OTLP_HTTP_ENDPOINT" ` +
      `"metrics: $FLOWGATE_COLLECTOR_METRICS_PORT" "storage: $STORAGE_DIR" > '${record}'\nexit 0\n`,
    { mode: 0o755 },
  );
}

before(async () => {
  fakeBuild();
  server = await startServer({ ...(await scratchDatabaseEnv()), FLOWGATE_GATEWAY_BIN_DIR: build });
  const created = await server.api('POST', '/api/v1/registration-tokens', { name: 'install-script' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  registrationToken = created.body.token;
  scriptFile = join(scratch, 'install.sh');
  writeFileSync(scriptFile, await (await fetch(`${server.url}/install.sh`)).text());
  bin = hostBin(join(scratch, 'bin'));

  // A download altered on its way: the real SHA256SUMS, the real bundle with one byte changed.
  stub = createServer(async (req, res) => {
    const upstream = await fetch(`${server.url}${req.url}`);
    const body = Buffer.from(await upstream.arrayBuffer());
    if (req.url!.endsWith('.tar') || req.url!.endsWith('.tar.gz')) body[body.length >> 1]! ^= 0xff;
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
});
after(async () => {
  stub?.close();
  await server?.stop();
  await dropScratchDatabases();
  rmSync(scratch, { recursive: true, force: true });
});

let runs = 0;
/** A fresh parent directory for --dir, so leftovers of this run (staging directories) can be seen. */
function target(): { parent: string; dir: string } {
  const parent = join(scratch, `host-${++runs}`);
  mkdirSync(parent);
  return { parent, dir: join(parent, 'flowgate-gateway') };
}

function install(args: string, opts: { path?: string; env?: Record<string, string>; piped?: boolean } = {}) {
  const command = opts.piped ? `curl -fsSL ${server.url}/install.sh | sh -s -- ${args}` : `sh ${scriptFile} ${args}`;
  return runShell(command, { PATH: opts.path ?? bin, HOME: scratch, ...opts.env });
}

/** Exit 1, exactly one line on stderr, and the message matches. */
function assertOneLine(r: ShellResult, message: RegExp): void {
  assert.equal(r.code, 1, `exit status (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^flowgate-install: error: /);
  assert.match(lines[0]!, message);
}

function assertNothingLeft(parent: string): void {
  assert.deepEqual(readdirSync(parent), [], `nothing installed, no staging directory left in ${parent}`);
}

async function gatewayNames(): Promise<string[]> {
  return (await server.api('GET', '/api/v1/gateways')).body.items.map((g: { name: string }) => g.name);
}

test('no registration token: one line, nothing installed', async () => {
  const { parent, dir } = target();
  const r = await install(`--dir ${dir} --no-service`, { piped: true });
  assertOneLine(r, /no registration token: pass --registration-token/);
  assertNothingLeft(parent);
});

test('bad flags are refused before anything is downloaded', async () => {
  const { parent, dir } = target();
  const cases: [string, RegExp][] = [
    [`--dir relative/path`, /--dir must be an absolute path/],
    [`--dir ${dir} --metrics-port 99999`, /--metrics-port must be between 1 and 65535/],
    [`--dir ${dir} --otlp-grpc-endpoint nohost`, /listen endpoints are HOST:PORT/],
    [`--dir ${dir} --name 'a;b'`, /--name may hold letters/],
    [`--dir ${dir} --bogus`, /unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    assertOneLine(await install(`--registration-token ${registrationToken} --no-service ${args}`), message);
  }
  assertNothingLeft(parent);
});

test('server unreachable: one line naming the server, nothing installed', async () => {
  const { parent, dir } = target();
  const closed = `http://127.0.0.1:${await freePort()}`;
  const r = await install(`--registration-token ${registrationToken} --dir ${dir} --no-service --server ${closed}`);
  assertOneLine(r, new RegExp(`cannot reach the Flowgate server at ${closed}: .*(connect|Connection refused)`, 'i'));
  assertNothingLeft(parent);
});

test('unsupported architecture or OS (a uname that says so earlier in PATH): one line', async () => {
  for (const [fake, message] of [
    ['[ "$1" = -m ] && echo riscv64 || echo Linux', /unsupported architecture 'riscv64'/],
    ['[ "$1" = -m ] && echo x86_64 || echo Darwin', /unsupported operating system 'Darwin'/],
  ] as const) {
    const { parent, dir } = target();
    const path = hostBin(join(scratch, `bin-uname-${runs}`), { fakes: { uname: fake } });
    const r = await install(`--registration-token ${registrationToken} --dir ${dir} --no-service`, { path });
    assertOneLine(r, message);
    assertNothingLeft(parent);
  }
});

test('a download altered in transit: checksum mismatch, one line, nothing installed', async () => {
  const { parent, dir } = target();
  const r = await install(`--registration-token ${registrationToken} --dir ${dir} --no-service --server ${stubUrl}`);
  assertOneLine(r, /checksum mismatch for flowgate-gateway-linux-\w+\.tar \(expected [0-9a-f]{64}, got [0-9a-f]{64}\)/);
  assertNothingLeft(parent);
});

test("no gateway build on the server: the server's message, one line, nothing installed", async () => {
  const { parent, dir } = target();
  renameSync(join(build, 'opampsupervisor'), join(scratch, 'opampsupervisor.away'));
  try {
    const r = await install(`--registration-token ${registrationToken} --dir ${dir} --no-service`);
    assertOneLine(
      r,
      /no gateway build to download: its operator runs `npm run gateway:build`.*\[GATEWAY_BUILD_UNAVAILABLE\]/,
    );
    assertNothingLeft(parent);
  } finally {
    renameSync(join(scratch, 'opampsupervisor.away'), join(build, 'opampsupervisor'));
  }
});

test('a refused registration token: one line with the reason, nothing installed, no gateway', async () => {
  const { parent, dir } = target();
  const before = await gatewayNames();
  const r = await install(`--registration-token fgr_not-a-real-token --dir ${dir} --no-service --name refused`);
  assertOneLine(r, /registration rejected with HTTP 401: .*\(INVALID_REGISTRATION_TOKEN\)/);
  assertNothingLeft(parent);
  assert.deepEqual(await gatewayNames(), before);
});

test('--no-service: verified, registered, configured with final paths, started in the foreground', async () => {
  const { parent, dir } = target();
  rmSync(record, { force: true });
  const r = await install(
    `--registration-token ${registrationToken} --dir ${dir} --no-service --name 'edge one' ` +
      '--otlp-grpc-endpoint 127.0.0.1:24317 --otlp-http-endpoint=127.0.0.1:24318 --metrics-port 28888',
    { piped: true },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(
    r.stderr,
    /flowgate-install: /,
    'no complaint from the installer (stderr is the gateway log now)',
  );
  assert.match(r.stderr, /\[flowgate-onboard\] starting .*\/opampsupervisor\n/);
  assert.match(
    r.stdout,
    new RegExp(`downloaded and verified flowgate-gateway-${platform}\\.tar \\(otelcol-flowgate 0\\.158\\.0-e2e\\)`),
    'no gzip on this host: the plain tar',
  );
  assert.match(r.stdout, /registered as gateway "edge one" \([0-9a-f-]{36}\)/);
  assert.deepEqual(readdirSync(parent), ['flowgate-gateway'], 'no staging directory left');
  assert.deepEqual(readdirSync(dir).sort(), [
    'collector-base.yaml',
    'collector-shim.sh',
    'gateway.env',
    'onboard.sh',
    'opampsupervisor',
    'otelcol-flowgate',
    'run.sh',
    'state',
    'supervisor.yaml.tmpl',
  ]);
  const config = readFileSync(join(dir, 'state/supervisor.yaml'), 'utf8');
  assert.match(config, new RegExp(`endpoint: ws://127\\.0\\.0\\.1:${server.port}/v1/opamp`));
  assert.match(config, new RegExp(`executable: ${dir}/collector-shim\\.sh\\n`));
  assert.match(config, new RegExp(`FLOWGATE_COLLECTOR_BIN: ${dir}/otelcol-flowgate\\n`));
  assert.match(config, new RegExp(`directory: ${dir}/state\\n`));
  assert.match(config, /flowgate\.gateway\.name: "edge one"/);
  assert.doesNotMatch(config, /\.install\./, 'no staging path left in the config');
  assert.equal(statSync(join(dir, 'state/opamp_token')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'gateway.env')).mode & 0o777, 0o600);
  assert.ok(!readFileSync(join(dir, 'gateway.env'), 'utf8').includes(registrationToken), 'the token is not kept');
  assert.deepEqual(readFileSync(record, 'utf8').trim().split('\n'), [
    `args: --config ${dir}/state/supervisor.yaml`,
    'grpc: 127.0.0.1:24317',
    'http: 127.0.0.1:24318',
    'metrics: 28888',
    `storage: ${dir}/state`,
  ]);
  assert.ok((await gatewayNames()).includes('edge one'));
});

test('an existing install: refused without --force; --force replaces the files and keeps the identity', async () => {
  const { dir } = target();
  const first = await install(`--registration-token ${registrationToken} --dir ${dir} --no-service --name keep-me`);
  assert.equal(first.code, 0, first.stderr);
  const gatewayId = readFileSync(join(dir, 'state/gateway_id'), 'utf8').trim();
  const again = await install(`--registration-token ${registrationToken} --dir ${dir} --no-service --name keep-me`);
  assertOneLine(again, new RegExp(`a gateway \\(${gatewayId}\\) is already installed in ${dir}: pass --force`));
  writeFileSync(join(dir, 'otelcol-flowgate'), 'stale');
  const path = hostBin(join(scratch, 'bin-gzip'), { extra: ['gzip'] });
  const forced = await install(
    `--registration-token ${registrationToken} --dir ${dir} --no-service --name keep-me --force`,
    { path },
  );
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(
    forced.stdout,
    /verified flowgate-gateway-linux-\w+\.tar\.gz /,
    'gzip on the host: the smaller download',
  );
  assert.equal(readFileSync(join(dir, 'state/gateway_id'), 'utf8').trim(), gatewayId, 'same gateway');
  assert.ok(readFileSync(join(dir, 'otelcol-flowgate')).equals(readFileSync(join(build, 'otelcol-flowgate'))));
  assert.equal((await gatewayNames()).filter((n) => n === 'keep-me').length, 1, 'not registered twice');
});

// systemd cannot run here: a `cat` that reports systemd as PID 1 and a `systemctl` that records its calls.
const systemdFakes = (log: string, failOn = '') => ({
  cat: `[ "$1" = /proc/1/comm ] && echo systemd && exit 0\nexec /bin/cat "$@"`,
  systemctl: `echo "$*" >> '${log}'\n[ -n '${failOn}' ] && [ "$1" = '${failOn}' ] && echo "Job for unit failed." >&2 && exit 1\nexit 0`,
});

test('with systemd: the unit is written last, enabled and started (as root); without root: one line', async () => {
  const { parent, dir } = target();
  const unitDir = join(scratch, `units-${runs}`);
  const log = join(scratch, `systemctl-${runs}.log`);
  const path = hostBin(join(scratch, `bin-systemd-${runs}`), { fakes: systemdFakes(log) });
  const r = await install(`--registration-token ${registrationToken} --dir ${dir} --name svc-1`, {
    path,
    env: { SYSTEMD_UNIT_DIR: unitDir },
  });
  if (process.getuid?.() !== 0) {
    assertOneLine(r, /installing a systemd service needs root/);
    assertNothingLeft(parent);
    return;
  }
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /started: systemd unit flowgate-gateway\.service \(enabled at boot\); logs: journalctl -u flowgate-gateway\.service -f/,
  );
  const unit = readFileSync(join(unitDir, 'flowgate-gateway.service'), 'utf8');
  assert.match(unit, new RegExp(`^ExecStart=${dir}/run\\.sh$`, 'm'));
  assert.match(unit, /^KillMode=mixed$/m);
  assert.match(unit, /^Restart=always$/m);
  assert.match(unit, /^WantedBy=multi-user\.target$/m);
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
    'daemon-reload',
    'enable flowgate-gateway.service',
    'restart flowgate-gateway.service',
  ]);
  assert.ok(
    !existsSync(record) || !readFileSync(record, 'utf8').includes(`${dir}/state`),
    'not started by the script itself',
  );
});

test('systemd not running (PID 1 is something else): one line that points to --no-service', async () => {
  const { parent, dir } = target();
  const path = hostBin(join(scratch, `bin-nosystemd-${runs}`), {
    fakes: { cat: `[ "$1" = /proc/1/comm ] && echo tini && exit 0\nexec /bin/cat "$@"` },
  });
  const r = await install(`--registration-token ${registrationToken} --dir ${dir}`, { path });
  assertOneLine(r, /systemd is not running on this host \(PID 1 is 'tini'\): re-run with --no-service/);
  assertNothingLeft(parent);
});

test(
  'systemd cannot start the unit: one line, unit and files removed',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  async () => {
    const { parent, dir } = target();
    const unitDir = join(scratch, `units-${runs}`);
    mkdirSync(unitDir);
    const log = join(scratch, `systemctl-${runs}.log`);
    const path = hostBin(join(scratch, `bin-systemd-fail-${runs}`), { fakes: systemdFakes(log, 'restart') });
    const r = await install(`--registration-token ${registrationToken} --dir ${dir} --name svc-fail`, {
      path,
      env: { SYSTEMD_UNIT_DIR: unitDir },
    });
    assertOneLine(
      r,
      /systemctl restart flowgate-gateway\.service failed: Job for unit failed\.; nothing was left installed/,
    );
    assertNothingLeft(parent);
    assert.deepEqual(readdirSync(unitDir), [], 'the unit file is removed');
    assert.match(readFileSync(log, 'utf8'), /disable --now flowgate-gateway\.service/);
  },
);
