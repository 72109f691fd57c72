// A minimal supervisor-like OpAMP agent for black-box tests (packages/opamp's client).
import {
  OpampClient,
  create,
  AgentDescriptionSchema,
  KeyValueSchema,
  AnyValueSchema,
  RemoteConfigStatuses,
  RemoteConfigStatusSchema,
  ComponentHealthSchema,
  EffectiveConfigSchema,
  AgentConfigMapSchema,
  AgentConfigFileSchema,
  AgentCapability,
  AvailableComponentsSchema,
  ComponentDetailsSchema,
  customCapabilities,
  type ServerToAgent,
  type ComponentHealth,
} from '@flowgate/opamp';
import { createHash } from 'node:crypto';

const kv = (key: string, value: string) =>
  create(KeyValueSchema, { key, value: create(AnyValueSchema, { value: { case: 'stringValue', value } }) });

export interface TestAgentOptions {
  url: string;
  token: string;
  hostName: string;
  instanceUid?: Uint8Array;
  transport?: 'websocket' | 'http';
  /** Reported as service.version (default 0.0.0-test). */
  version?: string;
  /** Capabilities added to the default set (e.g. ReportsOwnMetrics). */
  extraCapabilities?: bigint;
  /**
   * How it answers a remote config: null applies it, a string fails it with that error text. May wait
   * (a gateway slow to apply). Default: apply at once.
   */
  answer?: (config: string) => string | null | Promise<string | null>;
  /** Reports this as its effective config (then whatever it applies); implies ReportsEffectiveConfig. */
  effectiveConfig?: string;
  /** Reported available components by kind (e.g. {processors: ['batch', 'flowgate_measure']}). */
  components?: Record<string, string[]>;
  /** OpAMP custom capabilities it announces (e.g. io.flowgate.measure). */
  customCapabilities?: string[];
}

function availableComponents(kinds: Record<string, string[]>) {
  return create(AvailableComponentsSchema, {
    components: Object.fromEntries(
      Object.entries(kinds).map(([kind, types]) => [
        kind,
        create(ComponentDetailsSchema, {
          subComponentMap: Object.fromEntries(types.map((t) => [t, create(ComponentDetailsSchema, {})])),
        }),
      ]),
    ),
    hash: createHash('sha256').update(JSON.stringify(kinds)).digest(),
  });
}

export class TestAgent {
  readonly client: OpampClient;
  readonly received: ServerToAgent[] = [];
  readonly applied: string[] = [];
  status = RemoteConfigStatuses.RemoteConfigStatuses_UNSET;
  hash: Uint8Array = new Uint8Array();
  errorMessage = '';
  /** Sent with every full report; replace it and call full() to report another health tree. */
  health: ComponentHealth = create(ComponentHealthSchema, { healthy: true, status: 'StatusOK' });
  effective: string | undefined;

  constructor(readonly opts: TestAgentOptions) {
    this.effective = opts.effectiveConfig;
    const base =
      AgentCapability.ReportsStatus |
      AgentCapability.AcceptsRemoteConfig |
      AgentCapability.ReportsRemoteConfig |
      AgentCapability.ReportsHealth |
      AgentCapability.AcceptsRestartCommand;
    this.client = new OpampClient({
      url: opts.url,
      transport: opts.transport,
      headers: { Authorization: `Bearer ${opts.token}` },
      instanceUid: opts.instanceUid,
      heartbeatSeconds: opts.transport === 'http' ? 1 : 0,
      capabilities:
        base |
        (opts.extraCapabilities ?? 0n) |
        (opts.effectiveConfig !== undefined ? AgentCapability.ReportsEffectiveConfig : 0n),
      reconnect: { minDelayMs: 200, maxDelayMs: 1000 },
      onConnect: () => void this.full().catch(() => undefined),
      onMessage: (m) => void this.handle(m).catch(() => undefined),
    });
  }

  private effectiveConfigMessage() {
    if (this.effective === undefined) return undefined;
    return create(EffectiveConfigSchema, {
      configMap: create(AgentConfigMapSchema, {
        configMap: {
          '': create(AgentConfigFileSchema, { body: Buffer.from(this.effective), contentType: 'text/yaml' }),
        },
      }),
    });
  }

  private async handle(m: ServerToAgent) {
    this.received.push(m);
    if (m.remoteConfig?.config) {
      const body = Object.values(m.remoteConfig.config.configMap)
        .map((f) => Buffer.from(f.body).toString())
        .join('\n');
      const rejection = (await this.opts.answer?.(body)) ?? null;
      this.hash = m.remoteConfig.configHash; // only now: a report sent while it waits still names the old config
      if (rejection === null) {
        this.applied.push(body);
        this.status = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
        this.errorMessage = '';
        if (this.effective !== undefined) this.effective = body;
      } else {
        this.status = RemoteConfigStatuses.RemoteConfigStatuses_FAILED;
        this.errorMessage = rejection;
      }
      await this.send({
        remoteConfigStatus: this.remoteConfigStatus(),
        effectiveConfig: this.effectiveConfigMessage(),
      });
    } else if (m.flags & 0x1n) {
      await this.full();
    }
  }

  private remoteConfigStatus() {
    return create(RemoteConfigStatusSchema, {
      lastRemoteConfigHash: this.hash,
      status: this.status,
      errorMessage: this.errorMessage,
    });
  }

  async send(msg: Parameters<OpampClient['send']>[0]) {
    const reply = await this.client.send(msg);
    if (reply) await this.handle(reply);
  }

  full() {
    return this.send({
      agentDescription: create(AgentDescriptionSchema, {
        identifyingAttributes: [
          kv('service.name', 'otelcol-flowgate'),
          kv('service.version', this.opts.version ?? '0.0.0-test'),
        ],
        nonIdentifyingAttributes: [kv('host.name', this.opts.hostName)],
      }),
      health: this.health,
      remoteConfigStatus: this.remoteConfigStatus(),
      effectiveConfig: this.effectiveConfigMessage(),
      ...(this.opts.components ? { availableComponents: availableComponents(this.opts.components) } : {}),
      ...(this.opts.customCapabilities ? { customCapabilities: customCapabilities(this.opts.customCapabilities) } : {}),
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
