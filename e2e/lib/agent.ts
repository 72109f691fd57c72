// A minimal supervisor-like OpAMP agent for black-box tests (packages/opamp's client).
import {
  OpampClient, create, AgentDescriptionSchema, KeyValueSchema, AnyValueSchema, RemoteConfigStatuses, RemoteConfigStatusSchema, ComponentHealthSchema,
  AgentCapability, type ServerToAgent,
} from '@flowgate/opamp';

const kv = (key: string, value: string) => create(KeyValueSchema, { key, value: create(AnyValueSchema, { value: { case: 'stringValue', value } }) });

export class TestAgent {
  readonly client: OpampClient;
  readonly received: ServerToAgent[] = [];
  readonly applied: string[] = [];
  status = RemoteConfigStatuses.RemoteConfigStatuses_UNSET;
  hash: Uint8Array = new Uint8Array();

  constructor(readonly opts: { url: string; token: string; hostName: string; instanceUid?: Uint8Array; transport?: 'websocket' | 'http' }) {
    this.client = new OpampClient({
      url: opts.url,
      transport: opts.transport,
      headers: { Authorization: `Bearer ${opts.token}` },
      instanceUid: opts.instanceUid,
      heartbeatSeconds: opts.transport === 'http' ? 1 : 0,
      capabilities: AgentCapability.ReportsStatus | AgentCapability.AcceptsRemoteConfig | AgentCapability.ReportsRemoteConfig | AgentCapability.ReportsHealth | AgentCapability.AcceptsRestartCommand,
      reconnect: { minDelayMs: 200, maxDelayMs: 1000 },
      onConnect: () => void this.full().catch(() => undefined),
      onMessage: (m) => void this.handle(m).catch(() => undefined),
    });
  }

  private async handle(m: ServerToAgent) {
    this.received.push(m);
    if (m.remoteConfig?.config) {
      this.hash = m.remoteConfig.configHash;
      this.applied.push(Object.values(m.remoteConfig.config.configMap).map((f) => Buffer.from(f.body).toString()).join('\n'));
      this.status = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
      await this.send({ remoteConfigStatus: create(RemoteConfigStatusSchema, { lastRemoteConfigHash: this.hash, status: this.status }) });
    } else if (m.flags & 0x1n) {
      await this.full();
    }
  }

  async send(msg: Parameters<OpampClient['send']>[0]) {
    const reply = await this.client.send(msg);
    if (reply) await this.handle(reply);
  }

  full() {
    return this.send({
      agentDescription: create(AgentDescriptionSchema, {
        identifyingAttributes: [kv('service.name', 'otelcol-flowgate'), kv('service.version', '0.0.0-test')],
        nonIdentifyingAttributes: [kv('host.name', this.opts.hostName)],
      }),
      health: create(ComponentHealthSchema, { healthy: true, status: 'StatusOK' }),
      remoteConfigStatus: create(RemoteConfigStatusSchema, { lastRemoteConfigHash: this.hash, status: this.status }),
    });
  }

  async start() {
    await this.client.start();
    if (this.client.transport === 'http') await this.full();
  }
  stop() {
    return this.client.stop();
  }
}
