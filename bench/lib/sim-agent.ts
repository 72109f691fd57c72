// One simulated gateway: an OpampClient plus what a supervisor would do with it — full state on
// connect and on ReportFullState, remote config answered APPLYING then (after a short delay)
// APPLIED or FAILED, with the new effective config. Kept small: tens of thousands live in one process.
import {
  OpampClient,
  create,
  RemoteConfigStatusSchema,
  RemoteConfigStatuses,
  AgentCapability,
  ServerToAgentFlag,
  uuidFromBytes,
  type ServerToAgent,
  type ComponentHealth,
  type EffectiveConfig,
} from '@flowgate/opamp';
import type http from 'node:http';
import { description, effectiveConfig } from './payloads.ts';

export interface SimShared {
  url: string;
  token: string;
  transport: 'websocket' | 'http';
  heartbeatSeconds: number;
  applyDelayMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  health: ComponentHealth;
  baseEffective: EffectiveConfig;
  httpAgent?: http.Agent;
  counters: { sent: number; received: number; errors: number; sendFailures: number };
}

export const CAPABILITIES =
  AgentCapability.ReportsStatus |
  AgentCapability.AcceptsRemoteConfig |
  AgentCapability.ReportsEffectiveConfig |
  AgentCapability.ReportsRemoteConfig |
  AgentCapability.ReportsHealth |
  AgentCapability.ReportsHeartbeat |
  AgentCapability.AcceptsRestartCommand;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class SimAgent {
  readonly client: OpampClient;
  readonly hostName: string;
  /** Connections opened (WebSocket) — 1 after the first connect. */
  connects = 0;
  /** The first reply after the latest (re)connect arrived without ReportFullState: the server has our full state. */
  fullStateAcked = false;
  fullStateAckedAt = 0;
  private awaitingFirstReply = false;
  configHash: Uint8Array = new Uint8Array();
  configStatus = RemoteConfigStatuses.RemoteConfigStatuses_UNSET;
  configError = '';
  effective: EffectiveConfig;
  /** Last remote config: hash (hex), when it arrived, when APPLIED/FAILED was sent. */
  lastConfig: { hash: string; receivedAt: number; doneAt: number; failed: boolean } | null = null;
  /**
   * Every config received, by hash: after a FAILED one the control plane re-sends the last good (or
   * base) config, so the last config alone does not tell whether a deployment's config arrived.
   */
  readonly seenConfigs = new Map<string, { hash: string; receivedAt: number; doneAt: number; failed: boolean }>();
  private jitterTimer: NodeJS.Timeout | undefined;
  private applyTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly index: number,
    readonly shared: SimShared,
    opts: { hostName: string; localAddress?: string; fails: boolean },
  ) {
    this.hostName = opts.hostName;
    this.fails = opts.fails;
    this.effective = shared.baseEffective;
    this.client = new OpampClient({
      url: shared.url,
      transport: shared.transport,
      headers: { Authorization: `Bearer ${shared.token}` },
      capabilities: CAPABILITIES,
      heartbeatSeconds: shared.heartbeatSeconds,
      localAddress: opts.localAddress,
      httpAgent: shared.httpAgent,
      reconnect: { minDelayMs: shared.reconnectMinMs, maxDelayMs: shared.reconnectMaxMs },
      onConnect: () => {
        this.connects++;
        this.fullStateAcked = false;
        this.awaitingFirstReply = true;
        this.full();
      },
      onDisconnect: () => {
        this.fullStateAcked = false;
        if (this.jitterTimer) clearTimeout(this.jitterTimer);
      },
      onError: () => {
        shared.counters.errors++;
        if (shared.transport === 'http') {
          // A failed poll: the server may have restarted; count us back only once it has our full state.
          this.fullStateAcked = false;
          this.awaitingFirstReply = true;
        }
      },
      onMessage: (m) => this.handle(m),
    });
  }
  readonly fails: boolean;

  get uid(): string {
    return uuidFromBytes(this.client.instanceUid);
  }

  async start(): Promise<void> {
    this.stopped = false;
    // HTTP: start() sends an empty first poll; the server asks for full state in its reply (handled in onMessage).
    if (this.shared.transport === 'http') {
      this.connects++;
      this.awaitingFirstReply = true;
    }
    await this.client.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.jitterTimer) clearTimeout(this.jitterTimer);
    if (this.applyTimer) clearTimeout(this.applyTimer);
    await this.client.stop();
  }

  private send(msg: Parameters<OpampClient['send']>[0]): void {
    if (this.stopped) return;
    this.shared.counters.sent++;
    this.client.send(msg).catch(() => {
      this.shared.counters.sendFailures++;
    });
  }

  private status() {
    return create(RemoteConfigStatusSchema, {
      lastRemoteConfigHash: this.configHash,
      status: this.configStatus,
      errorMessage: this.configError,
    });
  }

  full(): void {
    this.send({
      agentDescription: description(this.hostName, this.hostName),
      health: this.shared.health,
      effectiveConfig: this.effective,
      remoteConfigStatus: this.status(),
    });
  }

  private handle(m: ServerToAgent): void {
    this.shared.counters.received++;
    if (m.errorResponse) return;
    if (m.flags & ServerToAgentFlag.ReportFullState) {
      this.full();
      return; // the answer to this full state is the one that counts
    }
    if (this.awaitingFirstReply) {
      this.awaitingFirstReply = false;
      this.fullStateAcked = true;
      this.fullStateAckedAt = Date.now();
      this.spreadHeartbeats();
    }
    const rc = m.remoteConfig;
    if (rc?.config)
      this.applyRemoteConfig(rc.configHash, Object.values(rc.config.configMap)[0]?.body ?? new Uint8Array());
  }

  /**
   * Heartbeats of a fleet that connected in a burst would all fire
   * together: move ours to a random phase once per connection.
   */
  private spreadHeartbeats(): void {
    const hb = this.shared.heartbeatSeconds * 1000;
    if (hb <= 0 || this.shared.transport !== 'websocket') return;
    if (this.jitterTimer) clearTimeout(this.jitterTimer);
    this.jitterTimer = setTimeout(() => this.send({}), Math.floor(Math.random() * hb));
  }

  private applyRemoteConfig(hash: Uint8Array, body: Uint8Array): void {
    const h = hex(hash);
    if (this.lastConfig?.hash === h && this.lastConfig.doneAt) {
      this.send({ remoteConfigStatus: this.status() }); // a resend of what we already have
      return;
    }
    this.lastConfig = { hash: h, receivedAt: Date.now(), doneAt: 0, failed: false };
    if (!this.seenConfigs.has(h)) this.seenConfigs.set(h, this.lastConfig);
    this.configHash = hash;
    this.configStatus = RemoteConfigStatuses.RemoteConfigStatuses_APPLYING;
    this.configError = '';
    this.send({ remoteConfigStatus: this.status() });
    if (this.applyTimer) clearTimeout(this.applyTimer);
    this.applyTimer = setTimeout(() => {
      this.applyTimer = undefined;
      const cfg = this.lastConfig;
      if (!cfg || cfg.hash !== h) return;
      if (this.fails) {
        this.configStatus = RemoteConfigStatuses.RemoteConfigStatuses_FAILED;
        this.configError = 'simulated failure: collector refused the configuration';
        cfg.failed = true;
        this.send({ remoteConfigStatus: this.status() });
      } else {
        this.configStatus = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
        this.effective = effectiveConfig(body);
        this.send({ remoteConfigStatus: this.status(), effectiveConfig: this.effective });
      }
      cfg.doneAt = Date.now();
    }, this.shared.applyDelayMs);
  }
}
