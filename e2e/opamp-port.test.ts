// The dedicated OpAMP listener: `flowgate start` with OPAMP_PORT serves OpAMP (WebSocket and plain
// HTTP, both paths) on that port besides the main port; agents connecting there appear in the API,
// and what we offer them (own_metrics) points at something that answers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AgentCapability, OpampClient, type ServerToAgent } from '@flowgate/opamp';
import {
  startServer,
  eventually,
  freePort,
  scratchDatabaseEnv,
  dropScratchDatabases,
  type ServerProcess,
} from './lib/server.ts';
import { TestAgent } from './lib/agent.ts';

let server: ServerProcess | null = null;
const agents: { stop(): Promise<void> }[] = [];
after(async () => {
  for (const a of agents) await a.stop().catch(() => undefined);
  await server?.stop();
  await dropScratchDatabases();
});

type Gateway = { id: string; name: string; connected: boolean; transport: string | null };

test(
  'OPAMP_PORT: WebSocket and HTTP agents on the dedicated port enrol ' +
    'and appear in the API; the main port keeps serving OpAMP too',
  async (t) => {
    const opampPort = await freePort();
    server = await startServer({ ...(await scratchDatabaseEnv()), OPAMP_PORT: String(opampPort) });
    const tok = await server.api('POST', '/api/v1/registration-tokens', { name: 'opamp-port', expires_in_days: 1 });
    assert.equal(tok.status, 201, JSON.stringify(tok.body));
    const token = tok.body.token as string;

    const onPort: [string, string, 'websocket' | 'http'][] = [
      ['port-ws', `ws://127.0.0.1:${opampPort}/v1/opamp`, 'websocket'],
      ['port-http', `http://127.0.0.1:${opampPort}/v1/opamp`, 'http'],
      ['port-ws-alias', `ws://127.0.0.1:${opampPort}/api/v1/opamp/v1/opamp`, 'websocket'],
      ['main-ws', `ws://127.0.0.1:${server.port}/v1/opamp`, 'websocket'],
    ];
    for (const [hostName, url, transport] of onPort) {
      const a = new TestAgent({ url, token, hostName, transport });
      agents.push(a);
      await a.start();
    }
    const listed = await eventually(async () => {
      const r = await server!.api('GET', '/api/v1/gateways?limit=500');
      const items = r.body.items as Gateway[];
      return onPort.every(([name]) => items.some((g) => g.name === name && g.connected)) ? items : null;
    });
    for (const [name, , transport] of onPort)
      assert.equal(listed.find((g) => g.name === name)!.transport, transport, name);

    // The dedicated port speaks OpAMP only; the REST API is not exposed there.
    const rest = await fetch(`http://127.0.0.1:${opampPort}/api/v1/gateways`);
    assert.equal(rest.status, 404);
    // Admission applies there as on the main port.
    const refused = await fetch(`http://127.0.0.1:${opampPort}/v1/opamp`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0x10, ...randomBytes(16)]),
    });
    assert.equal(refused.status, 401);

    // An agent that reports its own metrics is offered an endpoint that accepts them, even though it
    // came in on the OpAMP-only port.
    const offers: ServerToAgent[] = [];
    const m = new OpampClient({
      url: `ws://127.0.0.1:${opampPort}/v1/opamp`,
      headers: { Authorization: `Bearer ${token}` },
      heartbeatSeconds: 0,
      reconnect: false,
      capabilities: AgentCapability.ReportsStatus | AgentCapability.ReportsOwnMetrics,
      onMessage: (msg) => void offers.push(msg),
    });
    agents.push(m);
    await m.start();
    await m.send({
      agentDescription: {
        identifyingAttributes: [
          { key: 'service.name', value: { value: { case: 'stringValue', value: 'port-metrics' } } },
        ],
        nonIdentifyingAttributes: [
          { key: 'host.name', value: { value: { case: 'stringValue', value: 'port-metrics' } } },
        ],
      },
    });
    const offer = await eventually(
      async () => offers.find((o) => o.connectionSettings?.ownMetrics)?.connectionSettings?.ownMetrics,
      10_000,
    );
    const auth = offer.headers!.headers.find((h) => h.key.toLowerCase() === 'authorization')!.value;
    t.diagnostic(`own_metrics offered at ${offer.destinationEndpoint}`);
    const ingest = await fetch(offer.destinationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ resourceMetrics: [] }),
    });
    assert.equal(ingest.status, 200, `${offer.destinationEndpoint} → ${ingest.status}`);
  },
);
