// Configuration from the environment, validated once at start-up. Every problem is reported at once.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface FlowgateConfig {
  port: number;
  host: string;
  opampPort: number | null;
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  secret: string;
  secretSource: 'env' | 'generated' | 'data-dir';
  adminEmail: string;
  adminPassword: string | null;
  logLevel: string;
  publicUrl: string | null;
  gatewayBinDir: string | null;
  uiDir: string | null;
  /** Per-agent OpAMP message budget (token bucket): burst, then this many per second. */
  opampMessageBudget: { burst: number; perSecond: number };
  /** A replica that has not said it is alive for this long is taken for dead (its WebSocket gateways: disconnected). */
  replicaTimeoutSeconds: number;
  /** Days of inventory history kept (hourly points of the edge measurement). */
  inventoryRetentionDays: number;
  // ── usage ──
  /** Outbound requests (usage connectors, later webhooks) may target private, loopback and link-local addresses. */
  allowPrivateTargets: boolean;
  /** Connector usage sources (Grafana, Prometheus rules) are read again this often. */
  usageRefreshMinutes: number;
  /** Deadline of one outbound request. */
  outboundTimeoutSeconds: number;
  // ──
  // ── events, webhooks ──
  /** FLOWGATE_WEBHOOK_ALLOW_PRIVATE: webhooks (only) may call private, loopback and link-local targets. */
  webhookAllowPrivate: boolean;
  /** First retry delay of a failed webhook delivery; it doubles per attempt (at most an hour) for 24 hours. */
  webhookRetryBaseSeconds: number;
  /** Deadline of one webhook delivery. */
  webhookTimeoutSeconds: number;
  // ──
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parsePort(name: string, raw: string | undefined, fallback: number | null, problems: string[]): number | null {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`${name} must be a port number between 0 and 65535, got "${raw}"`);
    return fallback;
  }
  return n;
}

function parsePositive(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    problems.push(`${name} must be a positive number, got "${raw}"`);
    return fallback;
  }
  return n;
}

/** Reads and validates the environment. Creates the data dir and the generated secret when needed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): FlowgateConfig {
  const problems: string[] = [];
  const port = parsePort('PORT', env.PORT, 8000, problems) ?? 8000;
  const opampPort = parsePort('OPAMP_PORT', env.OPAMP_PORT, null, problems);
  const host = env.HOST || '0.0.0.0';
  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis:// or rediss://');
  const dataDir = resolve(env.FLOWGATE_DATA_DIR || './.flowgate');
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const adminEmail = env.FLOWGATE_ADMIN_EMAIL || 'admin@flowgate.local';
  if (!/^[^@\s]+@[^@\s]+$/.test(adminEmail))
    problems.push(`FLOWGATE_ADMIN_EMAIL is not an email address: "${adminEmail}"`);
  const adminPassword = env.FLOWGATE_ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 8)
    problems.push('FLOWGATE_ADMIN_PASSWORD must have at least 8 characters');
  const publicUrl = env.FLOWGATE_PUBLIC_URL || null;
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) problems.push('FLOWGATE_PUBLIC_URL must be an http(s) URL');
  const opampMessageBudget = {
    burst: parsePositive('FLOWGATE_OPAMP_MESSAGE_BURST', env.FLOWGATE_OPAMP_MESSAGE_BURST, 60, problems),
    perSecond: parsePositive(
      'FLOWGATE_OPAMP_MESSAGES_PER_SECOND',
      env.FLOWGATE_OPAMP_MESSAGES_PER_SECOND,
      10,
      problems,
    ),
  };
  const replicaTimeoutSeconds = parsePositive(
    'FLOWGATE_REPLICA_TIMEOUT_SECONDS',
    env.FLOWGATE_REPLICA_TIMEOUT_SECONDS,
    60,
    problems,
  );
  const inventoryRetentionDays = parsePositive(
    'FLOWGATE_INVENTORY_RETENTION_DAYS',
    env.FLOWGATE_INVENTORY_RETENTION_DAYS,
    30,
    problems,
  );
  // ── usage ──
  const allowPrivateRaw = (env.FLOWGATE_ALLOW_PRIVATE_TARGETS ?? '').trim().toLowerCase();
  if (allowPrivateRaw && !['true', 'false'].includes(allowPrivateRaw))
    problems.push(`FLOWGATE_ALLOW_PRIVATE_TARGETS must be true or false, got "${env.FLOWGATE_ALLOW_PRIVATE_TARGETS}"`);
  const allowPrivateTargets = allowPrivateRaw === 'true';
  const usageRefreshMinutes = parsePositive(
    'FLOWGATE_USAGE_REFRESH_MINUTES',
    env.FLOWGATE_USAGE_REFRESH_MINUTES,
    60,
    problems,
  );
  const outboundTimeoutSeconds = parsePositive(
    'FLOWGATE_OUTBOUND_TIMEOUT_SECONDS',
    env.FLOWGATE_OUTBOUND_TIMEOUT_SECONDS,
    15,
    problems,
  );
  // ──
  // ── events, webhooks ──
  const webhookPrivateRaw = (env.FLOWGATE_WEBHOOK_ALLOW_PRIVATE ?? '').trim().toLowerCase();
  if (webhookPrivateRaw && !['true', 'false'].includes(webhookPrivateRaw))
    problems.push(`FLOWGATE_WEBHOOK_ALLOW_PRIVATE must be true or false, got "${env.FLOWGATE_WEBHOOK_ALLOW_PRIVATE}"`);
  const webhookRetryBaseSeconds = parsePositive(
    'FLOWGATE_WEBHOOK_RETRY_BASE_SECONDS',
    env.FLOWGATE_WEBHOOK_RETRY_BASE_SECONDS,
    30,
    problems,
  );
  const webhookTimeoutSeconds = parsePositive(
    'FLOWGATE_WEBHOOK_TIMEOUT_SECONDS',
    env.FLOWGATE_WEBHOOK_TIMEOUT_SECONDS,
    10,
    problems,
  );
  // ──
  if (opampMessageBudget.burst < 1) problems.push('FLOWGATE_OPAMP_MESSAGE_BURST must be at least 1');
  if (env.FLOWGATE_SECRET !== undefined && env.FLOWGATE_SECRET.length < 32)
    problems.push('FLOWGATE_SECRET must have at least 32 characters');

  let secret = env.FLOWGATE_SECRET ?? '';
  let secretSource: FlowgateConfig['secretSource'] = 'env';
  if (problems.length === 0) {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      problems.push(`FLOWGATE_DATA_DIR "${dataDir}" cannot be created: ${(err as Error).message}`);
    }
  }
  if (problems.length === 0 && !secret) {
    const file = join(dataDir, 'secret');
    if (existsSync(file)) {
      secret = readFileSync(file, 'utf8').trim();
      secretSource = 'data-dir';
    } else {
      secret = randomBytes(48).toString('base64url');
      writeFileSync(file, secret + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
      secretSource = 'generated';
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    opampPort,
    databaseUrl,
    dataDir,
    redisUrl,
    secret,
    secretSource,
    adminEmail,
    adminPassword,
    logLevel,
    publicUrl,
    gatewayBinDir: env.FLOWGATE_GATEWAY_BIN_DIR || null,
    uiDir: env.FLOWGATE_UI_DIR || null,
    opampMessageBudget,
    replicaTimeoutSeconds,
    inventoryRetentionDays,
    allowPrivateTargets,
    usageRefreshMinutes,
    outboundTimeoutSeconds,
    webhookAllowPrivate: webhookPrivateRaw === 'true',
    webhookRetryBaseSeconds,
    webhookTimeoutSeconds,
  };
}
