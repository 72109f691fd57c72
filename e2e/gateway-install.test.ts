// Issue 10, "tried as a new user would": a gateway installed from the control plane's /install.sh on a
// host that has only sh, curl, tar and coreutils on PATH (no node, npm, git, go, bash, and not this
// repository), with the real binaries the control plane serves from its gateway build. It enrols under
// its name, a template deployed to it reaches APPLIED, OTLP sent to its port arrives in a sink, and it
// stops cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, eventually, type ServerProcess } from './lib/server.ts';
import { acquireGatewayLock, type GatewayLock } from './lib/gateway-lock.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import {
  createTemplate,
  deploy,
  deployment,
  eventuallyOr,
  gatewayDetail,
  gatewayPorts,
  gatewaySkip,
  ok,
  pgrepCollectors,
  pidsMatching,
  waitHealthy,
  type GatewayPorts,
  type Json,
} from './lib/gateway.ts';
import { hostBin } from './lib/install-host.ts';
import { logsPayload, metricsPayload, sendOtlp, startOtlpSink, type OtlpSink } from './lib/otlp.ts';

const skip = gatewaySkip;
const T0 = Date.now();
const note = (m: string) => process.stderr.write(`[gateway-install +${((Date.now() - T0) / 1000).toFixed(1)}s] ${m}\n`);
const NAME = 'e2e-installed';

let lock: GatewayLock | null = null;
let db: TestDatabase | null = null;
let server: ServerProcess;
let sink: OtlpSink;
let scratch = '';
let dir = '';
let bin = '';
let ports: GatewayPorts;
let installer: ChildProcess | null = null;
let output = '';
let installerExit: Promise<number | null> = Promise.resolve(null);
let gatewayId = '';

/** The tail of the installer's output (the gateway's log once it runs) and of the collector's log. */
function diagnostics(chars = 4000): string {
  let agentLog = '';
  try {
    agentLog = readFileSync(join(dir, 'state/agent.log'), 'utf8').slice(-chars);
  } catch {
    /* none yet */
  }
  return `--- installer / supervisor output ---\n${output.slice(-chars)}\n--- agent.log ---\n${agentLog}`;
}

/** Every process of the installed gateway (they all carry the install directory on their command line). */
const processes = () => (dir ? pidsMatching(dir) : []);

before(async () => {
  if (skip) return;
  db = await freshDatabase();
  // The control plane with its own gateway build (gateway/dist): that is what it serves for download.
  server = await startServer(db.env);
  sink = await startOtlpSink();
  scratch = mkdtempSync(join(tmpdir(), 'flowgate-e2e-install-'));
  dir = join(scratch, 'flowgate-gateway');
  bin = hostBin(join(scratch, 'bin'));
  ports = await gatewayPorts();
  lock = await acquireGatewayLock('gateway-install');
  if (lock.waitedMs > 1000) note(`waited ${(lock.waitedMs / 1000).toFixed(0)} s for the real-gateway lock`);
});

after(async () => {
  if (installer && processes().length > 0) {
    for (const pid of processes()) process.kill(pid, 'SIGKILL');
  }
  if (installer?.pid) {
    try {
      process.kill(-installer.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (scratch && processes().length === 0) rmSync(scratch, { recursive: true, force: true });
  await server?.stop();
  await sink?.close();
  await db?.drop().catch(() => undefined);
  lock?.release();
  if (!skip) note(`pgrep -af otelcol-flowgate after cleanup: ${pgrepCollectors() || '(none)'}`);
});

test(
  'curl -fsSL <server>/install.sh | sh, on a PATH of sh, curl, tar and coreutils only: ' +
    'the gateway is verified, installed, started and enrols under its name',
  { skip, timeout: 240_000 },
  async () => {
    const tools = readdirSync(bin);
    for (const absent of ['node', 'npm', 'npx', 'git', 'go', 'bash', 'jq', 'gzip'])
      assert.ok(!tools.includes(absent), `${absent} is not on the host's PATH`);
    const token = (
      await ok(
        server.api('POST', '/api/v1/registration-tokens', { name: 'e2e-install', expires_in_days: 1 }),
        'registration token',
      )
    ).token;
    const command =
      `curl -fsSL ${server.url}/install.sh | sh -s -- --registration-token ${token} --dir ${dir} --no-service ` +
      `--name ${NAME} --otlp-grpc-endpoint 127.0.0.1:${ports.grpc} ` +
      `--otlp-http-endpoint 127.0.0.1:${ports.http} --metrics-port ${ports.metrics}`;
    const t = Date.now();
    installer = spawn(join(bin, 'sh'), ['-c', command], {
      env: { PATH: bin, HOME: scratch },
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (d: Buffer) => {
      output += d.toString();
      if (output.length > 400_000) output = output.slice(-300_000);
    };
    installer.stdout!.on('data', keep);
    installer.stderr!.on('data', keep);
    const child = installer;
    installerExit = new Promise((r) => child.once('exit', (code) => r(code)));

    await eventuallyOr(async () => output.includes('starting in the foreground'), 180_000, diagnostics, 200);
    note(`installed in ${((Date.now() - t) / 1000).toFixed(1)} s (download of the plain tar, no gzip on PATH)`);
    assert.match(
      output,
      /flowgate-install: downloaded and verified flowgate-gateway-linux-\w+\.tar \(otelcol-flowgate /,
    );
    assert.match(output, new RegExp(`flowgate-install: registered as gateway "${NAME}" \\(([0-9a-f-]{36})\\)`));
    assert.doesNotMatch(output, /flowgate-install: error/);

    const listed = await eventuallyOr(
      async () => (await server.api('GET', `/api/v1/gateways?name=${NAME}`)).body.items?.[0],
      60_000,
      diagnostics,
    );
    gatewayId = listed.id;
    assert.equal(readFileSync(join(dir, 'state/gateway_id'), 'utf8').trim(), gatewayId);
    const d = await waitHealthy(server, gatewayId, 120_000, (x) => !!x.effective_config_yaml).catch((err) => {
      throw new Error(`${err.message}\n${diagnostics()}`);
    });
    assert.equal(d.name, NAME);
    assert.equal(d.connected, true);
    assert.equal(d.auth.method, 'gateway_token', 'registered by the script: an OpAMP token of its own');
    assert.equal(d.description.identifying['service.name'], 'otelcol-flowgate');
    assert.equal(d.description.non_identifying['flowgate.gateway.name'], NAME);
    assert.match(d.effective_config_yaml, new RegExp(`endpoint: 127\\.0\\.0\\.1:${ports.http}`), 'its OTLP port');
    note(`gateway ${gatewayId} connected and healthy ${((Date.now() - t) / 1000).toFixed(1)} s after the command`);
  },
);

test('a template deployed to it reaches APPLIED', { skip, timeout: 120_000 }, async () => {
  assert.ok(gatewayId, 'installed by the previous test');
  const yaml = `receivers:
  otlp:
    protocols:
      http: {}
processors:
  batch:
    timeout: 200ms
exporters:
  otlphttp/sink:
    endpoint: ${sink.url}
    encoding: json
    compression: none
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp/sink]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp/sink]
`;
  const tpl = await createTemplate(server, 'e2e-install', yaml);
  const dep = await deploy(server, {
    template_id: tpl.id,
    version: tpl.version,
    target: { gateway_ids: [gatewayId] },
    strategy: { type: 'all_at_once' },
  });
  const hash = dep.targets[0].config_hash;
  const done = await eventuallyOr(
    async () => {
      const x = await deployment(server, dep.id);
      return x.status === 'completed' ? x : null;
    },
    90_000,
    async () => `${JSON.stringify(await deployment(server, dep.id))}\n${diagnostics()}`,
  );
  assert.deepEqual(
    done.targets.map((x: Json) => x.status),
    ['applied'],
  );
  const d = await gatewayDetail(server, gatewayId);
  assert.equal(d.remote_config.status, 'APPLIED');
  assert.equal(d.remote_config.hash, hash);
  await eventuallyOr(
    async () => (await gatewayDetail(server, gatewayId)).effective_config_yaml?.includes('otlphttp/sink'),
    30_000,
    diagnostics,
  );
});

test('OTLP metrics and logs sent to its port arrive in the sink', { skip, timeout: 60_000 }, async () => {
  const metrics = metricsPayload('install-1');
  const logs = logsPayload('install-1');
  await sendOtlp(`127.0.0.1:${ports.http}`, 'metrics', metrics.body);
  await sendOtlp(`127.0.0.1:${ports.http}`, 'logs', logs.body);
  const mine = () => ({
    points: sink.points().filter((p) => p.attributes['e2e.batch'] === 'install-1'),
    logs: sink.logs().filter((l) => l.attributes['e2e.batch'] === 'install-1'),
  });
  await eventuallyOr(
    async () => mine().points.length >= metrics.total && mine().logs.length >= logs.total,
    30_000,
    () => `sink has ${JSON.stringify(mine()).slice(0, 1500)}\n${diagnostics()}`,
  );
  const byName: Record<string, number> = {};
  for (const p of mine().points) byName[p.name] = (byName[p.name] ?? 0) + 1;
  assert.deepEqual(byName, metrics.points, 'every point, once');
  assert.equal(mine().logs.length, logs.total);
  for (const p of mine().points) assert.equal(p.resource['service.name'], 'flowgate-e2e-app');
});

test(
  'SIGTERM stops it cleanly: supervisor and collector gone, the API shows it disconnected',
  { skip, timeout: 60_000 },
  async () => {
    const supervisors = processes().filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/opampsupervisor');
      } catch {
        return false;
      }
    });
    assert.equal(supervisors.length, 1, `one supervisor runs: ${processes().join(', ')}`);
    process.kill(supervisors[0]!, 'SIGTERM');
    const code = await installerExit;
    assert.equal(code, 0, `the installer's shell (now the supervisor) exits 0\n${diagnostics()}`);
    await eventually(async () => processes().length === 0, 15_000, 200);
    assert.match(readFileSync(join(dir, 'state/agent.log'), 'utf8'), /Shutdown complete/);
    await eventually(async () => (await gatewayDetail(server, gatewayId)).connected === false, 15_000, 300);
  },
);
