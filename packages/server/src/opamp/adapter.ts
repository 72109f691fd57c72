// The OpAMP adapter: protocol (packages/opamp) ↔ Flowgate's gateway services. Owns the per-agent live
// state on this replica, enrolment over OpAMP, full-state requests, remote-config pushes, own-telemetry
// offers, commands, and cross-replica delivery through the event bus.
import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import {
  create,
  createOpampServer,
  configHash,
  uuidFromBytes,
  newInstanceUid,
  RemoteConfigStatuses,
  ServerToAgentSchema,
  AgentRemoteConfigSchema,
  AgentConfigMapSchema,
  AgentConfigFileSchema,
  ConnectionSettingsOffersSchema,
  TelemetryConnectionSettingsSchema,
  HeadersSchema,
  HeaderSchema,
  ServerToAgentCommandSchema,
  CommandType,
  ServerErrorResponseSchema,
  ServerErrorResponseType,
  AgentIdentificationSchema,
  RetryInfoSchema,
  type AgentToServer,
  type ServerToAgent,
  type OpampConnection,
  type OpampServer,
} from '@flowgate/opamp';
import { isUniqueViolation, type Db } from '../platform/db/db.ts';
import type { EventBus } from '../platform/events/bus.ts';
import type { Metrics } from '../platform/metrics.ts';
import { redisChannels } from '../platform/names.ts';
import { systemScope, type OrgScope } from '../platform/scope.ts';
import { sha256Hex, telemetryToken } from '../platform/crypto.ts';
import * as store from '../modules/gateways/gateways.store.ts';
import type { GatewayRow, DesiredConfig } from '../modules/gateways/gateways.store.ts';
import type { GatewaysService, GatewayCommand } from '../modules/gateways/gateways.service.ts';
import * as tokensStore from '../modules/gateways/registration-tokens.store.ts';
import { audit } from '../modules/audit/audit.store.ts';
import { bearerOf } from './bearer.ts';
import { createLastSeenBatcher } from './last-seen.ts';
import { createGatewayPatchBatcher } from '../modules/gateways/patch-batcher.ts';
import { descriptionOf, healthTree, hex, storable } from './translate.ts';
import { hasMeasureComponent } from '@flowgate/config-model';
import { announcedCustomCapabilities } from '@flowgate/opamp';
import type { CustomMessages } from './custom-messages.ts';
import { createWireHashes, forGateway, type ResolvedConfig } from './measure-injection.ts';

const Cap = {
  AcceptsRemoteConfig: 0x2n,
  ReportsOwnMetrics: 0x40n,
  AcceptsRestartCommand: 0x400n,
  ReportsRemoteConfig: 0x1000n,
};
// AcceptsStatus | OffersRemoteConfig | AcceptsEffectiveConfig | OffersConnectionSettings
export const SERVER_CAPABILITIES = 0x1n | 0x2n | 0x4n | 0x20n;
const ReportFullState = 0x1n;
const ReportAvailableComponents = 0x2n;
const rcsName: Record<number, 'UNSET' | 'APPLIED' | 'APPLYING' | 'FAILED'> = {
  [RemoteConfigStatuses.RemoteConfigStatuses_UNSET]: 'UNSET',
  [RemoteConfigStatuses.RemoteConfigStatuses_APPLIED]: 'APPLIED',
  [RemoteConfigStatuses.RemoteConfigStatuses_APPLYING]: 'APPLYING',
  [RemoteConfigStatuses.RemoteConfigStatuses_FAILED]: 'FAILED',
};

/** How long a connection suspected to be a duplicate's stale twin has to answer a ping. */
const DUPLICATE_PROBE_MS = 5000;

export interface OpampContext {
  orgId: string;
  /** Set when the agent presented a gateway's OpAMP token. */
  gatewayId: string | null;
  /** Set when the agent presented a registration token (zero-touch enrolment). */
  registrationTokenId: string | null;
  /**
   * The registration token is expired or used up (not revoked): only gateways it enrolled may
   * reconnect with it; it enrols no new one.
   */
  reconnectOnly?: boolean;
  baseUrl: string;
  /** The id of the gateway token it was admitted with (its messages are stored only while it is valid). */
  tokenJti?: string | null;
}

export interface RemoteConfigStatusEvent {
  orgId: string;
  gatewayId: string;
  hash: string | null;
  status: 'UNSET' | 'APPLIED' | 'APPLYING' | 'FAILED';
  error: string | null;
}

interface AgentState {
  uid: string;
  gatewayId: string;
  orgId: string;
  connId: string;
  transport: 'websocket' | 'http';
  lastSeq: bigint | null;
  lastMessageAt: number;
  capabilities: bigint;
  reportedHash: string | null;
  reportedStatus: string | null;
  descriptionKey: string | null;
  availableComponentsHash: string | null;
  ownMetricsOfferHash: string | null;
  /** Hash sent on this connection (as sent: see measure-injection.ts); not re-sent until it changes. */
  sentHash: string | null;
  desired: ResolvedConfig | null;
  /** The hash the agent last reported, as it reported it (reportedHash is the configuration's). */
  reportedWire: string | null;
  /** Its build has the flowgate_measure processor (available components); null: not reported yet. */
  measure: boolean | null;
  /** OpAMP custom capabilities it announced; null: none announced yet. */
  customCapabilities: string[] | null;
  /** The desired config as stored (secrets unresolved), to remember it once APPLIED. */
  desiredStored: DesiredConfig | null;
  /** undefined: not loaded (read from the database only when a recovery needs it). */
  appliedConfig: DesiredConfig | null | undefined;
  appliedHash: string | null;
  failedHash: string | null;
  nameIsCustom: boolean;
  pendingRestart: boolean;
  conn: OpampConnection<OpampContext> | null;
  /** Plain-HTTP agents: this state's key in httpStates. */
  httpKey: string | null;
  /** The registration token this agent's connection was admitted with (zero-touch), if any. */
  registrationTokenId: string | null;
  /** A push being loaded for this agent: a poll that arrives meanwhile waits for it, so it carries the config. */
  refreshing?: Promise<void> | null;
}

export interface OpampAdapterDeps {
  db: Db;
  bus: EventBus;
  gateways: GatewaysService;
  metrics: Metrics;
  logger: pino.Logger;
  secret: string;
  publicUrl: string | null;
  /** Turns stored files (with ${secret:NAME}) into what is sent; default: unchanged. */
  resolveConfig?: (scope: OrgScope, files: Record<string, string>) => Promise<Record<string, string>>;
  onRemoteConfigStatus?: (e: RemoteConfigStatusEvent) => Promise<void> | void;
  onGatewayOnline?: (orgId: string, gatewayId: string) => Promise<void> | void;
  /** Custom messages (OpAMP custom capabilities) to and from the features that own them. */
  customMessages?: CustomMessages;
  maxMessageBytes?: number;
  /**
   * Messages one agent (one gateway token, or one instance_uid under a registration token) may send:
   * a token bucket of `burst`, refilled at `perSecond`. Beyond it the message is not processed and is
   * answered UNAVAILABLE with retry_info (spec: throttling). Default 60 / 10 per second — a supervisor
   * sends a handful on a config change and one per heartbeat.
   */
  messageBudget?: { burst: number; perSecond: number };
  /** A replica silent this long is taken for dead and its WebSocket gateways for disconnected (default 60). */
  replicaTimeoutSeconds?: number;
}

/**
 * Where the agent reaches the control plane's HTTP API (own_metrics ingest). An agent on the dedicated
 * OpAMP port (`apiPort` set) reached us on a port that serves OpAMP only: same host, the API's port.
 */
function baseUrlOf(req: IncomingMessage, publicUrl: string | null, apiPort: number | null): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  const proto = (req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0] ?? 'http';
  const host = req.headers.host ?? 'localhost:8000';
  return `${proto}://${apiPort === null ? host : `${host.replace(/:\d+$/, '')}:${apiPort}`}`;
}

export function createOpampAdapter(deps: OpampAdapterDeps) {
  const { db, bus, gateways, logger } = deps;
  const log = logger.child({ component: 'opamp' });
  const resolveConfig = deps.resolveConfig ?? (async (_s: OrgScope, files: Record<string, string>) => files);
  /** Agent state changes of many agents: one statement and one commit per moment (see patch-batcher.ts). */
  const patches = createGatewayPatchBatcher(db);
  const lastSeen = createLastSeenBatcher(db, {
    onError: (err) => log.warn({ err: (err as Error).message }, 'last_seen batch failed; will retry'),
  });
  /** WebSocket agents on this replica by gateway id. */
  const wsByGateway = new Map<string, AgentState>();
  /** WebSocket agent state by connection id. */
  const wsByConn = new Map<string, AgentState>();
  /** The same states by org and instance_uid (duplicate detection without scanning every connection). */
  const wsByUid = new Map<string, AgentState>();
  const uidKey = (orgId: string, uid: string) => `${orgId}/${uid}`;
  function trackWs(state: AgentState) {
    const old = wsByConn.get(state.connId);
    if (old && old !== state) untrackWs(old);
    wsByConn.set(state.connId, state);
    wsByUid.set(uidKey(state.orgId, state.uid), state);
  }
  /** Drops what this replica holds for an agent's connection (its next message is handled as a new one). */
  function forgetState(state: AgentState) {
    if (state.httpKey) {
      if (httpStates.get(state.httpKey) === state) httpStates.delete(state.httpKey);
      return;
    }
    untrackWs(state);
    if (wsByGateway.get(state.gatewayId) === state) wsByGateway.delete(state.gatewayId);
  }
  function untrackWs(state: AgentState) {
    if (wsByConn.get(state.connId) === state) wsByConn.delete(state.connId);
    const k = uidKey(state.orgId, state.uid);
    if (wsByUid.get(k) === state) wsByUid.delete(k);
  }
  /**
   * HTTP agents: state by credential, dropped after inactivity. An OpAMP token names its gateway, so
   * its agent has one state whatever instance_uid it sends; under a registration token the key is
   * (org, instance_uid). Never by instance_uid alone: another org's (or another gateway's) agent
   * presenting the same uid would read and write this agent's state and receive its configuration.
   */
  const httpStates = new Map<string, AgentState>();
  const httpKeyOf = (ctx: OpampContext, uid: string) =>
    ctx.gatewayId ? `gateway:${ctx.gatewayId}` : `enrol:${ctx.orgId}:${uid}`;
  const eventTimers = new Map<string, NodeJS.Timeout>();
  let messages = 0;
  let throttled = 0;

  // Per-agent message budget. Each message costs database writes (state, config events, deployment
  // hooks): without a bound one agent with a valid token can keep the database busy for everyone.
  const budget = deps.messageBudget ?? { burst: 60, perSecond: 10 };
  /** `owed`: we dropped a message of this agent, so its next accepted reply asks for the full state. */
  const buckets = new Map<string, { tokens: number; at: number; owed: boolean }>();
  /** Takes one message from the agent's budget; returns 0 when allowed, else milliseconds to wait. */
  function spend(key: string, now = Date.now()): number {
    const b = buckets.get(key) ?? { tokens: budget.burst, at: now, owed: false };
    b.tokens = Math.min(budget.burst, b.tokens + ((now - b.at) / 1000) * budget.perSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / budget.perSecond) * 1000);
  }

  /**
   * Coalesces the live UI's refresh hints per gateway (at most one per second; a connection change at
   * once). The domain events gateway.connected / gateway.disconnected are not sent from here: a trigger
   * records them with the change itself, and the outbox publishes them to the same stream and to webhooks.
   */
  function emitUpdated(orgId: string, gatewayId: string, connectionChanged = false) {
    if (eventTimers.has(gatewayId)) return;
    eventTimers.set(
      gatewayId,
      setTimeout(
        () => {
          eventTimers.delete(gatewayId);
          void gateways.publishEvent('gateway.updated', orgId, gatewayId);
        },
        connectionChanged ? 0 : 1000,
      ),
    );
  }

  async function admit(req: IncomingMessage) {
    let token = bearerOf(req.headers.authorization);
    if (!token) {
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
      token = q;
    }
    if (!token) return { ok: false as const, status: 401, message: 'missing bearer token' };
    const baseUrl = baseUrlOf(req, deps.publicUrl, apiPortOf.get(req.socket.localPort ?? -1) ?? null);
    try {
      if (token.startsWith('fgr_')) {
        const rt = await gateways.usableRegistrationToken(token);
        if (rt)
          return {
            ok: true as const,
            context: { orgId: rt.org_id, gatewayId: null, registrationTokenId: rt.id, baseUrl },
          };
        // Zero-touch gateways keep their registration token for good: its expiry or last use ends
        // enrolment, not the gateways already enrolled with it (only revoking it does).
        const spent = await gateways.spentRegistrationToken(token);
        if (!spent)
          return { ok: false as const, status: 401, message: 'invalid, expired or revoked registration token' };
        return {
          ok: true as const,
          context: {
            orgId: spent.org_id,
            gatewayId: null,
            registrationTokenId: spent.id,
            reconnectOnly: true,
            baseUrl,
          },
        };
      }
      const row = await gateways.authenticateOpamp(token);
      if (!row) return { ok: false as const, status: 401, message: 'invalid OpAMP token' };
      return {
        ok: true as const,
        context: {
          orgId: row.org_id,
          gatewayId: row.id,
          registrationTokenId: null,
          baseUrl,
          tokenJti: row.opamp_token_jti,
        },
      };
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'admission failed: database unavailable');
      return {
        ok: false as const,
        status: 503,
        headers: { 'Retry-After': '30' },
        message: 'control plane unavailable',
      };
    }
  }

  function nameFrom(
    description: { identifying: Record<string, string>; non_identifying: Record<string, string> } | null,
    uid: string,
  ): string {
    // The name the user gave in the supervisor config we hand out (GET /api/v1/supervisor/config?name=);
    // host.name alone gives every gateway of a host the same name.
    const given = description?.non_identifying['flowgate.gateway.name']?.trim();
    if (given) return given.slice(0, 200);
    const host = description?.non_identifying['host.name'] ?? description?.identifying['host.name'];
    if (host) return host;
    const svc = description?.identifying['service.name'];
    return `${svc ?? 'gateway'}-${uid.slice(-8)}`;
  }

  /** Finds or enrols the gateway behind a message; null when the agent must be refused. */
  async function resolveGateway(
    ctx: OpampContext,
    uid: string,
    msg: AgentToServer,
  ): Promise<{ row: GatewayRow } | { error: string }> {
    const scope = systemScope(ctx.orgId, { type: 'gateway', id: ctx.gatewayId, label: `opamp:${uid}` });
    if (ctx.gatewayId) {
      const row = await store.getGateway(db, scope, ctx.gatewayId);
      if (!row) return { error: 'gateway was deleted' };
      if (row.instance_uid !== uid) {
        const clash = await store.getGatewayByInstanceUid(db, scope, uid);
        if (clash && clash.id !== row.id) await store.updateGateway(db, scope, clash.id, { instance_uid: null });
        const updated = await store.updateGateway(db, scope, row.id, { instance_uid: uid });
        if (row.instance_uid)
          log.info(
            { gateway: row.id, from: row.instance_uid, to: uid },
            'gateway connected with a new instance_uid (storage lost?)',
          );
        return { row: updated! };
      }
      return { row };
    }
    const existing = await store.getGatewayByInstanceUid(db, scope, uid);
    if (existing) {
      // A registration token speaks only for the gateways it enrolled zero-touch: anyone holding one of
      // the org's tokens must not become another gateway (and receive its configuration, secrets
      // resolved) by presenting that gateway's instance_uid.
      const enrolledByThisToken =
        existing.registration_token_id === ctx.registrationTokenId && existing.extra_metadata?.enrolled_via === 'opamp';
      if (enrolledByThisToken) return { row: existing };
      log.warn({ uid, gateway: existing.id }, 'refusing a registration token for a gateway it did not enrol');
      return {
        error:
          'this instance_uid belongs to a gateway that was not enrolled with this registration token: ' +
          "connect with that gateway's own OpAMP token (or the registration token that enrolled it)",
      };
    }
    if (ctx.reconnectOnly)
      return { error: 'registration token is expired or used up: it lets only the gateways it enrolled reconnect' };
    const description = msg.agentDescription ? descriptionOf(msg.agentDescription) : null;
    try {
      const row = await db.tx(async (sql) => {
        if (!(await tokensStore.consumeRegistrationToken(sql, ctx.registrationTokenId!))) return null;
        const created = await store.insertGateway(sql, scope, {
          instanceId: uid,
          instanceUid: uid,
          name: nameFrom(description, uid),
          nameIsCustom: false,
          hostname: description?.non_identifying['host.name'] ?? null,
          ipAddress: null,
          metadata: { enrolled_via: 'opamp' },
          registrationTokenId: ctx.registrationTokenId,
          status: 'active',
        });
        await audit(sql, scope, {
          action: 'gateway.enrol',
          resourceType: 'gateway',
          resourceId: created.id,
          after: { name: created.name, instance_uid: uid },
        });
        return created;
      });
      if (!row) return { error: 'registration token is expired, revoked or used up' };
      void gateways.publishEvent('gateway.created', ctx.orgId, row.id);
      return { row };
    } catch (err) {
      // Enrolled concurrently by another connection of the same agent.
      const again = await store.getGatewayByInstanceUid(db, scope, uid);
      if (again) return { row: again };
      throw err;
    }
  }

  function stateFromRow(row: GatewayRow, conn: OpampConnection<OpampContext>, uid: string): AgentState {
    return {
      uid,
      gatewayId: row.id,
      orgId: row.org_id,
      connId: conn.id,
      transport: conn.transport,
      lastSeq: null,
      lastMessageAt: Date.now(),
      capabilities: BigInt(row.capabilities),
      reportedHash: row.remote_config_hash,
      reportedStatus: row.remote_config_status,
      descriptionKey: null,
      availableComponentsHash: row.available_components_hash,
      ownMetricsOfferHash: row.own_metrics_offer_hash,
      sentHash: null,
      desired: null,
      reportedWire: null,
      measure: row.available_components ? hasMeasureComponent(row.available_components) : null,
      customCapabilities: row.custom_capabilities ?? null,
      desiredStored: null,
      appliedConfig: row.applied_config,
      appliedHash: row.applied_config_hash,
      failedHash: row.failed_config_hash,
      nameIsCustom: row.name_is_custom,
      pendingRestart: row.pending_restart,
      conn: conn.transport === 'websocket' ? conn : null,
      httpKey: conn.transport === 'http' ? httpKeyOf(conn.context, uid) : null,
      registrationTokenId: conn.context.registrationTokenId,
    };
  }

  /**
   * The agent behind a gateway's OpAMP token now sends another instance_uid on a connection (or, over
   * HTTP, a credential) we already serve: same gateway, new agent instance. Moves the uid to the
   * gateway (one UPDATE; a clash with another gateway of the org is resolved as resolveGateway does)
   * and keeps what belongs to the gateway; what belonged to the old instance is forgotten.
   */
  async function rebindInstanceUid(
    previous: AgentState,
    conn: OpampConnection<OpampContext>,
    uid: string,
  ): Promise<AgentState | null> {
    const scope = systemScope(previous.orgId, { type: 'gateway', id: previous.gatewayId, label: `opamp:${uid}` });
    let exists: boolean;
    try {
      exists = await store.patchGateway(db, scope, previous.gatewayId, { instance_uid: uid });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const clash = await store.getGatewayByInstanceUid(db, scope, uid);
      if (clash && clash.id !== previous.gatewayId)
        await store.patchGateway(db, scope, clash.id, { instance_uid: null });
      exists = await store.patchGateway(db, scope, previous.gatewayId, { instance_uid: uid });
    }
    if (!exists) return null;
    log.info(
      { gateway: previous.gatewayId, from: previous.uid, to: uid, remote: conn.remoteAddress },
      'agent switched to a new instance_uid',
    );
    return {
      ...previous,
      uid,
      connId: conn.id,
      conn: conn.transport === 'websocket' ? conn : null,
      httpKey: conn.transport === 'http' ? httpKeyOf(conn.context, uid) : null,
      lastSeq: null,
      lastMessageAt: Date.now(),
      descriptionKey: null,
      sentHash: null,
    };
  }

  /**
   * Resolved files per (org, stored desired config, whether the gateway measures): secrets resolved and
   * the measurement processors injected once for a whole batch.
   */
  const resolvedCache = new Map<string, Promise<ResolvedConfig>>();
  const wireHashes = createWireHashes();
  function resolveDesired(
    orgId: string,
    desired: NonNullable<GatewayRow['desired_config']>,
    measure: boolean | null,
    storedHash?: string,
  ) {
    // The stored hash names the stored config; without it (a fallback built here) its text does.
    const config = storedHash ? `#${storedHash}` : JSON.stringify(desired.files);
    const key = `${orgId}\n${measure ? 'measure' : 'plain'}\n${config}`;
    let p = resolvedCache.get(key);
    if (!p) {
      p = resolveConfig(systemScope(orgId), desired.files).then((files) => {
        const resolved = forGateway(
          { files, hash: hex(configHash(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { body: v }])))) },
          measure === true,
        );
        wireHashes.remember(resolved);
        return resolved;
      });
      p.catch(() => resolvedCache.delete(key));
      resolvedCache.set(key, p);
      // Short-lived: a changed secret must take effect on the next push.
      setTimeout(() => resolvedCache.delete(key), 5000).unref();
    }
    return p;
  }

  /**
   * Refreshes what the server wants for these agents: one query for their hashes and flags, one for
   * each distinct desired config (a rollout gives thousands of gateways the same one: it is read and
   * resolved once, not once per gateway). Their applied configs are read only if a recovery needs one.
   */
  async function loadDesired(states: AgentState[]): Promise<void> {
    if (states.length === 0) return;
    const orgId = states[0]!.orgId;
    const ids = states.map((s) => s.gatewayId);
    const rows = await db.query<
      Pick<GatewayRow, 'id' | 'desired_config_hash' | 'failed_config_hash' | 'pending_restart' | 'applied_config_hash'>
    >(
      'SELECT id, desired_config_hash, failed_config_hash, pending_restart, applied_config_hash FROM gateways ' +
        'WHERE org_id = $1 AND id = ANY($2::uuid[])',
      [orgId, ids],
    );
    const hashes = [...new Set(rows.map((r) => r.desired_config_hash).filter((h): h is string => !!h))];
    const configs = new Map<string, DesiredConfig>();
    if (hashes.length) {
      const distinct = await db.query<{ desired_config_hash: string; desired_config: DesiredConfig | null }>(
        `SELECT DISTINCT ON (desired_config_hash) desired_config_hash, desired_config FROM gateways
          WHERE org_id = $1 AND id = ANY($2::uuid[]) AND desired_config_hash = ANY($3::text[])
          ORDER BY desired_config_hash`,
        [orgId, ids, hashes],
      );
      for (const d of distinct) if (d.desired_config) configs.set(d.desired_config_hash, d.desired_config);
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const state of states) {
      const row = byId.get(state.gatewayId);
      if (!row) continue;
      state.failedHash = row.failed_config_hash;
      state.pendingRestart = row.pending_restart;
      if (row.applied_config_hash !== state.appliedHash) state.appliedConfig = undefined;
      state.appliedHash = row.applied_config_hash;
      state.desiredStored = row.desired_config_hash ? (configs.get(row.desired_config_hash) ?? null) : null;
      try {
        state.desired = state.desiredStored
          ? await resolveDesired(state.orgId, state.desiredStored, state.measure, row.desired_config_hash!)
          : null;
      } catch (err) {
        // e.g. a secret the config references was deleted: this gateway keeps what it runs; the others proceed.
        state.desired = null;
        log.warn(
          { gateway: state.gatewayId, err: (err as Error).message },
          'desired config cannot be resolved; not sent',
        );
      }
    }
  }

  function remoteConfigFor(state: AgentState): ServerToAgent['remoteConfig'] {
    const d = state.desired;
    if (!d || (state.capabilities & Cap.AcceptsRemoteConfig) === 0n) return undefined;
    // Running it already: what it reported is what we would send (before it reported on this connection,
    // the stored report of the configuration stands for it).
    const running = state.reportedWire !== null ? d.wire.hash === state.reportedWire : d.hash === state.reportedHash;
    if (running || d.wire.hash === state.sentHash || d.hash === state.failedHash) return undefined;
    state.sentHash = d.wire.hash;
    const configMap: Record<string, ReturnType<typeof create<typeof AgentConfigFileSchema>>> = {};
    for (const [name, body] of Object.entries(d.wire.files))
      configMap[name] = create(AgentConfigFileSchema, { body: Buffer.from(body), contentType: 'text/yaml' });
    return create(AgentRemoteConfigSchema, {
      config: create(AgentConfigMapSchema, { configMap }),
      configHash: Buffer.from(d.wire.hash, 'hex'),
    });
  }

  /**
   * The gateway's build gained or lost the measurement processor (its available components changed, or
   * were reported for the first time): what it should receive changes with it (sent in this reply).
   */
  async function measureChanged(state: AgentState, measure: boolean) {
    if (state.measure === measure) return;
    state.measure = measure;
    if (!state.desiredStored || !state.desired) return;
    try {
      state.desired = await resolveDesired(state.orgId, state.desiredStored, measure, state.desired.hash);
    } catch (err) {
      log.warn(
        { gateway: state.gatewayId, err: (err as Error).message },
        'desired config cannot be resolved; not sent',
      );
    }
  }

  function ownMetricsOffer(state: AgentState, ctx: OpampContext): ServerToAgent['connectionSettings'] {
    if ((state.capabilities & Cap.ReportsOwnMetrics) === 0n) return undefined;
    const endpoint = `${ctx.baseUrl}/v1/metrics`;
    const token = telemetryToken(deps.secret, state.gatewayId);
    const offerHash = sha256Hex(`${endpoint}\n${token}`);
    if (state.ownMetricsOfferHash === offerHash) return undefined;
    state.ownMetricsOfferHash = offerHash;
    void store
      .updateGateway(db, systemScope(state.orgId), state.gatewayId, { own_metrics_offer_hash: offerHash })
      .catch(() => undefined);
    return create(ConnectionSettingsOffersSchema, {
      hash: Buffer.from(offerHash, 'hex'),
      ownMetrics: create(TelemetryConnectionSettingsSchema, {
        destinationEndpoint: endpoint,
        headers: create(HeadersSchema, {
          headers: [create(HeaderSchema, { key: 'Authorization', value: `Bearer ${token}` })],
        }),
      }),
    });
  }

  /**
   * The supervisor at our pinned release has no automatic rollback: after a FAILED config the gateway
   * either keeps its old collector (validate_config caught it) or crash-loops. Either way we make the
   * last APPLIED configuration (or the base config) desired again and send it, and say so — with the
   * gateway's error text, which remote_config.error_message loses as soon as the re-sent config is APPLIED.
   */
  async function planRecovery(
    state: AgentState,
    failedHash: string,
    error: string | null,
    patch: Partial<Record<keyof GatewayRow, unknown>>,
  ) {
    if ((state.capabilities & Cap.AcceptsRemoteConfig) === 0n) return;
    const failedVersion = state.desiredStored?.version ?? null;
    if (state.appliedConfig === undefined) {
      state.appliedConfig =
        (
          await db.query<{ applied_config: DesiredConfig | null }>(
            'SELECT applied_config FROM gateways WHERE org_id = $1 AND id = $2',
            [state.orgId, state.gatewayId],
          )
        )[0]?.applied_config ?? null;
    }
    const fallback: DesiredConfig =
      state.appliedConfig && state.appliedHash !== failedHash
        ? state.appliedConfig
        : {
            files: { 'collector.yaml': await gateways.baseConfig(state.orgId) },
            deployment_id: null,
            template_id: null,
            version: null,
          };
    const resolved = await resolveDesired(state.orgId, fallback, state.measure);
    if (resolved.hash === failedHash) return;
    const what =
      fallback === state.appliedConfig
        ? `the last applied configuration${fallback.version ? ` (version ${fallback.version})` : ''}`
        : 'the base configuration';
    const failed = failedVersion ? `Version ${failedVersion}` : 'The configuration';
    const shown = error && error.length > 1000 ? `${error.slice(0, 1000)}…` : error;
    const reported = error ? ` The gateway reported: ${shown}` : '';
    Object.assign(patch, {
      desired_config: fallback,
      desired_config_hash: resolved.hash,
      current_config_version: fallback.version,
      config_recovery: `${failed} failed; the control plane re-sent ${what}.${reported}`,
      config_recovery_at: new Date(),
    });
    state.desiredStored = fallback;
    state.desired = resolved;
    state.sentHash = null;
    log.info(
      { gateway: state.gatewayId, failedHash, resent: resolved.hash },
      'config failed: re-sending the last good configuration',
    );
  }

  /**
   * Agent messages (and admissions) doing database work at once. Beyond this they wait here, in order and
   * without a time limit, instead of in the database pool's queue, whose wait limit fails them under a
   * burst (a reconnect storm, or a fleet reporting a rollout): a failed write asks the agent for full
   * state, which only adds load. The transport stops reading a socket whose messages queue up.
   * A message waiting for its batched state write (patch-batcher.ts) gives its slot up meanwhile: that
   * wait is bounded by the batcher, not by the pool, and holding slots through it starved the batches.
   */
  const DB_CONCURRENCY = 32;
  let dbActive = 0;
  let dbHead = 0;
  const dbWaiting: (() => void)[] = [];
  const acquireDbSlot = async () => {
    if (dbActive < DB_CONCURRENCY) dbActive++;
    else await new Promise<void>((resolve) => dbWaiting.push(resolve));
  };
  const releaseDbSlot = () => {
    const next = dbHead < dbWaiting.length ? dbWaiting[dbHead++] : undefined;
    if (dbHead > 1024 && dbHead * 2 > dbWaiting.length) {
      dbWaiting.splice(0, dbHead);
      dbHead = 0;
    }
    if (next)
      next(); // the slot passes straight to the next waiter
    else dbActive--;
  };
  type OutsideSlot = <U>(work: () => Promise<U>) => Promise<U>;
  async function withDbSlot<T>(fn: (outsideSlot: OutsideSlot) => Promise<T>): Promise<T> {
    await acquireDbSlot();
    let held = true;
    const outsideSlot: OutsideSlot = async (work) => {
      releaseDbSlot();
      held = false;
      try {
        return await work();
      } finally {
        await acquireDbSlot();
        held = true;
      }
    };
    try {
      return await fn(outsideSlot);
    } finally {
      if (held) releaseDbSlot();
    }
  }
  const onMessage = (conn: OpampConnection<OpampContext>, msg: AgentToServer) =>
    withDbSlot((outsideSlot) => handleMessage(conn, msg, outsideSlot));

  async function handleMessage(
    conn: OpampConnection<OpampContext>,
    msg: AgentToServer,
    outsideSlot: OutsideSlot = (work) => work(),
  ): Promise<ServerToAgent | undefined> {
    messages++;
    deps.metrics.opampMessages.inc();
    const uid = uuidFromBytes(msg.instanceUid);
    const ctx = conn.context;
    const budgetKey = httpKeyOf(ctx, uid);
    const waitMs = spend(budgetKey);
    if (waitMs > 0) {
      throttled++;
      buckets.get(budgetKey)!.owed = true;
      return create(ServerToAgentSchema, {
        instanceUid: msg.instanceUid,
        errorResponse: create(ServerErrorResponseSchema, {
          type: ServerErrorResponseType.ServerErrorResponseType_Unavailable,
          errorMessage: 'too many messages from this agent; retry later',
          Details: {
            case: 'retryInfo',
            value: create(RetryInfoSchema, { retryAfterNanoseconds: BigInt(Math.max(waitMs, 1000)) * 1_000_000n }),
          },
        }),
      });
    }
    let state = conn.transport === 'websocket' ? wsByConn.get(conn.id) : httpStates.get(httpKeyOf(ctx, uid));
    /** Same gateway token, same connection (or HTTP credential), another instance_uid. */
    let rebind: AgentState | null = null;
    if (state && state.uid !== uid) {
      if (ctx.gatewayId && state.gatewayId === ctx.gatewayId) rebind = state;
      state = undefined; // the agent changed its uid mid-connection
    }
    let flags = 0n;
    const bucket = buckets.get(budgetKey);
    if (bucket?.owed) {
      bucket.owed = false;
      flags |= ReportFullState;
    }
    let isNew = false;
    if (!state) {
      // Two live WebSocket connections with one instance_uid: the newcomer gets a new uid (spec: duplicate detection).
      const dup = wsByUid.get(uidKey(ctx.orgId, uid));
      if (dup && dup.connId !== conn.id && Date.now() - dup.lastMessageAt < 60_000 && conn.transport === 'websocket') {
        // The same agent reconnecting after a network failure leaves a half-open socket behind that
        // still looks live: ask it. Only a socket that answers is another agent with a copied uid.
        if (dup.conn && (await dup.conn.probe(DUPLICATE_PROBE_MS))) {
          log.warn({ uid, remote: conn.remoteAddress }, 'duplicate instance_uid: assigning a new one to the newcomer');
          return create(ServerToAgentSchema, {
            instanceUid: msg.instanceUid,
            agentIdentification: create(AgentIdentificationSchema, { newInstanceUid: newInstanceUid() }),
            capabilities: SERVER_CAPABILITIES,
          });
        }
        log.info(
          { uid, remote: conn.remoteAddress },
          'the previous connection of this instance_uid is dead (no pong): replacing it',
        );
        untrackWs(dup);
        if (wsByGateway.get(dup.gatewayId) === dup) wsByGateway.delete(dup.gatewayId);
        dup.conn?.close(1001, 'replaced by a newer connection of the same agent');
      }
      const refuse = (reason: string) => {
        log.warn({ uid, remote: conn.remoteAddress, reason }, 'refusing agent');
        if (conn.transport === 'websocket') setTimeout(() => conn.close(1008, reason.slice(0, 100)), 50);
        return create(ServerToAgentSchema, {
          instanceUid: msg.instanceUid,
          errorResponse: create(ServerErrorResponseSchema, {
            type: ServerErrorResponseType.ServerErrorResponseType_BadRequest,
            errorMessage: reason,
          }),
        });
      };
      const rebound = rebind ? await rebindInstanceUid(rebind, conn, uid) : null;
      if (rebind && !rebound) return refuse('gateway was deleted');
      if (rebound) {
        state = rebound;
      } else {
        const resolved = await resolveGateway(ctx, uid, msg);
        if ('error' in resolved) return refuse(resolved.error);
        state = stateFromRow(resolved.row, conn, uid);
      }
      if (conn.transport === 'websocket') {
        const previous = wsByGateway.get(state.gatewayId);
        if (previous && previous.connId !== conn.id) {
          untrackWs(previous);
          previous.conn?.close(1000, 'replaced by a newer connection');
        }
        trackWs(state);
        wsByGateway.set(state.gatewayId, state);
      } else {
        if (rebind) httpStates.delete(rebind.httpKey!);
        httpStates.set(state.httpKey!, state);
      }
      if (!rebound) await loadDesired([state]);
      isNew = true;
      if (!msg.agentDescription) flags |= ReportFullState;
    } else if (state.lastSeq !== null && msg.sequenceNum !== state.lastSeq + 1n) {
      flags |= ReportFullState;
    }
    state.lastSeq = msg.sequenceNum;
    state.lastMessageAt = Date.now();

    const scope = systemScope(state.orgId);
    const patch: Partial<Record<keyof GatewayRow, unknown>> = {};
    let significant = false;
    if (isNew) {
      Object.assign(patch, {
        connected: true,
        transport: conn.transport,
        connected_since: conn.transport === 'websocket' ? conn.connectedAt : new Date(),
        remote_address: conn.remoteAddress,
        connection_id: conn.id,
        replica_id: conn.transport === 'websocket' ? replicaId : null,
        status: 'active',
        last_seen: new Date(),
      });
      significant = true;
    }
    if (msg.capabilities !== state.capabilities || isNew) {
      state.capabilities = msg.capabilities;
      patch.capabilities = Number(msg.capabilities & 0x7fffffffn);
      patch.mode = msg.capabilities & Cap.AcceptsRemoteConfig ? 'supervisor' : 'extension';
      significant = true;
    }
    if (msg.agentDescription) {
      const description = descriptionOf(msg.agentDescription);
      const key = JSON.stringify(description);
      if (key !== state.descriptionKey) {
        state.descriptionKey = key;
        patch.description = description;
        patch.hostname = description.non_identifying['host.name'] ?? null;
        if (!state.nameIsCustom) patch.name = nameFrom(description, uid);
        significant = true;
      }
    }
    if (msg.health) {
      patch.health = healthTree(msg.health);
      significant = true;
    }
    const announced = announcedCustomCapabilities(msg);
    if (announced && JSON.stringify(announced) !== JSON.stringify(state.customCapabilities)) {
      state.customCapabilities = announced;
      patch.custom_capabilities = announced;
      significant = true;
    }
    if (msg.effectiveConfig?.configMap) {
      const files = msg.effectiveConfig.configMap.configMap;
      const names = Object.keys(files).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
      patch.effective_config = storable(names.map((n) => Buffer.from(files[n]!.body).toString('utf8')).join('\n---\n'));
      significant = true;
    }
    if (msg.availableComponents) {
      const h = hex(msg.availableComponents.hash);
      const n = Object.keys(msg.availableComponents.components).length;
      if (n > 0) {
        if (h !== state.availableComponentsHash) {
          state.availableComponentsHash = h;
          patch.available_components = componentsView(msg.availableComponents.components);
          patch.available_components_hash = h;
          significant = true;
          await measureChanged(state, hasMeasureComponent(patch.available_components));
        }
      } else if (h && h !== state.availableComponentsHash) {
        flags |= ReportAvailableComponents;
      }
    }
    let rcsEvent: RemoteConfigStatusEvent | null = null;
    if (msg.remoteConfigStatus) {
      const status = rcsName[msg.remoteConfigStatus.status] ?? 'UNSET';
      const wire = msg.remoteConfigStatus.lastRemoteConfigHash.length
        ? hex(msg.remoteConfigStatus.lastRemoteConfigHash)
        : null;
      state.reportedWire = wire;
      // The configuration's hash, as stored and as deployments know it (measure-injection.ts).
      const h =
        wire === null ? null : wire === state.desired?.wire.hash ? state.desired.hash : wireHashes.logical(wire);
      const error = storable(msg.remoteConfigStatus.errorMessage) || null;
      if (status !== state.reportedStatus || h !== state.reportedHash || isNew) {
        const changed = status !== state.reportedStatus || h !== state.reportedHash;
        state.reportedStatus = status;
        state.reportedHash = h;
        Object.assign(patch, {
          remote_config_status: status,
          remote_config_hash: h,
          remote_config_error: error,
          remote_config_updated_at: new Date(),
        });
        if (status === 'FAILED' && h) {
          patch.failed_config_hash = h;
          state.failedHash = h;
          if (changed && state.desired?.hash === h) await planRecovery(state, h, error, patch);
        } else if (status === 'APPLIED' && h) {
          if (h === state.failedHash) {
            patch.failed_config_hash = null;
            state.failedHash = null;
          }
          if (state.desired?.hash === h && state.desiredStored && state.appliedHash !== h) {
            patch.applied_config = state.desiredStored;
            patch.applied_config_hash = h;
            state.appliedConfig = state.desiredStored;
            state.appliedHash = h;
          }
        }
        if (changed) rcsEvent = { orgId: state.orgId, gatewayId: state.gatewayId, hash: h, status, error };
        significant = true;
      }
    }
    let wsDisconnect = false;
    if (msg.agentDisconnect) {
      if (conn.transport === 'websocket') {
        // Written below, directly and only while this connection is still the gateway's: the agent may
        // already be back on a new socket (it does not wait for our reply before closing this one).
        wsDisconnect = true;
      } else {
        Object.assign(patch, { connected: false, connection_id: null, status: 'inactive' });
        significant = true;
      }
      // Over HTTP the next poll (the agent restarted) is a new connection: it must mark it connected again.
      if (state.httpKey && httpStates.get(state.httpKey) === state) httpStates.delete(state.httpKey);
    }
    lastSeen.touch(state.gatewayId);
    if (wsDisconnect) {
      await store
        .disconnectConnection(db, state.gatewayId, conn.id)
        .catch((err: Error) =>
          log.warn({ err: err.message, gateway: state!.gatewayId }, 'failed to store agent_disconnect'),
        );
    }
    if (significant) {
      try {
        // A connection's first write ("connected") is read right away by whoever listed the gateway;
        // later state changes (config status, health, effective config) share commits with other agents'.
        if (isNew) {
          await outsideSlot(() => patches.settle(state!.gatewayId));
          await store.patchGateway(db, scope, state.gatewayId, patch);
        } else await outsideSlot(() => patches.patch(state.orgId, state.gatewayId, patch));
      } catch (err) {
        log.warn(
          { err: (err as Error).message, gateway: state.gatewayId },
          'failed to store agent state; requesting full state',
        );
        flags |= ReportFullState;
        state.descriptionKey = null;
        // Not stored: forget the reported config status too, so the full state the agent sends next is
        // written (and passed to the deployment hook) again instead of matching what we only held in memory.
        state.reportedStatus = null;
        state.reportedHash = null;
        // The first message of a connection failed to store "connected": serve the next one as a new
        // connection again, or the gateway would stay shown offline for as long as this socket lives.
        if (isNew) forgetState(state);
      }
      if (rcsEvent) {
        gateways.recordConfigEvent(scope, state.gatewayId, rcsEvent.hash, rcsEvent.status, rcsEvent.error);
        try {
          await deps.onRemoteConfigStatus?.(rcsEvent);
        } catch (err) {
          // E.g. no database connection within the pool's wait under a burst of reports: without a retry the
          // deployment target would stay "applying" for ever. The agent's next full state brings the report back.
          log.warn(
            { err: (err as Error).message, gateway: state.gatewayId },
            'deployment hook failed; requesting full state to retry',
          );
          flags |= ReportFullState;
          state.reportedStatus = null;
          state.reportedHash = null;
        }
      }
      emitUpdated(state.orgId, state.gatewayId, isNew);
      // A new instance_uid on a connection we already serve is not the gateway coming online.
      if (isNew && !rebind)
        void Promise.resolve(deps.onGatewayOnline?.(state.orgId, state.gatewayId)).catch(() => undefined);
    }

    if (msg.customMessage && deps.customMessages) {
      await deps.customMessages.received(
        {
          orgId: state.orgId,
          gatewayId: state.gatewayId,
          transport: conn.transport,
          credential: ctx.registrationTokenId
            ? { kind: 'registration_token', id: ctx.registrationTokenId }
            : { kind: 'gateway_token', jti: ctx.tokenJti ?? null },
        },
        msg.customMessage,
      );
    }

    if (state.refreshing) await state.refreshing;
    if (state.pendingRestart && state.capabilities & Cap.AcceptsRestartCommand) {
      state.pendingRestart = false;
      void store.updateGateway(db, scope, state.gatewayId, { pending_restart: false }).catch(() => undefined);
      return create(ServerToAgentSchema, {
        instanceUid: msg.instanceUid,
        command: create(ServerToAgentCommandSchema, { type: CommandType.CommandType_Restart }),
      });
    }
    return create(ServerToAgentSchema, {
      instanceUid: msg.instanceUid,
      flags,
      capabilities: isNew ? SERVER_CAPABILITIES : 0n,
      remoteConfig: remoteConfigFor(state),
      connectionSettings: ownMetricsOffer(state, ctx),
      customMessage: deps.customMessages?.take(state.gatewayId, state.customCapabilities),
    });
  }

  function onClose(conn: OpampConnection<OpampContext>) {
    const state = wsByConn.get(conn.id);
    if (!state) return;
    untrackWs(state);
    if (wsByGateway.get(state.gatewayId)?.connId === conn.id) {
      wsByGateway.delete(state.gatewayId);
      // Only clear the flag if no newer connection (possibly on another replica) took over.
      void store
        .disconnectConnection(db, state.gatewayId, conn.id)
        .then(() => emitUpdated(state.orgId, state.gatewayId, true))
        .catch(() => undefined);
    }
  }

  async function handleCommand(raw: Record<string, unknown>) {
    if (deps.customMessages?.onCommand(raw)) return;
    const cmd = raw as unknown as GatewayCommand;
    if (cmd.type === 'registration_token_revoked') {
      const admittedWith = (s: AgentState) => s.registrationTokenId === cmd.registration_token_id;
      for (const s of [...wsByConn.values()]) if (admittedWith(s)) s.conn?.close(1008, 'registration token revoked');
      for (const [key, s] of [...httpStates]) if (admittedWith(s)) httpStates.delete(key);
      return;
    }
    const ids = cmd.gateway_ids ?? [cmd.gateway_id];
    const wsStates = ids.map((id) => wsByGateway.get(id)).filter((s): s is AgentState => !!s);
    const idSet = new Set(ids);
    const httpAgents = httpStates.size ? [...httpStates.values()].filter((s) => idSet.has(s.gatewayId)) : [];
    try {
      if (cmd.type === 'disconnect') {
        for (const s of wsStates) s.conn?.close(1008, 'gateway token revoked or gateway deleted');
        for (const s of httpAgents) httpStates.delete(s.httpKey!);
        return;
      }
      if (cmd.type === 'push') {
        // Plain-HTTP agents hear from us in their next poll; WebSocket agents now.
        const targets = [...wsStates, ...httpAgents];
        for (const s of targets) s.sentHash = null;
        const loading = loadDesired(targets);
        const refreshing = loading.catch(() => undefined);
        for (const s of targets) s.refreshing = refreshing;
        try {
          await loading;
        } finally {
          for (const s of targets) if (s.refreshing === refreshing) s.refreshing = null;
        }
        await Promise.all(
          wsStates.map(async (s) => {
            const remoteConfig = remoteConfigFor(s);
            if (remoteConfig && s.conn)
              await s.conn
                .send(create(ServerToAgentSchema, { remoteConfig }))
                .catch((err) => log.warn({ err: (err as Error).message, gateway: s.gatewayId }, 'push failed'));
          }),
        );
      } else if (cmd.type === 'restart') {
        for (const s of httpAgents) s.pendingRestart = true;
        for (const s of wsStates) {
          if (s.conn && s.capabilities & Cap.AcceptsRestartCommand) {
            await s.conn.send(
              create(ServerToAgentSchema, {
                command: create(ServerToAgentCommandSchema, { type: CommandType.CommandType_Restart }),
              }),
            );
          }
        }
      }
    } catch (err) {
      log.warn({ err: (err as Error).message, type: cmd.type }, 'command delivery failed');
    }
  }
  const unsubscribe = bus.subscribe(redisChannels.commands, (m) => void handleCommand(m));
  deps.customMessages?.attach({
    websocket(gatewayId, capability) {
      const s = wsByGateway.get(gatewayId);
      const conn = s?.conn;
      if (!conn || !s.customCapabilities?.includes(capability)) return null;
      return (customMessage) => conn.send(create(ServerToAgentSchema, { customMessage }));
    },
  });

  // HTTP agents that stopped polling: forget their state and mark them disconnected.
  /**
   * Replica liveness: this process says it is alive every few seconds (a third of the timeout, at most
   * 10 s); WebSocket gateways held by one that stopped (killed, crashed, host lost: it could not mark
   * them disconnected) are marked disconnected by whichever replica notices first.
   */
  const replicaId = randomUUID();
  const replicaTimeoutSeconds = deps.replicaTimeoutSeconds ?? 60;
  let lastHeartbeatAt = 0;
  async function replicaTick() {
    await store.heartbeatReplica(db, replicaId);
    // Silent for longer than the timeout (e.g. the database was unreachable): another replica may have
    // taken us for dead and marked our gateways disconnected while their sockets stayed open here.
    if (lastHeartbeatAt && Date.now() - lastHeartbeatAt > replicaTimeoutSeconds * 1000) await reclaimConnections();
    lastHeartbeatAt = Date.now();
    const gone = await store.disconnectFromDeadReplicas(db, replicaTimeoutSeconds, replicaId);
    for (const g of gone) emitUpdated(g.org_id, g.id, true);
    if (gone.length) log.info({ gateways: gone.length }, 'gateways of a replica that stopped are marked disconnected');
    await store.pruneReplicas(db, replicaTimeoutSeconds);
  }
  /** Marks the WebSocket gateways this replica still holds connected again where a sweep said otherwise. */
  async function reclaimConnections() {
    const held = [...wsByGateway.values()].filter((s) => s.conn);
    const back = await store.reclaimConnections(
      db,
      replicaId,
      held.map((s) => s.gatewayId),
      held.map((s) => s.connId),
    );
    for (const g of back) emitUpdated(g.org_id, g.id, true);
    if (back.length)
      log.info(
        { gateways: back.length },
        'gateways marked disconnected while this replica was silent are connected again',
      );
  }
  const replicaTimer = setInterval(
    () => void replicaTick().catch((err: Error) => log.warn({ err: err.message }, 'replica heartbeat failed')),
    Math.min(10_000, (replicaTimeoutSeconds * 1000) / 3),
  );
  replicaTimer.unref();

  const sweep = setInterval(() => {
    const cutoff = Date.now() - 120_000;
    // A bucket that has refilled is the same as none (one that owes a full state: once its agent is gone).
    const refilledAt = Date.now() - (budget.burst / budget.perSecond) * 1000;
    for (const [key, b] of buckets) if (b.owed ? b.at < cutoff : b.at < refilledAt) buckets.delete(key);
    for (const [key, s] of httpStates) {
      if (s.lastMessageAt < cutoff) {
        httpStates.delete(key);
        void db
          .query(
            "UPDATE gateways SET connected = false WHERE id = $1 AND transport = 'http' " +
              "AND last_seen < now() - interval '90 seconds'",
            [s.gatewayId],
          )
          .catch(() => undefined);
      }
    }
  }, 30_000);
  sweep.unref();

  const server: OpampServer = createOpampServer<OpampContext>({
    paths: ['/v1/opamp', '/api/v1/opamp/v1/opamp'],
    maxMessageBytes: deps.maxMessageBytes ?? 4 * 1024 * 1024,
    admit: (req) => withDbSlot(() => admit(req)),
    onMessage,
    onClose,
    onProtocolError: (info) =>
      log.warn({ transport: info.transport, remote: info.remoteAddress, reason: info.reason }, 'OpAMP protocol error'),
    logger: { warn: (o, m) => log.warn(o, m), debug: (o, m) => log.debug(o, m) },
    serverCapabilities: SERVER_CAPABILITIES,
  });

  const dedicated: { close(): Promise<void> }[] = [];
  /** Dedicated listener's local port → the main port (see baseUrlOf). */
  const apiPortOf = new Map<number, number>();
  return {
    server,
    attach(http: Server) {
      server.attach(http);
    },
    /** A dedicated OpAMP listener; `apiPort`: the main port, offered to its agents for the HTTP API (own_metrics). */
    async listen(port: number, host?: string, opts: { apiPort?: number } = {}) {
      const l = await server.listen(port, host);
      if (opts.apiPort) apiPortOf.set(l.port, opts.apiPort);
      dedicated.push(l);
      return l;
    },
    /** REST heartbeat (seed flow) counts like an OpAMP message. */
    touch(row: GatewayRow) {
      lastSeen.touch(row.id);
    },
    stats: () => ({ websocket: wsByConn.size, http: httpStates.size, messages, throttled }),
    /**
     * Before serving: say this replica is alive, and let go of connections no live process holds. The
     * embedded database has one process by construction, so every WebSocket it shows as connected
     * belonged to a previous run (e.g. one that was killed) and is gone.
     */
    async init() {
      if (db.kind === 'pglite') await store.markAllDisconnected(db, null);
      await replicaTick();
    },
    replicaId,
    sweepReplicas: replicaTick,
    reclaimConnections,
    flushLastSeen: () => lastSeen.flush(),
    async close() {
      unsubscribe();
      clearInterval(sweep);
      clearInterval(replicaTimer);
      for (const t of eventTimers.values()) clearTimeout(t);
      const ids = [...wsByConn.keys()];
      await server.close();
      for (const d of dedicated) await d.close();
      await patches.close();
      await lastSeen.close();
      await gateways.closeQueues().catch(() => undefined);
      await store.markAllDisconnected(db, ids).catch(() => undefined);
      await store.forgetReplica(db, replicaId).catch(() => undefined);
    },
  };
}
export type OpampAdapter = ReturnType<typeof createOpampAdapter>;

type ComponentDetailsLike = {
  metadata: { key: string; value?: unknown }[];
  subComponentMap: Record<string, ComponentDetailsLike>;
};
function componentsView(
  components: Record<string, ComponentDetailsLike>,
): Record<string, Record<string, Record<string, string>>> {
  // {receivers: {otlp: {"code.namespace": "..."}}, ...}
  const out: Record<string, Record<string, Record<string, string>>> = {};
  for (const [kind, details] of Object.entries(components)) {
    const k = storable(kind);
    out[k] = {};
    for (const [type, sub] of Object.entries(details.subComponentMap)) {
      out[k]![storable(type)] = Object.fromEntries(
        sub.metadata.map((m) => [
          storable(m.key),
          storable(String((m.value as { value?: { value?: unknown } })?.value?.value ?? '')),
        ]),
      );
    }
  }
  return out;
}
void randomUUID;
