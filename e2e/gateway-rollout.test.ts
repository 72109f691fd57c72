// Issue 5, on two real gateways (`flowgate gateway run`, tagged ring=e2e): a two-batch canary whose
// config fails on the first batch pauses, the second batch never receives it, and rollback restores
// version 1 everywhere; a good canary completes with every target applied, batch by batch.
//
// The failing version passes every check the control plane can make (static checks and the collector's
// own `validate`, run here with the binary): it fails only when the collector starts, because its extra
// receiver's port is taken on the gateway host — the kind of failure a canary exists for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { startServer, freePort, type ServerProcess } from './lib/server.ts';
import { acquireGatewayLock, type GatewayLock } from './lib/gateway-lock.ts';
import { freshDatabase, type TestDatabase } from './lib/database.ts';
import {
  RealGateway,
  addVersion,
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
const note = (m: string) => process.stderr.write(`[gateway-rollout +${((Date.now() - T0) / 1000).toFixed(1)}s] ${m}\n`);
const SOAK = 3;

let lock: GatewayLock | null = null;
let db: TestDatabase | null = null;
let server: ServerProcess;
const gws: RealGateway[] = [];
const ids: string[] = [];
let busy: Server | null = null;
let busyPort = 0;
let templateId = '';
let v1Hash = '';

const configYaml = (marker: string, extraReceiverPort?: number) => `receivers:
  otlp:
    protocols:
      http: {}${
        extraReceiverPort
          ? `
  otlp/busy:
    protocols:
      http:
        endpoint: 127.0.0.1:${extraReceiverPort}`
          : ''
      }
processors:
  resource/e2e-version:
    attributes:
      - key: flowgate.e2e.config
        value: ${marker}
        action: upsert
  batch: {}
exporters:
  debug:
    verbosity: basic
service:
  pipelines:
    metrics:
      receivers: [${extraReceiverPort ? 'otlp, otlp/busy' : 'otlp'}]
      processors: [resource/e2e-version, batch]
      exporters: [debug]
`;

before(async () => {
  if (skip) return;
  db = await freshDatabase();
  server = await startServer(db.env);
  const token = (
    await ok(
      server.api('POST', '/api/v1/registration-tokens', { name: 'e2e-rollout', expires_in_days: 1 }),
      'registration token',
    )
  ).token;
  // The control plane starts while another file may still run its gateways; ours wait for the lock.
  lock = await acquireGatewayLock('gateway-rollout');
  if (lock.waitedMs > 1000) note(`waited ${(lock.waitedMs / 1000).toFixed(0)} s for the real-gateway lock`);
  // One at a time: the supervisor's bootstrap collector binds localhost:8888 for a moment.
  for (const name of ['e2e-ring-a', 'e2e-ring-b']) {
    const gw = await RealGateway.create(name, () => server, { via: 'cli', registrationToken: token });
    gws.push(gw);
    gw.start();
    const listed = await eventuallyOr(
      async () => (await server.api('GET', `/api/v1/gateways?name=${name}`)).body.items?.[0],
      90_000,
      () => gw.diagnostics(),
    );
    ids.push(listed.id);
    await waitHealthy(server, listed.id, 90_000).catch((err) => {
      throw new Error(`${err.message}\n${gw.diagnostics()}`);
    });
    await ok(server.api('PUT', `/api/v1/gateways/${listed.id}/tags`, { tags: { ring: 'e2e' } }), 'tags');
  }
  busyPort = await freePort();
  busy = createServer();
  await new Promise<void>((r) => busy!.listen(busyPort, '127.0.0.1', () => r()));
  note(
    `control plane on ${server.url}; gateways ${ids.join(', ')} ` +
      `healthy and tagged ring=e2e; port ${busyPort} held busy`,
  );
});

after(async () => {
  for (const gw of gws) {
    const code = await gw.stop().catch(() => null);
    note(`stopped ${gw.name} (exit ${code})`);
  }
  const left = gws.flatMap((gw) => gw.processes());
  for (const gw of gws) gw.removeStorage();
  await server?.stop();
  await new Promise((r) => (busy ? busy.close(r) : r(undefined)));
  await db?.drop().catch(() => undefined);
  lock?.release();
  if (!skip) {
    const all = pgrepCollectors();
    note(`pgrep -af otelcol-flowgate after cleanup: ${all ? `\n${all}` : '(none)'}`);
    assert.deepEqual(left, [], 'no supervisor or collector of this file is left running');
  }
});

const diag = () => gws.map((g) => g.diagnostics(1500)).join('\n');
const gwOf = (id: string) => gws[ids.indexOf(id)]!;

async function waitDeployment(id: string, pred: (d: Json) => boolean, timeoutMs: number): Promise<Json> {
  return eventuallyOr(
    async () => {
      const d = await deployment(server, id);
      return pred(d) ? d : null;
    },
    timeoutMs,
    async () => `${JSON.stringify(await deployment(server, id))}\n${diag()}`,
  );
}

test('version 1 reaches both gateways (all at once, by tag)', { skip, timeout: 90_000 }, async () => {
  const t = Date.now();
  const tpl = await createTemplate(server, 'e2e-rollout', configYaml('rollout-v1'));
  templateId = tpl.id;
  const dep = await deploy(server, {
    template_id: tpl.id,
    version: 1,
    target: { tags: { ring: 'e2e' } },
    strategy: { type: 'all_at_once' },
  });
  assert.equal(dep.targets.length, 2);
  v1Hash = dep.targets[0].config_hash;
  await waitDeployment(dep.id, (d) => d.status === 'completed', 60_000);
  for (const id of ids) {
    const d = await gatewayDetail(server, id);
    assert.equal(d.remote_config.hash, v1Hash);
    assert.match(d.effective_config_yaml, /rollout-v1/);
  }
  note(`v1 applied on both in ${((Date.now() - t) / 1000).toFixed(1)} s`);
});

test(
  'a canary whose config fails on the first batch pauses; ' +
    'the second batch never receives it; rollback restores version 1 everywhere',
  { skip, timeout: 150_000 },
  async () => {
    assert.ok(v1Hash, 'needs version 1 deployed');
    const t = Date.now();
    const v2 = await addVersion(
      server,
      templateId,
      configYaml('rollout-v2', busyPort),
      'adds a receiver on a port that is taken on the gateways',
    );
    const check = await ok(
      server.api('POST', '/api/v1/validation', { config_yaml: configYaml('rollout-v2', busyPort), gateway_ids: ids }),
      'validation',
    );
    assert.equal(check.valid, true, `the control plane cannot tell: ${JSON.stringify(check.errors)}`);
    assert.equal(check.collector_checked, true, "the collector's own validate ran on it");
    const dep = await deploy(server, {
      template_id: templateId,
      version: v2,
      target: { tags: { ring: 'e2e' } },
      strategy: { type: 'canary', batches: [50, 100], soak_seconds: SOAK, pause_on_failure: true },
    });
    const first = dep.targets.find((x: Json) => x.batch === 0);
    const second = dep.targets.find((x: Json) => x.batch === 1);
    assert.ok(first && second, `one gateway per batch: ${JSON.stringify(dep.targets)}`);
    const v2Hash = first.config_hash;
    const paused = await waitDeployment(dep.id, (d) => d.status === 'paused', 60_000);
    const pausedAt = Date.now();
    assert.match(
      paused.reason,
      new RegExp(`${first.gateway_name}.*version ${v2}`),
      `the reason names the gateway and the version: ${paused.reason}`,
    );
    const firstTarget = paused.targets.find((x: Json) => x.gateway_id === first.gateway_id);
    const secondTarget = paused.targets.find((x: Json) => x.gateway_id === second.gateway_id);
    assert.equal(firstTarget.status, 'failed');
    assert.ok(firstTarget.error, "the failure's text");
    assert.equal(secondTarget.status, 'pending', 'the second batch is never started');
    note(`paused after ${((Date.now() - t) / 1000).toFixed(1)} s: ${paused.reason}`);
    const failedEvents = await configEvents(server, first.gateway_id);
    assert.ok(
      failedEvents.some((e) => e.config_hash === v2Hash && e.status === 'FAILED'),
      `FAILED for v2 on ${first.gateway_name}: ${JSON.stringify(failedEvents)}`,
    );
    // The first gateway is not left crash-looping: the control plane re-sent version 1.
    const back = await eventuallyOr(
      async () => {
        const d = await gatewayDetail(server, first.gateway_id);
        return d.remote_config.status === 'APPLIED' && d.remote_config.hash === v1Hash ? d : null;
      },
      60_000,
      async () =>
        `${JSON.stringify((await gatewayDetail(server, first.gateway_id)).remote_config)}\n` +
        `${gwOf(first.gateway_id).diagnostics()}`,
    );
    note(`${first.gateway_name} recovered by the control plane: ${back.remote_config.recovery}`);
    // Longer than a soak: the second batch still has nothing of v2.
    await new Promise((r) => setTimeout(r, Math.max(0, SOAK * 1000 + 2000 - (Date.now() - pausedAt))));
    const secondEvents = await configEvents(server, second.gateway_id);
    assert.ok(
      !secondEvents.some((e) => e.config_hash === v2Hash),
      `no config event for v2 on ${second.gateway_name}: ${JSON.stringify(secondEvents)}`,
    );
    const secondDetail = await gatewayDetail(server, second.gateway_id);
    assert.equal(secondDetail.remote_config.hash, v1Hash);
    assert.match(secondDetail.effective_config_yaml, /rollout-v1/);
    assert.ok(!secondDetail.effective_config_yaml.includes('otlp/busy'));
    assert.equal(
      (await ok(server.api('GET', `/api/v1/gateways/${second.gateway_id}/config`), 'config')).config_version,
      1,
      'its desired config never changed',
    );
    assert.equal((await deployment(server, dep.id)).status, 'paused', 'still paused');

    const rolled = await ok(server.api('POST', `/api/v1/deployments/${dep.id}/rollback`), 'rollback');
    assert.equal(rolled.status, 'rolled_back');
    for (const id of ids) {
      const d = await eventuallyOr(
        async () => {
          const x = await gatewayDetail(server, id);
          return x.remote_config.status === 'APPLIED' &&
            x.remote_config.hash === v1Hash &&
            /rollout-v1/.test(x.effective_config_yaml ?? '')
            ? x
            : null;
        },
        60_000,
        () => gwOf(id).diagnostics(),
      );
      assert.ok(!d.effective_config_yaml.includes('otlp/busy'), 'the effective config is version 1 again');
      assert.equal((await ok(server.api('GET', `/api/v1/gateways/${id}/config`), 'config')).config_version, 1);
      await waitHealthy(server, id, 30_000);
    }
    const after = await deployment(server, dep.id);
    assert.equal(
      after.targets.find((x: Json) => x.gateway_id === second.gateway_id).status,
      'cancelled',
      'the batch that never ran is cancelled, not rolled back',
    );
    assert.ok(
      !(await configEvents(server, second.gateway_id)).some((e) => e.config_hash === v2Hash),
      'and it never saw v2',
    );
    note(`failed canary shown and rolled back in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  },
);

test('a good canary completes batch by batch, every target applied', { skip, timeout: 120_000 }, async () => {
  const t = Date.now();
  const v3 = await addVersion(server, templateId, configYaml('rollout-v3'), 'good');
  const dep = await deploy(server, {
    template_id: templateId,
    version: v3,
    target: { tags: { ring: 'e2e' } },
    strategy: { type: 'canary', batches: [50, 100], soak_seconds: SOAK, pause_on_failure: true },
  });
  const v3Hash = dep.targets[0].config_hash;
  const done = await waitDeployment(dep.id, (d) => d.status === 'completed' || d.status === 'paused', 90_000);
  assert.equal(done.status, 'completed', done.reason);
  assert.deepEqual(
    done.targets.map((x: Json) => x.status),
    ['applied', 'applied'],
  );
  const first = done.targets.find((x: Json) => x.batch === 0);
  const second = done.targets.find((x: Json) => x.batch === 1);
  const appliedFirst = (await configEvents(server, first.gateway_id)).find(
    (e) => e.config_hash === v3Hash && e.status === 'APPLIED',
  );
  const secondEvents = (await configEvents(server, second.gateway_id)).filter((e) => e.config_hash === v3Hash);
  assert.ok(appliedFirst && secondEvents.length, 'both report v3');
  const secondStart = Math.min(...secondEvents.map((e) => Date.parse(e.created_at)));
  assert.ok(
    secondStart - Date.parse(appliedFirst.created_at) >= SOAK * 1000 - 500,
    `the second batch started after the first was applied and soaked ` +
      `${SOAK} s (${secondStart - Date.parse(appliedFirst.created_at)} ms)`,
  );
  for (const id of ids) {
    const d = await waitHealthy(server, id, 30_000);
    assert.equal(d.remote_config.status, 'APPLIED');
    assert.equal(d.remote_config.hash, v3Hash);
    assert.match(d.effective_config_yaml, /rollout-v3/);
  }
  note(`good canary completed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
});
