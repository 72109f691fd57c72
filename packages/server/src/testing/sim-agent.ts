// A simulated agent for server tests: our OpAMP client plus a queue of what the server sent.
import {
  OpampClient,
  create,
  AgentDescriptionSchema,
  KeyValueSchema,
  AnyValueSchema,
  RemoteConfigStatuses,
  RemoteConfigStatusSchema,
  EffectiveConfigSchema,
  AgentConfigMapSchema,
  AgentConfigFileSchema,
  ComponentHealthSchema,
  AvailableComponentsSchema,
  ComponentDetailsSchema,
  customCapabilities,
  type ServerToAgent,
  type AgentToServerInit,
} from '@flowgate/opamp';
import { createHash } from 'node:crypto';

export function kv(key: string, value: string) {
  return create(KeyValueSchema, { key, value: create(AnyValueSchema, { value: { case: 'stringValue', value } }) });
}

export function description(hostName: string, serviceName = 'otelcol-flowgate', version = '0.161.0') {
  return create(AgentDescriptionSchema, {
    identifyingAttributes: [kv('service.name', serviceName), kv('service.version', version)],
    nonIdentifyingAttributes: [kv('host.name', hostName), kv('os.type', 'linux')],
  });
}

/** AvailableComponents as a collector reports them: {receivers: {otlp: …}, processors: {…}, …}. */
export function availableComponents(kinds: Record<string, string[]>) {
  const components = Object.fromEntries(
    Object.entries(kinds).map(([kind, types]) => [
      kind,
      create(ComponentDetailsSchema, {
        subComponentMap: Object.fromEntries(types.map((t) => [t, create(ComponentDetailsSchema, {})])),
      }),
    ]),
  );
  const hash = createHash('sha256').update(JSON.stringify(kinds)).digest();
  return create(AvailableComponentsSchema, { components, hash });
}

export class SimAgent {
  readonly client: OpampClient;
  readonly received: ServerToAgent[] = [];
  private waiters: {
    pred: (m: ServerToAgent) => boolean;
    resolve: (m: ServerToAgent) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  }[] = [];

  constructor(opts: {
    url: string;
    token: string;
    capabilities?: bigint;
    instanceUid?: Uint8Array;
    heartbeatSeconds?: number;
    reconnect?: boolean;
  }) {
    this.client = new OpampClient({
      url: opts.url,
      headers: { Authorization: `Bearer ${opts.token}` },
      capabilities: opts.capabilities,
      instanceUid: opts.instanceUid,
      heartbeatSeconds: opts.heartbeatSeconds ?? 0,
      reconnect: opts.reconnect === false ? false : { minDelayMs: 100, maxDelayMs: 1000 },
      onMessage: (m) => this.deliver(m),
    });
  }

  private deliver(m: ServerToAgent) {
    this.received.push(m);
    for (const w of [...this.waiters]) {
      if (w.pred(m)) {
        clearTimeout(w.timer);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  }

  /** Sends; for HTTP the reply is recorded like a pushed message. */
  async send(msg: AgentToServerInit = {}): Promise<ServerToAgent | undefined> {
    const reply = await this.client.send(msg);
    if (reply) this.deliver(reply);
    return reply;
  }

  /** Resolves with the first message (already received or future) matching pred. */
  next(pred: (m: ServerToAgent) => boolean, timeoutMs = 10_000, fromIndex = 0): Promise<ServerToAgent> {
    const hit = this.received.slice(fromIndex).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out waiting for a server message; got ${this.received.length}`));
      }, timeoutMs);
      this.waiters.push({ pred, resolve, reject, timer });
    });
  }

  start() {
    return this.client.start();
  }
  stop() {
    return this.client.stop();
  }
}

/** Polls fn until it returns a truthy value. */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * An agent that behaves like the supervisor: answers ReportFullState with its whole state, applies
 * pushed configs (APPLYING, then APPLIED or FAILED when `fails(body)` says so) and reports the
 * effective config.
 */
export class AutoAgent extends SimAgent {
  hostName: string;
  appliedHash: Uint8Array = new Uint8Array();
  status = RemoteConfigStatuses.RemoteConfigStatuses_UNSET;
  error = '';
  effective = '';
  readonly configs: { hash: string; body: string; ok: boolean }[] = [];

  /** Reported with every full state when set: available components by kind, custom capabilities. */
  components: Record<string, string[]> | undefined;
  customCapabilities: string[] | undefined;

  constructor(
    opts: ConstructorParameters<typeof SimAgent>[0] & {
      hostName: string;
      fails?: (body: string) => string | null;
      components?: Record<string, string[]>;
      customCapabilities?: string[];
    },
  ) {
    super(opts);
    this.hostName = opts.hostName;
    this.components = opts.components;
    this.customCapabilities = opts.customCapabilities;
    const fails = opts.fails ?? (() => null);
    this.client['opts'].onConnect = () => void this.sendFull().catch(() => undefined);
    const deliver = this.client['opts'].onMessage!;
    this.client['opts'].onMessage = (m) => {
      deliver(m);
      void (async () => {
        if (m.remoteConfig?.config) {
          const body = Object.values(m.remoteConfig.config.configMap)
            .map((f) => Buffer.from(f.body).toString())
            .join('\n');
          const hash = m.remoteConfig.configHash;
          await this.send({
            remoteConfigStatus: create(RemoteConfigStatusSchema, {
              lastRemoteConfigHash: hash,
              status: RemoteConfigStatuses.RemoteConfigStatuses_APPLYING,
            }),
          });
          await new Promise((r) => setTimeout(r, 20));
          const err = fails(body);
          this.configs.push({ hash: Buffer.from(hash).toString('hex'), body, ok: !err });
          if (err) {
            this.status = RemoteConfigStatuses.RemoteConfigStatuses_FAILED;
            this.error = err;
            this.appliedHash = hash;
          } else {
            this.status = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
            this.error = '';
            this.appliedHash = hash;
            this.effective = body;
          }
          await this.send({
            remoteConfigStatus: create(RemoteConfigStatusSchema, {
              lastRemoteConfigHash: hash,
              status: this.status,
              errorMessage: this.error,
            }),
            ...(err
              ? {}
              : {
                  effectiveConfig: create(EffectiveConfigSchema, {
                    configMap: create(AgentConfigMapSchema, {
                      configMap: { '': create(AgentConfigFileSchema, { body: Buffer.from(body) }) },
                    }),
                  }),
                }),
          });
        } else if (m.flags & 0x1n) {
          await this.sendFull();
        }
      })().catch(() => undefined);
    };
  }

  sendFull() {
    return this.send({
      agentDescription: description(this.hostName),
      health: create(ComponentHealthSchema, { healthy: true, status: 'StatusOK' }),
      remoteConfigStatus: create(RemoteConfigStatusSchema, {
        lastRemoteConfigHash: this.appliedHash,
        status: this.status,
        errorMessage: this.error,
      }),
      ...(this.components ? { availableComponents: availableComponents(this.components) } : {}),
      ...(this.customCapabilities ? { customCapabilities: customCapabilities(this.customCapabilities) } : {}),
      ...(this.effective
        ? {
            effectiveConfig: create(EffectiveConfigSchema, {
              configMap: create(AgentConfigMapSchema, {
                configMap: { '': create(AgentConfigFileSchema, { body: Buffer.from(this.effective) }) },
              }),
            }),
          }
        : {}),
    });
  }
}
