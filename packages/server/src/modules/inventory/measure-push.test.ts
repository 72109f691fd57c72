// Injection of the measurement processors into what the control plane sends (docs/measurement.md): only
// gateways whose build has flowgate_measure get them; the template and the stored desired config stay as
// written; the hash on the wire is the hash of the bytes sent, while deployments, the gateway record and
// reconnects keep working with the configuration's own hash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { configHash, type ServerToAgent } from '@flowgate/opamp';
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { startTestFlowgate, api, type TestFlowgate } from '../../testing/harness.ts';
import { AutoAgent, eventually } from '../../testing/sim-agent.ts';

let fg: TestFlowgate;
let port = 0;
let regToken = '';
const agents: AutoAgent[] = [];
const admin = () => api(fg, fg.adminToken);
const WITH_MEASURE = { receivers: ['otlp'], processors: ['batch', 'filter', 'flowgate_measure'], exporters: ['debug'] };
const WITHOUT = { receivers: ['otlp'], processors: ['batch', 'filter'], exporters: ['debug'] };

const TEMPLATE = `# Drop the debug metric before it costs anything.
receivers:
  otlp:
    protocols:
      http: {}
processors:
  filter/drop-debug:
    error_mode: ignore
    metrics:
      metric:
        - name == "debug_events_total"
  batch: {}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [filter/drop-debug, batch]
      exporters: [debug]
    logs:
      receivers: [otlp]
      exporters: [debug]
`;

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  port = (fg.app.server.address() as { port: number }).port;
  regToken = (await admin().post('/api/v1/registration-tokens', { name: 'measure-push', expires_in_days: 1 })).body
    .token;
});
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await fg?.close();
});

async function gateway(name: string, components: Record<string, string[]> | undefined, transport = 'ws') {
  const a = new AutoAgent({
    url: `${transport}://127.0.0.1:${port}/v1/opamp`,
    token: regToken,
    hostName: name,
    ...(components ? { components } : {}),
    ...(components === WITH_MEASURE ? { customCapabilities: [MEASURE_CAPABILITY] } : {}),
    heartbeatSeconds: transport === 'http' ? 1 : 0,
  });
  agents.push(a);
  await a.start();
  if (transport === 'http') await a.sendFull();
  const gw = await eventually(async () =>
    (await admin().get(`/api/v1/gateways?name=${name}`)).body.items.find((g: { name: string }) => g.name === name),
  );
  await eventually(async () => {
    const d = (await admin().get(`/api/v1/gateways/${gw.id}`)).body;
    return !components || d.available_components;
  });
  return { agent: a, id: gw.id as string };
}

async function deploy(ids: string[], yaml = TEMPLATE) {
  const t = await admin().post('/api/v1/templates', {
    name: `measure-${Date.now()}-${Math.random()}`,
    config_yaml: yaml,
  });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  const d = await admin().post('/api/v1/deployments', {
    template_id: t.body.id,
    version: 1,
    target: { gateway_ids: ids },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const done = await eventually(async () => {
    const b = (await admin().get(`/api/v1/deployments/${d.body.id}`)).body;
    return b.status === 'completed' ? b : null;
  }, 20_000);
  return { templateId: t.body.id as string, deployment: done };
}

/** The last remote config the agent received, as sent: its files, and whether its hash is theirs. */
function lastPushed(agent: AutoAgent) {
  const m = [...agent.received].reverse().find((x: ServerToAgent) => x.remoteConfig?.config)!;
  const files = Object.fromEntries(
    Object.entries(m.remoteConfig!.config!.configMap).map(([k, f]) => [k, Buffer.from(f.body).toString()]),
  );
  const sentHash = Buffer.from(m.remoteConfig!.configHash).toString('hex');
  const hashOfBytes = Buffer.from(configHash(m.remoteConfig!.config!)).toString('hex');
  return { files, sentHash, hashOfBytes, count: agent.received.filter((x) => x.remoteConfig?.config).length };
}

test('only a gateway with flowgate_measure gets the processors; both apply; the template stays as written', async () => {
  const measuring = await gateway('push-measuring', WITH_MEASURE);
  const plain = await gateway('push-plain', WITHOUT);
  const { templateId, deployment } = await deploy([measuring.id, plain.id]);
  assert.deepEqual(deployment.counts, { applied: 2 }, JSON.stringify(deployment));

  const m = lastPushed(measuring.agent);
  assert.equal(m.sentHash, m.hashOfBytes, 'the hash sent is the hash of the bytes sent');
  const sent = parse(m.files['collector.yaml']!);
  assert.deepEqual(sent.service.pipelines.metrics.processors, [
    'flowgate_measure/in.0',
    'filter/drop-debug',
    'batch',
    'flowgate_measure/out.0',
  ]);
  assert.deepEqual(sent.service.pipelines.logs.processors, ['flowgate_measure/in.1', 'flowgate_measure/out.1']);
  assert.deepEqual(sent.processors['flowgate_measure/out.1'], { pipeline: 'logs', position: 'out' });
  assert.ok(m.files['collector.yaml']!.startsWith('# Drop the debug metric'), 'comments kept');

  const p = lastPushed(plain.agent);
  assert.equal(p.files['collector.yaml'], TEMPLATE, 'a gateway without the component gets the template unchanged');
  assert.equal(p.sentHash, p.hashOfBytes);
  assert.notEqual(p.sentHash, m.sentHash);

  for (const [g, effectiveHas] of [
    [measuring, true],
    [plain, false],
  ] as const) {
    const d = (await admin().get(`/api/v1/gateways/${g.id}`)).body;
    assert.equal(d.remote_config.status, 'APPLIED');
    // The gateway record speaks of the configuration, whatever bytes carried it.
    assert.equal(d.remote_config.hash, d.current_config_hash, 'reported hash translated back');
    assert.equal(d.effective_config_yaml.includes('flowgate_measure/in.0'), effectiveHas);
    const config = (await admin().get(`/api/v1/gateways/${g.id}/config`)).body;
    assert.ok(!config.config_yaml.includes('flowgate_measure'), 'the desired config is shown as written');
  }
  assert.equal(
    (await admin().get(`/api/v1/gateways/${plain.id}`)).body.current_config_hash,
    (await admin().get(`/api/v1/gateways/${measuring.id}`)).body.current_config_hash,
    'one configuration, one hash, for both',
  );
  const t = (await admin().get(`/api/v1/templates/${templateId}`)).body;
  assert.ok(!JSON.stringify(t).includes('flowgate_measure'), 'the template is untouched');
});

test('a reconnect with the injected config applied is not sent it again', async () => {
  const g = await gateway('push-reconnect', WITH_MEASURE);
  await deploy([g.id]);
  const before = lastPushed(g.agent).count;
  await g.agent.stop();
  const replies = g.agent.received.length;
  await g.agent.start(); // its first message is the full state, with the hash of what it runs
  await g.agent.send({});
  // Every message is answered: once both replies are in, nothing was (or will be) pushed for them.
  await eventually(async () => g.agent.received.length >= replies + 2);
  assert.equal(lastPushed(g.agent).count, before);
  const d = (await admin().get(`/api/v1/gateways/${g.id}`)).body;
  assert.equal(d.remote_config.status, 'APPLIED');
  assert.equal(d.remote_config.hash, d.current_config_hash);
});

test('plain HTTP: the injected config arrives with a poll', async () => {
  const g = await gateway('push-http', WITH_MEASURE, 'http');
  const { deployment } = await deploy([g.id]);
  assert.deepEqual(deployment.counts, { applied: 1 });
  assert.ok(lastPushed(g.agent).files['collector.yaml']!.includes('flowgate_measure/in.0'));
});

test('components reported after the config: the gateway gets the injected version then', async () => {
  const g = await gateway('push-late', undefined);
  const { deployment } = await deploy([g.id]);
  assert.deepEqual(deployment.counts, { applied: 1 });
  const first = lastPushed(g.agent);
  assert.equal(first.files['collector.yaml'], TEMPLATE);
  // The collector now reports its components (say, after an upgrade to a build with the processor).
  g.agent.components = WITH_MEASURE;
  await g.agent.sendFull();
  const second = await eventually(async () => {
    const p = lastPushed(g.agent);
    return p.count > first.count ? p : null;
  });
  assert.ok(second.files['collector.yaml']!.includes('flowgate_measure/out.1'));
  assert.equal(second.sentHash, second.hashOfBytes);
  const d = await eventually(async () => {
    const b = (await admin().get(`/api/v1/gateways/${g.id}`)).body;
    return b.remote_config.status === 'APPLIED' && b.effective_config_yaml?.includes('flowgate_measure') ? b : null;
  });
  assert.equal(d.remote_config.hash, d.current_config_hash);
  const dep = (await admin().get(`/api/v1/deployments/${deployment.id}`)).body;
  assert.deepEqual(dep.counts, { applied: 1 }, 'the deployment stays applied');
});
