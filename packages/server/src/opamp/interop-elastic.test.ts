// Interoperability with an OpAMP client nobody here wrote: @elastic/opamp-client-node (plain HTTP).
// Against the whole control plane: it enrols with a registration token (zero-touch), reports its
// description, appears in the gateway list named from host.name (else service.name), receives a
// pushed remote config in its next poll, reports APPLIED, and the status endpoint shows our hash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createOpAMPClient, RemoteConfigStatuses } from '@elastic/opamp-client-node';
import { AgentCapability, configHash, uuidFromBytes } from '@flowgate/opamp';
import { startTestFlowgate, api, type TestFlowgate } from '../testing/harness.ts';
import { eventually } from '../testing/sim-agent.ts';
import { systemScope } from '../platform/scope.ts';

type ElasticClient = ReturnType<typeof createOpAMPClient>;
type RemoteConfig = { configHash: Uint8Array; config?: { configMap: Record<string, { body: Uint8Array }> } };
type Gateway = {
  id: string;
  name: string;
  org_id: string;
  connected: boolean;
  transport: string | null;
  [k: string]: unknown;
};

let fg: TestFlowgate;
let httpUrl: string;
let regToken: string;
const clients: ElasticClient[] = [];

before(async () => {
  fg = await startTestFlowgate();
  await fg.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (fg.app.server.address() as { port: number }).port;
  httpUrl = `http://127.0.0.1:${port}/v1/opamp`;
  const res = await admin().post('/api/v1/registration-tokens', { name: 'elastic-interop', expires_in_days: 1 });
  assert.equal(res.status, 201);
  regToken = res.body.token;
});
after(async () => {
  for (const c of clients) await c.shutdown().catch(() => undefined);
  await fg?.close();
});

const admin = () => api(fg, fg.adminToken);

/** A real Elastic client that applies every remote config it is offered and reports APPLIED. */
function elasticAgent(opts: {
  url?: string;
  description: { identifyingAttributes: Record<string, string>; nonIdentifyingAttributes?: Record<string, string> };
}) {
  const received: { hash: string; files: Record<string, string> }[] = [];
  const client: ElasticClient = createOpAMPClient({
    endpoint: opts.url ?? httpUrl,
    headers: { Authorization: `Bearer ${regToken}` },
    heartbeatIntervalSeconds: 0.2, // the client's floor is 0.1 s
    capabilities: AgentCapability.AcceptsRemoteConfig | AgentCapability.ReportsRemoteConfig,
    onMessage: ({ remoteConfig }: { remoteConfig?: RemoteConfig }) => {
      if (!remoteConfig) return;
      const hash = Buffer.from(remoteConfig.configHash).toString('hex');
      if (received.some((r) => r.hash === hash)) return; // the client may hand us the same config twice
      const files = Object.fromEntries(
        Object.entries(remoteConfig.config?.configMap ?? {}).map(([name, f]) => [
          name,
          Buffer.from(f.body).toString('utf8'),
        ]),
      );
      received.push({ hash, files });
      client.setRemoteConfigStatus({
        status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
        lastRemoteConfigHash: remoteConfig.configHash,
      } as never);
    },
  });
  client.setAgentDescription(opts.description);
  clients.push(client);
  return { client, received };
}

async function findGateway(name: string): Promise<Gateway> {
  return eventually(async () => {
    const list = await admin().get(`/api/v1/gateways?name=${encodeURIComponent(name)}`);
    // Enrolment inserts the row, then the same message's state write marks it connected: wait for both.
    return (list.body.items as Gateway[]).find((g) => g.name === name && g.connected);
  }, 15_000);
}

test(
  '@elastic/opamp-client-node enrols with a registration token, ' +
    'is listed from its description, gets a pushed config and reports APPLIED',
  async (t) => {
    const { client, received } = elasticAgent({
      description: {
        identifyingAttributes: { 'service.name': 'elastic-opamp-peer', 'service.version': '9.9.9' },
        nonIdentifyingAttributes: { 'host.name': 'elastic-host-1', 'os.type': 'linux' },
      },
    });
    client.start();

    // Enrolled under its instance_uid, named from host.name, live over plain HTTP.
    const gw = await findGateway('elastic-host-1');
    const uid = uuidFromBytes(client.getInstanceUid());
    const detail = await eventually(async () => {
      const d = (await admin().get(`/api/v1/gateways/${gw.id}`)).body;
      return d.connected ? d : null;
    });
    assert.equal(detail.transport, 'http');
    assert.equal(detail.connection.transport, 'http');
    assert.equal(detail.instance_id, uid, 'enrolled under the instance_uid it sent');
    assert.equal(detail.version, '9.9.9');
    assert.deepEqual(detail.description.identifying, {
      'service.name': 'elastic-opamp-peer',
      'service.version': '9.9.9',
    });
    assert.equal(detail.description.non_identifying['host.name'], 'elastic-host-1');
    assert.equal(detail.hostname, 'elastic-host-1');
    assert.ok(
      detail.capabilities.includes('AcceptsRemoteConfig') && detail.capabilities.includes('ReportsRemoteConfig'),
      String(detail.capabilities),
    );
    assert.equal(detail.accepts_remote_config, true);
    const tokens = await admin().get('/api/v1/registration-tokens');
    assert.equal(
      tokens.body.items.find((x: { name: string }) => x.name === 'elastic-interop').uses,
      1,
      'one enrolment, however many polls',
    );

    // Push: the client gets it in its next poll and reports APPLIED for our hash.
    const yaml =
      'receivers:\n  otlp:\n    protocols:\n      http: {}\n' +
      'exporters:\n  debug: {}\n' +
      'service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n';
    const hashHex = Buffer.from(configHash({ 'collector.yaml': { body: yaml } })).toString('hex');
    const pushedAt = Date.now();
    await fg.features.gateways.setDesiredConfig(
      systemScope(gw.org_id),
      gw.id,
      { files: { 'collector.yaml': yaml }, deployment_id: null, template_id: null, version: 1 },
      hashHex,
    );
    await eventually(async () => received.length > 0, 10_000);
    const latency = Date.now() - pushedAt;
    assert.equal(received.length, 1);
    assert.equal(received[0]!.hash, hashHex);
    assert.deepEqual(received[0]!.files, { 'collector.yaml': yaml });

    const status = await eventually(async () => {
      const s = (await admin().get(`/api/v1/gateways/${gw.id}/status`)).body;
      return s.config?.remote_config?.status === 'APPLIED' ? s : null;
    });
    assert.equal(status.gateway_id, gw.id);
    assert.equal(status.config.remote_config.hash, hashHex);
    assert.equal(status.config.source, 'deployment');
    assert.match(
      status.config.config_yaml,
      /exporters:\n {2}debug: \{\}/,
      'the assigned config (re-rendered with credentials masked)',
    );
    assert.equal(status.health.connected, true);
    assert.equal(status.version.service_name, 'elastic-opamp-peer');
    const events = (await admin().get(`/api/v1/gateways/${gw.id}/config-events`)).body.items as {
      status: string;
      config_hash: string | null;
    }[];
    assert.ok(
      events.some((e) => e.status === 'APPLIED'),
      JSON.stringify(events),
    );

    // Further polls neither re-send the applied config nor disturb the record.
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(received.length, 1, 'an applied config is not offered again');
    const list = await admin().get('/api/v1/gateways?name=elastic-host-1');
    assert.equal(list.body.items.length, 1, 'polling does not enrol it again');
    t.diagnostic(
      `gateway ${gw.id} (${uid}); push reached the Elastic client in its next ` +
        `poll, ${latency} ms after setDesiredConfig; status APPLIED with our hash`,
    );
  },
);

test('@elastic/opamp-client-node without host.name is named from service.name and a short id', async () => {
  const { client } = elasticAgent({ description: { identifyingAttributes: { 'service.name': 'elastic-svc-only' } } });
  client.start();
  const uid = uuidFromBytes(client.getInstanceUid());
  const expected = `elastic-svc-only-${uid.slice(-8)}`;
  const gw = await findGateway(expected);
  assert.equal(gw.transport, 'http');
  // The same client over the seed alias path is the same kind of agent; the alias works for it too.
  const port = (fg.app.server.address() as { port: number }).port;
  const { client: viaAlias } = elasticAgent({
    url: `http://127.0.0.1:${port}/api/v1/opamp/v1/opamp`,
    description: {
      identifyingAttributes: { 'service.name': 'elastic-alias' },
      nonIdentifyingAttributes: { 'host.name': 'elastic-alias-host' },
    },
  });
  viaAlias.start();
  const g2 = await findGateway('elastic-alias-host');
  assert.equal(g2.transport, 'http');
});
