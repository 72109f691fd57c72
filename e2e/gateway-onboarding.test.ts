// Issue 4, with the real binaries (gateway/dist): a gateway onboarded by gateway/onboard.sh (seed flow)
// and one enrolled zero-touch (registration token as the supervisor's bearer token) appear with their
// identity, components, health and effective config; a deployed template reaches APPLIED and shows in
// their effective configs; the restart command restarts the collector; a control-plane restart and a
// supervisor restart end with the same gateway records connected and healthy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from './lib/server.ts';
import { acquireGatewayLock, type GatewayLock } from './lib/gateway-lock.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import {
  COLLECTOR_BIN,
  RealGateway,
  configEvents,
  createTemplate,
  deploy,
  deployment,
  eventuallyOr,
  gatewayDetail,
  gatewaySkip,
  ok,
  pgrepCollectors,
  waitHealthy,
  type Json,
} from './lib/gateway.ts';

const skip = gatewaySkip;
const T0 = Date.now();
const note = (m: string) =>
  process.stderr.write(`[gateway-onboarding +${((Date.now() - T0) / 1000).toFixed(1)}s] ${m}\n`);

let lock: GatewayLock | null = null;
let db: TestDatabase | null = null;
let server: ServerProcess;
const gateways: RealGateway[] = [];
let scripted: RealGateway;
let zeroTouch: RealGateway;
let scriptedId = '';
let zeroTouchId = '';
let registrationToken = '';
let collectorVersion = '';

before(async () => {
  if (skip) return;
  db = await freshDatabase();
  server = await startServer(db.env);
  collectorVersion = /version (\S+)/.exec(execFileSync(COLLECTOR_BIN, ['--version'], { encoding: 'utf8' }))?.[1] ?? '';
  registrationToken = (
    await ok(
      server.api('POST', '/api/v1/registration-tokens', { name: 'e2e-onboarding', expires_in_days: 1 }),
      'registration token',
    )
  ).token;
  note(`control plane on ${server.url}`);
  // The control plane starts while another file may still run its gateways; ours wait for the lock.
  lock = await acquireGatewayLock('gateway-onboarding');
  if (lock.waitedMs > 1000) note(`waited ${(lock.waitedMs / 1000).toFixed(0)} s for the real-gateway lock`);
});

after(async () => {
  for (const gw of gateways) {
    const code = await gw.stop().catch(() => null);
    note(`stopped ${gw.name} (exit ${code})`);
  }
  const left = gateways.flatMap((gw) => gw.processes());
  for (const gw of gateways) gw.removeStorage();
  await server?.stop();
  await db?.drop().catch(() => undefined);
  lock?.release();
  if (!skip) {
    const all = pgrepCollectors();
    note(`pgrep -af otelcol-flowgate after cleanup: ${all ? `\n${all}` : '(none)'}`);
    assert.deepEqual(left, [], 'no supervisor or collector of this file is left running');
  }
});

function assertIdentity(d: Json, gw: RealGateway) {
  assert.equal(
    d.description.identifying['service.name'],
    'otelcol-flowgate',
    'service name from the agent description',
  );
  assert.equal(
    d.description.identifying['service.version'],
    collectorVersion,
    "service version = the collector binary's version",
  );
  assert.equal(d.version, collectorVersion);
  assert.equal(
    d.description.identifying['service.instance.id'],
    gw.instanceUid(),
    "identified by the supervisor's persisted instance_uid",
  );
  assert.equal(d.description.non_identifying['host.name'], hostname(), 'host name');
  assert.equal(d.hostname, hostname());
  assert.equal(d.mode, 'supervisor');
  for (const cap of [
    'AcceptsRemoteConfig',
    'ReportsRemoteConfig',
    'ReportsEffectiveConfig',
    'ReportsHealth',
    'ReportsOwnMetrics',
    'AcceptsRestartCommand',
    'ReportsAvailableComponents',
  ]) {
    assert.ok(d.capabilities.includes(cap), `capability ${cap} in ${d.capabilities}`);
  }
  // The first message carries only the components' hash; the map comes after ReportAvailableComponents.
  const ac = d.available_components;
  assert.ok(
    ac &&
      Object.keys(ac.receivers ?? {}).length > 0 &&
      Object.keys(ac.processors ?? {}).length > 0 &&
      Object.keys(ac.exporters ?? {}).length > 0,
    `available components: ${JSON.stringify(ac)?.slice(0, 300)}`,
  );
  for (const [kind, type] of [
    ['receivers', 'otlp'],
    ['processors', 'filter'],
    ['processors', 'attributes'],
    ['exporters', 'debug'],
    ['extensions', 'opamp'],
  ]) {
    assert.ok(ac[kind!]?.[type!], `${kind}.${type} among the available components`);
  }
  assert.equal(d.health.status, 'healthy');
  assert.equal(d.component_health.healthy, true);
  assert.equal(d.component_health.status, 'StatusOK');
  assert.match(d.effective_config_yaml, /opamp/, 'the effective config (with the supervisor-injected opamp extension)');
  assert.match(d.effective_config_yaml, /v1\/metrics/, 'with the own-metrics reader the control plane offered');
  assert.ok(
    !/fgt_/.test(d.effective_config_yaml),
    'the own-metrics bearer token is masked in the effective config shown back',
  );
}

test(
  'a gateway onboarded by gateway/onboard.sh (registration → OpAMP token) ' +
    'shows service, version, host, components, health and effective config',
  { skip, timeout: 120_000 },
  async () => {
    const t = Date.now();
    scripted = await RealGateway.create('e2e-onboard-script', () => server, { via: 'script', registrationToken });
    gateways.push(scripted);
    scripted.start();
    const listed = await eventuallyOr(
      async () => {
        const r = await server.api('GET', '/api/v1/gateways?name=e2e-onboard-script');
        return r.body.items?.[0];
      },
      60_000,
      () => scripted.diagnostics(),
    );
    scriptedId = listed.id;
    // The script kept the OpAMP token and the gateway id from the registration response.
    assert.ok(existsSync(join(scripted.storageDir, 'opamp_token')), 'OpAMP token stored');
    assert.equal(readFileSync(join(scripted.storageDir, 'gateway_id'), 'utf8').trim(), scriptedId);
    assert.match(
      readFileSync(join(scripted.storageDir, 'supervisor.yaml'), 'utf8'),
      /Bearer eyJ/,
      'the supervisor authenticates with the OpAMP token (a JWT), not the registration token',
    );
    const d = await waitHealthy(
      server,
      scriptedId,
      90_000,
      (x) => !!x.available_components && !!x.effective_config_yaml && !!x.description?.identifying?.['service.name'],
    ).catch((err) => {
      throw new Error(`${err.message}\n${scripted.diagnostics()}`);
    });
    assertIdentity(d, scripted);
    assert.equal(d.name, 'e2e-onboard-script', 'the name given at registration');
    assert.equal(d.instance_id, 'e2e-onboard-script', 'INSTANCE_ID from the script');
    assert.match(
      d.effective_config_yaml,
      new RegExp(`endpoint: 127\\.0\\.0\\.1:${scripted.ports.http}`),
      "the base config (collector-base.yaml) with this gateway's OTLP port",
    );
    assert.equal(d.connection.transport, 'websocket');
    note(`script-onboarded gateway healthy after ${((Date.now() - t) / 1000).toFixed(1)} s`);
  },
);

test(
  'a gateway enrolled zero-touch (registration token in the supervisor ' +
    'config from GET /api/v1/supervisor/config) shows the same',
  { skip, timeout: 120_000 },
  async () => {
    const t = Date.now();
    const tokens = await ok(server.api('GET', '/api/v1/registration-tokens'), 'registration tokens');
    const tokenId = tokens.items.find((x: Json) => x.name === 'e2e-onboarding').id;
    const cfg = await ok(
      server.api('GET', `/api/v1/supervisor/config?registration_token_id=${tokenId}&name=e2e-zero-touch`),
      'supervisor config',
    );
    assert.match(
      cfg.supervisor_yaml,
      /Authorization: \["Bearer \$\{FLOWGATE_TOKEN\}"\]/,
      'the token stays a placeholder',
    );
    assert.ok(!cfg.supervisor_yaml.includes(registrationToken), 'the server does not have the plaintext token');
    // Adapted the way its comments tell a user to: storage directory and collector path.
    const adapt = (storageDir: string) =>
      cfg.supervisor_yaml
        .replace(/^(\s+)directory: .*$/m, `$1directory: ${storageDir}`)
        .replace(/^(\s+)executable: .*$/m, `$1executable: ${COLLECTOR_BIN}`);
    assert.match(adapt('/x/y'), /^ {2}directory: \/x\/y$/m);
    zeroTouch = await RealGateway.create('e2e-zero-touch', () => server, {
      via: 'zero-touch',
      registrationToken,
      supervisorYaml: adapt,
    });
    gateways.push(zeroTouch);
    zeroTouch.start();
    const listed = await eventuallyOr(
      async () => {
        const r = await server.api('GET', '/api/v1/gateways');
        return r.body.items.find((g: Json) => g.id !== scriptedId);
      },
      60_000,
      () => zeroTouch.diagnostics(),
    );
    zeroTouchId = listed.id;
    const d = await waitHealthy(
      server,
      zeroTouchId,
      90_000,
      (x) => !!x.available_components && !!x.effective_config_yaml && !!x.description?.identifying?.['service.name'],
    ).catch((err) => {
      throw new Error(`${err.message}\n${zeroTouch.diagnostics()}`);
    });
    assertIdentity(d, zeroTouch);
    assert.equal(
      d.instance_id,
      zeroTouch.instanceUid(),
      "enrolled over OpAMP: instance_id is the agent's instance_uid",
    );
    assert.equal(d.description.non_identifying['flowgate.gateway.name'], 'e2e-zero-touch');
    assert.equal(
      d.name,
      'e2e-zero-touch',
      'named as asked in GET /api/v1/supervisor/config?name= (not ' +
        'after the host, which it shares with the other gateway)',
    );
    note(`zero-touch gateway "${d.name}" healthy after ${((Date.now() - t) / 1000).toFixed(1)} s`);
  },
);

let deployedHash = '';
test(
  'a template deployed by the control plane reaches APPLIED on both and appears in their effective configs',
  { skip, timeout: 120_000 },
  async () => {
    const t = Date.now();
    // Listens on a port of the kernel's choosing (:0), so the same template suits both gateways on one
    // host (the zero-touch one has no base config). The nop receiver did this until v0.149; the module
    // proxy does not serve it at v0.158.0.
    const yaml = `receivers:
  otlp/e2e-onboarding:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
processors:
  attributes/e2e-onboarding:
    actions:
      - key: flowgate.e2e.marker
        value: onboarding-v1
        action: upsert
exporters:
  nop: {}
service:
  pipelines:
    traces/e2e-onboarding:
      receivers: [otlp/e2e-onboarding]
      processors: [attributes/e2e-onboarding]
      exporters: [nop]
`;
    const tpl = await createTemplate(server, 'e2e-onboarding', yaml);
    const dep = await deploy(server, {
      template_id: tpl.id,
      version: tpl.version,
      target: { gateway_ids: [scriptedId, zeroTouchId] },
      strategy: { type: 'all_at_once' },
    });
    deployedHash = dep.targets[0].config_hash;
    assert.ok(deployedHash);
    const done = await eventuallyOr(
      async () => {
        const x = await deployment(server, dep.id);
        return x.status === 'completed' ? x : null;
      },
      90_000,
      async () =>
        `${JSON.stringify(await deployment(server, dep.id))}\n` +
        `${scripted.diagnostics(2000)}\n${zeroTouch.diagnostics(2000)}`,
    );
    assert.deepEqual(
      done.targets.map((x: Json) => x.status),
      ['applied', 'applied'],
    );
    for (const [id, gw] of [
      [scriptedId, scripted],
      [zeroTouchId, zeroTouch],
    ] as const) {
      const d = await eventuallyOr(
        async () => {
          const x = await gatewayDetail(server, id);
          return x.remote_config.status === 'APPLIED' &&
            x.remote_config.hash === deployedHash &&
            /attributes\/e2e-onboarding/.test(x.effective_config_yaml ?? '')
            ? x
            : null;
        },
        30_000,
        () => gw.diagnostics(),
      );
      assert.match(d.effective_config_yaml, /onboarding-v1/);
      assert.match(d.effective_config_yaml, /traces\/e2e-onboarding/);
      assert.equal(d.remote_config.error_message, null);
      const events = await configEvents(server, id);
      assert.ok(
        events.some((e) => e.config_hash === deployedHash && e.status === 'APPLIED'),
        `APPLIED in config-events: ${JSON.stringify(events)}`,
      );
      const cfg = await ok(server.api('GET', `/api/v1/gateways/${id}/config`), 'config');
      assert.equal(cfg.source, 'deployment');
      assert.equal(cfg.config_version, tpl.version);
      await waitHealthy(server, id, 30_000);
    }
    note(`deployment applied on both after ${((Date.now() - t) / 1000).toFixed(1)} s`);
  },
);

test(
  'the restart command restarts the collector (new process) ' +
    "and it comes back healthy, the supervisor's connection untouched",
  { skip, timeout: 90_000 },
  async () => {
    for (const [id, gw] of [
      [scriptedId, scripted],
      [zeroTouchId, zeroTouch],
    ] as const) {
      const t = Date.now();
      const before = await gatewayDetail(server, id);
      const pid = gw.collectorPid();
      assert.ok(pid, `${gw.name}: collector running`);
      await ok(server.api('POST', `/api/v1/gateways/${id}/restart`), 'restart');
      const newPid = await eventuallyOr(
        async () => {
          const p = gw.collectorPid();
          return p && p !== pid ? p : null;
        },
        30_000,
        () => gw.diagnostics(),
      );
      const d = await waitHealthy(
        server,
        id,
        30_000,
        (x) => x.component_health.start_time !== before.component_health.start_time,
      );
      assert.equal(d.connection.since, before.connection.since, 'the supervisor kept its OpAMP connection');
      assert.equal(d.remote_config.hash, deployedHash, 'still on the deployed config');
      assert.ok(gw.running, 'the supervisor still runs');
      note(`${gw.name}: collector ${pid} → ${newPid}, healthy again after ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  },
);

async function snapshot() {
  const list = await ok(server.api('GET', '/api/v1/gateways'), 'list');
  return {
    ids: list.items.map((g: Json) => g.id).sort(),
    uids: {
      [scriptedId]: (await gatewayDetail(server, scriptedId)).description.identifying['service.instance.id'],
      [zeroTouchId]: (await gatewayDetail(server, zeroTouchId)).description.identifying['service.instance.id'],
    },
  };
}

test(
  'a control-plane restart (same data, same port) ' +
    'ends with the same gateway records, same instance_uid, connected and healthy',
  { skip, timeout: 150_000 },
  async () => {
    const t = Date.now();
    const before = await snapshot();
    assert.equal(before.ids.length, 2);
    const port = server.port;
    const dataDir = server.dataDir;
    assert.equal(await server.stop(), 0, 'SIGTERM stops the control plane cleanly');
    note('control plane stopped');
    server = await startServer(db!.env, { port, dataDir });
    const restartedAt = Date.now();
    for (const [id, gw] of [
      [scriptedId, scripted],
      [zeroTouchId, zeroTouch],
    ] as const) {
      const d = await waitHealthy(
        server,
        id,
        90_000,
        (x) => Date.parse(x.connection?.since ?? '0') >= restartedAt - 1000,
      ).catch((err) => {
        throw new Error(`${err.message}\n${gw.diagnostics()}`);
      });
      assert.equal(d.description.identifying['service.instance.id'], gw.instanceUid());
      assert.equal(d.remote_config.status, 'APPLIED');
      assert.equal(d.remote_config.hash, deployedHash, 'the deployed config is still the one reported');
      assert.ok(gw.running, `${gw.name}: the supervisor rode out the outage`);
    }
    assert.deepEqual(await snapshot(), before, 'same records, same instance_uids, nothing duplicated');
    note(`both gateways back after the control-plane restart in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  },
);

test(
  'a supervisor restart (SIGTERM, started again on the same storage) ' +
    'ends with the same gateway record, connected and healthy',
  { skip, timeout: 150_000 },
  async () => {
    const before = await snapshot();
    for (const [id, gw] of [
      [scriptedId, scripted],
      [zeroTouchId, zeroTouch],
    ] as const) {
      const t = Date.now();
      const uid = gw.instanceUid();
      const collectorBefore = gw.collectorPid();
      assert.equal(await gw.stop(), 0, `${gw.name}: the supervisor exits 0 on SIGTERM`);
      assert.deepEqual(gw.processes(), [], 'supervisor and collector gone');
      await eventuallyOr(
        async () => !(await gatewayDetail(server, id)).connected,
        20_000,
        () => 'still connected',
      );
      const since = Date.now();
      gw.start();
      const d = await waitHealthy(
        server,
        id,
        90_000,
        (x) => Date.parse(x.connection?.since ?? '0') >= since - 1000,
      ).catch((err) => {
        throw new Error(`${err.message}\n${gw.diagnostics()}`);
      });
      assert.equal(gw.instanceUid(), uid, 'the supervisor kept its instance_uid');
      assert.ok(gw.collectorPid() && gw.collectorPid() !== collectorBefore, 'a new collector process');
      assert.equal(d.description.identifying['service.instance.id'], uid);
      assert.equal(d.remote_config.hash, deployedHash);
      assert.match(d.effective_config_yaml, /onboarding-v1/, 'the last remote config is still in effect');
      note(`${gw.name}: supervisor restarted, healthy after ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    assert.match(scripted.output(), /using the OpAMP token stored/, 'the script did not register again');
    assert.deepEqual(await snapshot(), before, 'same records, same instance_uids, nothing duplicated');
  },
);
