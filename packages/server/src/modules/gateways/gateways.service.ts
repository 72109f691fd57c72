import {
  computeHealth,
  maskCredentials,
  HEALTHY_WITHIN_SECONDS,
  WARNING_WITHIN_SECONDS,
  type GatewayStatus,
} from '@flowgate/config-model';
import { agentCapabilityNames } from '@flowgate/opamp';
import type { Db } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newSecretToken, sha256Hex, tokenPrefix } from '../../platform/crypto.ts';
import type { TokenSigner } from '../../platform/tokens.ts';
import type { EventBus } from '../../platform/events/bus.ts';
import { redisChannels } from '../../platform/names.ts';
import { systemScope, type OrgScope, type Principal } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import * as tokensStore from './registration-tokens.store.ts';
import * as store from './gateways.store.ts';
import { createConfigEventQueue } from './config-events.ts';
import type { GatewayRow, GatewayListRow, DesiredConfig } from './gateways.store.ts';
import type { RegistrationTokenRow } from './registration-tokens.store.ts';

export const AcceptsRemoteConfig = 0x2;
export const AcceptsRestartCommand = 0x400;
/** An HTTP-polling agent counts as connected while it polled within this many seconds. */
const HTTP_LIVE_SECONDS = 90;

/**
 * The seed's base config (gateway/collector-base.yaml without its telemetry section: a remote config
 * that set service.telemetry would replace the supervisor's own-metrics reader). The listen addresses
 * come from the gateway's environment, so several gateways on one host keep their own ports when the
 * control plane falls back to this config.
 */
export const BASE_CONFIG_YAML = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: \${env:FLOWGATE_OTLP_GRPC_ENDPOINT:-0.0.0.0:4317}
      http:
        endpoint: \${env:FLOWGATE_OTLP_HTTP_ENDPOINT:-0.0.0.0:4318}

processors:
  batch: {}

exporters:
  debug:
    verbosity: normal

service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
    logs:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
`;

export type GatewayCommand =
  | { type: 'push' | 'restart' | 'disconnect'; gateway_id: string; org_id: string; gateway_ids?: string[] }
  /** Every live connection admitted with this registration token (zero-touch gateways) is closed. */
  | { type: 'registration_token_revoked'; org_id: string; registration_token_id: string };
export type FlowgateEventMessage = {
  type: string;
  org_id: string;
  id: string;
  at: string;
  data?: Record<string, unknown>;
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function isLive(row: Pick<GatewayRow, 'connected' | 'transport' | 'last_seen'>, now = Date.now()): boolean {
  if (!row.connected) return false;
  if (row.transport === 'http') return !!row.last_seen && now - row.last_seen.getTime() <= HTTP_LIVE_SECONDS * 1000;
  return true;
}

export function healthOf(
  row: Pick<GatewayRow, 'connected' | 'transport' | 'last_seen' | 'status'> & {
    agent_healthy?: boolean | null;
    health?: unknown;
  },
  now = new Date(),
) {
  const agentHealthy =
    row.agent_healthy !== undefined
      ? row.agent_healthy
      : ((row.health as { healthy?: boolean } | null)?.healthy ?? null);
  return computeHealth({
    status: row.status as GatewayStatus,
    lastSeen: row.last_seen,
    connected: isLive(row, now.getTime()),
    agentHealthy,
    now,
  });
}

export function summaryView(row: GatewayListRow | GatewayRow) {
  const version =
    'version' in row ? row.version : ((row as GatewayRow).description?.identifying['service.version'] ?? null);
  const health = healthOf(row as GatewayListRow);
  return {
    id: row.id,
    org_id: row.org_id,
    name: row.name,
    instance_id: row.instance_id,
    status: row.status,
    mode: row.mode,
    health: { status: health.status, score: health.score },
    version: version ?? null,
    hostname: row.hostname,
    last_seen: iso(row.last_seen),
    connected: isLive(row),
    transport: row.transport,
    tags: row.tags ?? {},
    accepts_remote_config: (row.capabilities & AcceptsRemoteConfig) !== 0 && row.mode !== 'extension',
    remote_config_status: row.remote_config_status,
    created_at: row.created_at.toISOString(),
  };
}

/** Enrolled over OpAMP with a registration token, which its supervisor then presents on every connection. */
export const isZeroTouch = (row: Pick<GatewayRow, 'extra_metadata'>) =>
  (row.extra_metadata as { enrolled_via?: unknown } | null)?.enrolled_via === 'opamp';

/** Revoked wins over expired, expired over used up — the same order the admission queries apply. */
export function registrationTokenState(
  t: Pick<RegistrationTokenRow, 'is_active' | 'expires_at' | 'max_uses' | 'uses'>,
  now = Date.now(),
): 'active' | 'expired' | 'used_up' | 'revoked' {
  if (!t.is_active) return 'revoked';
  if (t.expires_at && t.expires_at.getTime() <= now) return 'expired';
  if (t.max_uses !== null && t.uses >= t.max_uses) return 'used_up';
  return 'active';
}

/**
 * How the gateway authenticates. `enrolledWith` is the registration token row it enrolled with, read in
 * the gateway's org; only its name, prefix and state are shown.
 */
export function authView(
  row: Pick<GatewayRow, 'opamp_token_jti' | 'extra_metadata'>,
  enrolledWith: RegistrationTokenRow | null,
  now = Date.now(),
) {
  const zeroTouch = isZeroTouch(row);
  const method = row.opamp_token_jti
    ? ('gateway_token' as const)
    : zeroTouch
      ? ('registration_token' as const)
      : ('none' as const);
  return {
    method,
    zero_touch: zeroTouch,
    registration_token: enrolledWith
      ? {
          id: enrolledWith.id,
          name: enrolledWith.name,
          prefix: enrolledWith.prefix,
          state: registrationTokenState(enrolledWith, now),
        }
      : null,
  };
}

export function createGatewaysService(deps: {
  db: Db;
  tokens: TokenSigner;
  bus: EventBus;
  settings: SettingsService;
  publicUrl: string | null;
  /** The org's secret values, masked (besides credential keys) in configs shown back; from the secrets module. */
  secretValues?: (scope: OrgScope) => Promise<string[]>;
}) {
  const { db, tokens, bus } = deps;

  const publishEvent = (type: string, orgId: string, id: string, data?: Record<string, unknown>) =>
    bus
      .publish(redisChannels.events, {
        type,
        org_id: orgId,
        id,
        at: new Date().toISOString(),
        ...(data ? { data } : {}),
      })
      .catch(() => undefined);
  const command = (cmd: GatewayCommand) => bus.publish(redisChannels.commands, cmd);
  const configEventQueue = createConfigEventQueue(db);

  async function mustGet(scope: OrgScope, id: string): Promise<GatewayRow> {
    const row = await store.getGateway(db, scope, id);
    if (!row) throw new AppError('GATEWAY_NOT_FOUND');
    return row;
  }

  function masked(yaml: string | null, secretValues: string[] = []): string | null {
    return yaml === null ? null : maskCredentials(yaml, secretValues);
  }
  const secretValuesOf = async (scope: OrgScope) => (deps.secretValues ? deps.secretValues(scope) : []);

  function detailView(row: GatewayRow, secretValues: string[], enrolledWith: RegistrationTokenRow | null) {
    return {
      ...summaryView(row),
      ip_address: row.ip_address,
      description: row.description ?? { identifying: {}, non_identifying: {} },
      capabilities: agentCapabilityNames(BigInt(row.capabilities)),
      custom_capabilities: row.custom_capabilities ?? [],
      component_health: row.health ?? null,
      remote_config: rcView(row),
      effective_config_yaml: masked(row.effective_config, secretValues),
      available_components: row.available_components ?? null,
      connection:
        isLive(row) && row.transport && row.connected_since
          ? {
              transport: row.transport,
              since: row.connected_since.toISOString(),
              remote_address: row.remote_address ?? '',
            }
          : null,
      current_config_hash: row.desired_config_hash,
      token_expires_at: iso(row.token_expires_at),
      auth: authView(row, enrolledWith),
    };
  }

  async function detail(scope: OrgScope, row: GatewayRow) {
    const [secretValues, enrolledWith] = await Promise.all([
      row.effective_config ? secretValuesOf(scope) : [],
      row.registration_token_id ? tokensStore.getRegistrationToken(db, scope, row.registration_token_id) : null,
    ]);
    return detailView(row, secretValues, enrolledWith);
  }

  function healthView(row: GatewayRow) {
    const h = healthOf(row);
    const live = isLive(row);
    const agent = row.health as { healthy?: boolean; last_error?: string } | null;
    return {
      status: h.status,
      last_seen: iso(row.last_seen),
      seconds_since_last_seen: h.secondsSinceLastSeen,
      uptime_seconds:
        live && row.connected_since ? Math.floor((Date.now() - row.connected_since.getTime()) / 1000) : null,
      health_score: h.score,
      connected: live,
      agent_healthy: agent?.healthy ?? null,
      last_error: agent?.last_error || row.remote_config_error || null,
    };
  }

  function versionView(row: GatewayRow) {
    const id = row.description?.identifying ?? {};
    const meta = row.extra_metadata as { version?: string; otel_version?: string };
    return {
      agent_version: id['service.version'] ?? meta.version ?? null,
      otel_version: id['service.version'] ?? meta.otel_version ?? null,
      service_name: id['service.name'] ?? null,
      capabilities: agentCapabilityNames(BigInt(row.capabilities)),
    };
  }

  async function configView(scope: OrgScope, row: GatewayRow) {
    const secretValues = row.effective_config ? await secretValuesOf(scope) : [];
    const desired = row.desired_config;
    const rc = rcView(row);
    if (desired && Object.keys(desired.files).length) {
      return {
        config_yaml: masked(Object.values(desired.files).join('\n---\n')),
        config_version: desired.version,
        deployment_id: desired.deployment_id,
        template_id: desired.template_id,
        source: 'deployment' as const,
        effective_config_yaml: masked(row.effective_config, secretValues),
        remote_config: rc,
        last_updated: iso(row.remote_config_updated_at ?? row.updated_at),
      };
    }
    const settings = await deps.settings.get(scope);
    return {
      config_yaml: masked(settings.base_config_yaml ?? BASE_CONFIG_YAML),
      config_version: null,
      deployment_id: null,
      template_id: null,
      source: 'base' as const,
      effective_config_yaml: masked(row.effective_config, secretValues),
      remote_config: rc,
      last_updated: iso(row.updated_at),
    };
  }

  async function metricsView(scope: OrgScope, row: GatewayRow) {
    const since = new Date(Date.now() - 6 * 3600_000);
    const series = await store.metricsSeries(db, scope, row.id, since);
    const last = series[series.length - 1]?.values;
    const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((a, b) => a + b, 0);
    const points = series.map((s, i) => {
      const prev = i > 0 ? series[i - 1]!.values : null;
      const delta = (k: 'received' | 'sent' | 'refused' | 'send_failed') =>
        Math.max(0, sum(s.values[k]) - (prev ? sum(prev[k]) : 0));
      const dropped =
        Object.values(s.values.processors ?? {}).reduce((a, p) => a + Math.max(0, p.incoming - p.outgoing), 0) -
        (prev ? Object.values(prev.processors ?? {}).reduce((a, p) => a + Math.max(0, p.incoming - p.outgoing), 0) : 0);
      return {
        at: s.bucket.toISOString(),
        received: delta('received'),
        sent: delta('sent'),
        refused: delta('refused'),
        dropped: Math.max(0, dropped),
      };
    });
    return {
      logs_processed: last?.received?.log_records ?? 0,
      errors: sum(last?.refused) + sum(last?.send_failed),
      latency_ms: null,
      last_updated: last?.at ?? null,
      totals: {
        received: last?.received ?? {},
        sent: last?.sent ?? {},
        refused: last?.refused ?? {},
        send_failed: last?.send_failed ?? {},
      },
      processors: Object.entries(last?.processors ?? {}).map(([k, v]) => {
        const [processor, signal] = k.split('|');
        return { processor: processor ?? k, signal: signal ?? '', incoming: v.incoming, outgoing: v.outgoing };
      }),
      series: points,
    };
  }

  return {
    publishEvent,
    command,

    // ── registration tokens ───────────────────
    async createRegistrationToken(
      scope: OrgScope,
      principal: Principal,
      body: { name: string; expires_in_days?: number; max_uses?: number },
    ) {
      const settings = await deps.settings.get(scope);
      const days = body.expires_in_days ?? settings.registration_token_default_days;
      const token = newSecretToken('fgr');
      return db.tx(async (sql) => {
        const row = await tokensStore.insertRegistrationToken(sql, scope, {
          hash: sha256Hex(token),
          prefix: tokenPrefix(token),
          name: body.name,
          expiresAt: new Date(Date.now() + days * 86400_000),
          maxUses: body.max_uses ?? null,
          createdBy: principal.userId,
        });
        await audit(sql, scope, {
          action: 'registration_token.create',
          resourceType: 'registration_token',
          resourceId: row.id,
          after: { name: row.name, expires_at: row.expires_at, max_uses: row.max_uses, prefix: row.prefix },
        });
        return { ...registrationTokenView(row), token };
      });
    },
    async listRegistrationTokens(scope: OrgScope) {
      return (await tokensStore.listRegistrationTokens(db, scope)).map(registrationTokenView);
    },
    async getRegistrationToken(scope: OrgScope, id: string) {
      const row = await tokensStore.getRegistrationToken(db, scope, id);
      if (!row) throw new AppError('NOT_FOUND', 'Registration token not found');
      return registrationTokenView(row);
    },
    async revokeRegistrationToken(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const row = await tokensStore.revokeRegistrationToken(sql, scope, id);
        if (!row) throw new AppError('NOT_FOUND', 'Registration token not found');
        await audit(sql, scope, {
          action: 'registration_token.revoke',
          resourceType: 'registration_token',
          resourceId: id,
          before: { name: row.name, prefix: row.prefix },
        });
      });
      // Zero-touch gateways connected with it are cut off now, not only at their next connection.
      await command({ type: 'registration_token_revoked', org_id: scope.orgId, registration_token_id: id });
    },
    /** Registration token → its row when usable, else null. */
    async usableRegistrationToken(plaintext: string) {
      if (!plaintext.startsWith('fgr_')) return null;
      return tokensStore.findUsableRegistrationToken(db, sha256Hex(plaintext));
    },
    /** Not revoked, but expired or used up: it still lets the gateways it enrolled reconnect (OpAMP only). */
    async spentRegistrationToken(plaintext: string) {
      if (!plaintext.startsWith('fgr_')) return null;
      return tokensStore.findSpentRegistrationToken(db, sha256Hex(plaintext));
    },

    // ── enrolment ─────────────────────────────
    /** Seed flow: POST /api/v1/gateways with a registration token → gateway + OpAMP token. */
    async register(
      registrationToken: string,
      body: {
        name: string;
        instance_id: string;
        hostname?: string;
        ip_address?: string;
        metadata?: Record<string, unknown>;
      },
      opampEndpoint: string,
    ) {
      const rt = await this.usableRegistrationToken(registrationToken);
      if (!rt) throw new AppError('INVALID_REGISTRATION_TOKEN');
      const scope = systemScope(rt.org_id, { type: 'system', id: rt.id, label: `registration-token:${rt.name}` });
      const settings = await deps.settings.get(scope);
      const result = await db.tx(async (sql) => {
        let row = await store.getGatewayByInstanceId(sql, scope, body.instance_id);
        const reRegister = !!row;
        if (!(await tokensStore.consumeRegistrationToken(sql, rt.id))) throw new AppError('INVALID_REGISTRATION_TOKEN');
        if (!row) {
          try {
            // enrolled_via is ours (it marks zero-touch gateways): a registering client cannot claim it.
            const { enrolled_via: _claimed, ...metadata } = body.metadata ?? {};
            row = await store.insertGateway(sql, scope, {
              instanceId: body.instance_id,
              instanceUid: null,
              name: body.name,
              nameIsCustom: true,
              hostname: body.hostname ?? null,
              ipAddress: body.ip_address ?? null,
              metadata,
              registrationTokenId: rt.id,
            });
          } catch (err) {
            if (isUniqueViolation(err))
              throw new AppError('CONFLICT', 'A gateway with this instance_id was registered at the same time');
            throw err;
          }
        }
        const signed = await tokens.signOpamp(row.id, scope.orgId, settings.opamp_token_days);
        row = (await store.updateGateway(sql, scope, row.id, {
          opamp_token_jti: signed.jti,
          token_expires_at: signed.expiresAt,
          ...(reRegister
            ? { hostname: body.hostname ?? row.hostname, ip_address: body.ip_address ?? row.ip_address }
            : {}),
        }))!;
        await audit(sql, scope, {
          action: reRegister ? 'gateway.reregister' : 'gateway.register',
          resourceType: 'gateway',
          resourceId: row.id,
          after: { name: row.name, instance_id: row.instance_id, registration_token: rt.prefix },
        });
        return { row, token: signed.token };
      });
      void publishEvent('gateway.created', scope.orgId, result.row.id);
      return {
        id: result.row.id,
        name: result.row.name,
        instance_id: result.row.instance_id,
        org_id: result.row.org_id,
        status: result.row.status,
        opamp_token: result.token,
        opamp_endpoint: opampEndpoint,
        created_at: result.row.created_at.toISOString(),
      };
    },

    /**
     * Validates an OpAMP token: signature, type, gateway exists
     * in the token's org, and it is the gateway's current token.
     */
    async authenticateOpamp(token: string): Promise<GatewayRow | null> {
      const claims = await tokens.verifyOpamp(token);
      if (!claims) return null;
      const row = await store.getGateway(db, systemScope(claims.org_id), claims.sub);
      if (!row || row.opamp_token_jti !== claims.jti) return null;
      return row;
    },

    async heartbeat(token: string, instanceId: string, touch: (row: GatewayRow) => void) {
      const row = await this.authenticateOpamp(token);
      if (!row) throw new AppError('INVALID_OPAMP_TOKEN');
      if (row.instance_id !== instanceId && row.instance_uid !== instanceId) throw new AppError('INSTANCE_MISMATCH');
      touch(row);
      if (row.status !== 'active') {
        await store.updateGateway(db, systemScope(row.org_id), row.id, { status: 'active', last_seen: new Date() });
        void publishEvent('gateway.updated', row.org_id, row.id);
      }
      return { status: 'ok' as const, gateway_id: row.id };
    },

    async configForAgent(token: string, instanceId: string) {
      const row = await this.authenticateOpamp(token);
      if (!row) throw new AppError('INVALID_OPAMP_TOKEN');
      if (row.instance_id !== instanceId && row.instance_uid !== instanceId) throw new AppError('INSTANCE_MISMATCH');
      return configView(systemScope(row.org_id), row);
    },

    // ── reads ─────────────────────────────────
    async list(
      scope: OrgScope,
      q: {
        limit?: number;
        cursor?: string;
        status?: string;
        health?: string;
        name?: string;
        tag?: string;
        sort?: store.GatewaySort;
      },
    ) {
      const filter = parseFilter(q);
      const limit = q.limit ?? 50;
      if (q.health) {
        // Health is derived (clock + live state), so filter after the page read; keep paging until the page is full.
        const items: ReturnType<typeof summaryView>[] = [];
        let cursor = q.cursor ?? null;
        let next: string | null = null;
        scan: while (true) {
          const page = await store.listGateways(db, scope, filter, q.sort ?? 'name', 200, cursor);
          for (const r of page.rows) {
            const v = summaryView(r);
            if (v.health.status !== q.health) continue;
            items.push(v);
            if (items.length === limit) {
              next = store.cursorFor(r as typeof r & { sort_value: string });
              break scan;
            }
          }
          if (!page.next) break;
          cursor = page.next;
        }
        return { items, next_cursor: next };
      }
      let page;
      try {
        page = await store.listGateways(db, scope, filter, q.sort ?? 'name', limit, q.cursor ?? null);
      } catch (err) {
        if (
          q.cursor &&
          (err instanceof SyntaxError || /invalid input syntax|out of range/i.test((err as Error).message))
        )
          throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
        throw err;
      }
      return { items: page.rows.map(summaryView), next_cursor: page.next };
    },
    async count(scope: OrgScope, q: { status?: string; name?: string; tag?: string; tags?: Record<string, string> }) {
      return { count: await store.countGateways(db, scope, { ...parseFilter(q), tags: q.tags }) };
    },
    async summary(scope: OrgScope) {
      const rows = await store.fleetSummary(db, scope, HEALTHY_WITHIN_SECONDS, WARNING_WITHIN_SECONDS);
      const out = {
        total: 0,
        connected: 0,
        by_health: { healthy: 0, warning: 0, unhealthy: 0, offline: 0 } as Record<string, number>,
        by_status: {} as Record<string, number>,
        by_version: {} as Record<string, number>,
      };
      const now = new Date();
      for (const r of rows) {
        out.total += r.n;
        const lastSeen = r.last_seen_age === null ? null : new Date(now.getTime() - r.last_seen_age * 1000);
        // transport unknown here: treat a connected row as live
        // (HTTP pollers mark themselves disconnected when they stop)
        const h = computeHealth({
          status: r.status as GatewayStatus,
          lastSeen,
          connected: r.connected,
          agentHealthy: r.agent_healthy,
          now,
        });
        if (r.connected) out.connected += r.n;
        out.by_health[h.status] = (out.by_health[h.status] ?? 0) + r.n;
        out.by_status[r.status] = (out.by_status[r.status] ?? 0) + r.n;
        const v = r.version ?? 'unknown';
        out.by_version[v] = (out.by_version[v] ?? 0) + r.n;
      }
      return out;
    },
    async get(scope: OrgScope, id: string) {
      return detail(scope, await mustGet(scope, id));
    },
    async health(scope: OrgScope, id: string) {
      return healthView(await mustGet(scope, id));
    },
    async version(scope: OrgScope, id: string) {
      return versionView(await mustGet(scope, id));
    },
    async config(scope: OrgScope, id: string) {
      return configView(scope, await mustGet(scope, id));
    },
    async metrics(scope: OrgScope, id: string) {
      return metricsView(scope, await mustGet(scope, id));
    },
    async status(scope: OrgScope, id: string) {
      const row = await mustGet(scope, id);
      return {
        gateway_id: row.id,
        instance_id: row.instance_id,
        name: row.name,
        health: healthView(row),
        version: versionView(row),
        config: await configView(scope, row),
        metrics: await metricsView(scope, row),
      };
    },
    /** Queues one reported config status for the gateway's history (written in batches). */
    recordConfigEvent(scope: OrgScope, gatewayId: string, hash: string | null, status: string, error: string | null) {
      configEventQueue.add({ orgId: scope.orgId, gatewayId, hash, status, error });
    },
    /** Writes queued config events now (before reading them; at shutdown). */
    flushConfigEvents: () => configEventQueue.flush(),
    closeQueues: () => configEventQueue.close(),
    async configEvents(scope: OrgScope, id: string) {
      await mustGet(scope, id);
      await configEventQueue.flush();
      return (await store.configEvents(db, scope, id)).map((e) => ({ ...e, created_at: e.created_at.toISOString() }));
    },
    async agentTags(scope: OrgScope) {
      return store.agentTags(db, scope);
    },

    // ── mutations ─────────────────────────────
    async setTags(scope: OrgScope, id: string, tags: Record<string, string>) {
      const row = await db.tx(async (sql) => {
        const before = await store.getGateway(sql, scope, id);
        if (!before) throw new AppError('GATEWAY_NOT_FOUND');
        const after = await store.updateGateway(sql, scope, id, { tags });
        await audit(sql, scope, {
          action: 'gateway.tags',
          resourceType: 'gateway',
          resourceId: id,
          before: { tags: before.tags },
          after: { tags },
        });
        return after!;
      });
      void publishEvent('gateway.updated', scope.orgId, id);
      // A gateway that now matches a deployment's selector gets it: the deployment engine listens for this.
      void bus
        .publish(redisChannels.events, {
          type: 'gateway.tags_changed',
          org_id: scope.orgId,
          id,
          at: new Date().toISOString(),
        })
        .catch(() => undefined);
      return detail(scope, row);
    },
    async rename(scope: OrgScope, id: string, name: string) {
      const row = await db.tx(async (sql) => {
        const before = await store.getGateway(sql, scope, id);
        if (!before) throw new AppError('GATEWAY_NOT_FOUND');
        const after = await store.updateGateway(sql, scope, id, { name, name_is_custom: true });
        await audit(sql, scope, {
          action: 'gateway.rename',
          resourceType: 'gateway',
          resourceId: id,
          before: { name: before.name },
          after: { name },
        });
        return after!;
      });
      void publishEvent('gateway.updated', scope.orgId, id);
      return detail(scope, row);
    },
    async remove(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const before = await store.getGateway(sql, scope, id);
        if (!before) throw new AppError('GATEWAY_NOT_FOUND');
        await store.deleteGateway(sql, scope, id);
        await audit(sql, scope, {
          action: 'gateway.delete',
          resourceType: 'gateway',
          resourceId: id,
          before: { name: before.name, instance_id: before.instance_id },
        });
      });
      await command({ type: 'disconnect', gateway_id: id, org_id: scope.orgId });
      void publishEvent('gateway.deleted', scope.orgId, id);
    },
    async revokeToken(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const before = await store.getGateway(sql, scope, id);
        if (!before) throw new AppError('GATEWAY_NOT_FOUND');
        // A zero-touch gateway presents its registration token, not a token of its own: dropping its
        // connection would look like a revocation while it reconnects at once.
        if (authView(before, null).method === 'registration_token') throw new AppError('GATEWAY_HAS_NO_TOKEN');
        await store.updateGateway(sql, scope, id, { opamp_token_jti: null, token_expires_at: null });
        await audit(sql, scope, { action: 'gateway.revoke_token', resourceType: 'gateway', resourceId: id });
      });
      // The live connection may have been admitted with the old token: end it, the reconnect with it is
      // refused. (A zero-touch gateway that was also given its own token is still admitted with its
      // registration token.)
      await command({ type: 'disconnect', gateway_id: id, org_id: scope.orgId });
      void publishEvent('gateway.updated', scope.orgId, id);
      return { ok: true as const };
    },
    async rotateToken(scope: OrgScope, id: string) {
      const settings = await deps.settings.get(scope);
      return db.tx(async (sql) => {
        const before = await store.getGateway(sql, scope, id);
        if (!before) throw new AppError('GATEWAY_NOT_FOUND');
        const signed = await tokens.signOpamp(id, scope.orgId, settings.opamp_token_days);
        await store.updateGateway(sql, scope, id, { opamp_token_jti: signed.jti, token_expires_at: signed.expiresAt });
        await audit(sql, scope, { action: 'gateway.rotate_token', resourceType: 'gateway', resourceId: id });
        return { opamp_token: signed.token, expires_at: signed.expiresAt.toISOString() };
      });
    },
    async restart(scope: OrgScope, id: string) {
      const row = await mustGet(scope, id);
      if ((row.capabilities & AcceptsRestartCommand) === 0)
        throw new AppError(
          'CAPABILITY_MISSING',
          'The gateway did not announce AcceptsRestartCommand (supervisor: capabilities.accepts_restart_command: true)',
        );
      if (!isLive(row)) throw new AppError('GATEWAY_NOT_CONNECTED');
      await db.tx(async (sql) => {
        if (row.transport === 'http') await store.updateGateway(sql, scope, id, { pending_restart: true });
        await audit(sql, scope, { action: 'gateway.restart', resourceType: 'gateway', resourceId: id });
      });
      await command({ type: 'restart', gateway_id: id, org_id: scope.orgId });
      return { ok: true as const };
    },

    /** The org's base collector config (settings), else the seed's. */
    async baseConfig(orgId: string): Promise<string> {
      return (await deps.settings.get(systemScope(orgId))).base_config_yaml ?? BASE_CONFIG_YAML;
    },

    // ── config push primitive (used by the deployment engine) ────────────────
    /**
     * Sets the configuration a gateway should run; WebSocket agents get it at once, HTTP agents in
     * their next reply. `hash` must be configHash() of the files as sent (secrets resolved).
     */
    async setDesiredConfig(scope: OrgScope, gatewayId: string, desired: DesiredConfig, hash: string) {
      const row = await store.updateGateway(db, scope, gatewayId, {
        desired_config: desired,
        desired_config_hash: hash,
        current_config_version: desired.version,
        config_recovery: null,
      });
      if (!row) throw new AppError('GATEWAY_NOT_FOUND');
      await command({ type: 'push', gateway_id: gatewayId, org_id: scope.orgId });
      return row;
    },
    /** Explicit re-send of a hash that failed (the user asked for it): clears the failed marker. */
    async clearFailedHash(scope: OrgScope, gatewayId: string) {
      await store.updateGateway(db, scope, gatewayId, { failed_config_hash: null });
    },
  };
}
export type GatewaysService = ReturnType<typeof createGatewaysService>;

function parseFilter(q: { status?: string; name?: string; tag?: string }): store.GatewayFilter {
  const f: store.GatewayFilter = {};
  if (q.status) f.status = q.status;
  if (q.name) f.name = q.name;
  if (q.tag) {
    const i = q.tag.indexOf('=');
    if (i <= 0) throw new AppError('VALIDATION_FAILED', 'tag must be key=value');
    f.tag = { key: q.tag.slice(0, i), value: q.tag.slice(i + 1) };
  }
  return f;
}

function rcView(row: GatewayRow) {
  return {
    status: (row.remote_config_status ?? 'UNSET') as 'UNSET',
    hash: row.remote_config_hash,
    error_message: row.remote_config_error,
    updated_at: iso(row.remote_config_updated_at),
    recovery: row.config_recovery,
  };
}

export function registrationTokenView(r: tokensStore.RegistrationTokenRow) {
  return {
    id: r.id,
    org_id: r.org_id,
    name: r.name,
    prefix: r.prefix,
    expires_at: iso(r.expires_at),
    is_active: r.is_active,
    max_uses: r.max_uses,
    uses: r.uses,
    created_by: r.created_by,
    created_at: r.created_at.toISOString(),
  };
}
