// Feature modules beyond the foundation register here: gateways, OpAMP, events (and later templates,
// deployments, telemetry). Returns what must be attached to the HTTP server once it exists.
import type { Server } from 'node:http';
import type pino from 'pino';
import type { FlowgateConfig } from './config/env.ts';
import type { Db } from './platform/db/db.ts';
import type { EventBus } from './platform/events/bus.ts';
import type { Metrics } from './platform/metrics.ts';
import type { TokenSigner } from './platform/tokens.ts';
import type { App } from './platform/http/types.ts';
import type { SettingsService } from './modules/settings/settings.service.ts';
import type { OrgScope } from './platform/scope.ts';
import { createGatewaysService } from './modules/gateways/gateways.service.ts';
import { gatewayRoutes } from './modules/gateways/gateways.routes.ts';
import { eventRoutes } from './modules/events/events.routes.ts';
import { createOpampAdapter, type OpampAdapter } from './opamp/adapter.ts';
import { createDeploymentsService, type DeploymentsService } from './modules/deployments/deployments.service.ts';
import { deploymentRoutes } from './modules/deployments/deployments.routes.ts';
import { redisChannels } from './platform/names.ts';
import { createTelemetryService } from './modules/telemetry/telemetry.service.ts';
import { telemetryRoutes } from './modules/telemetry/telemetry.routes.ts';
// ── templates, validation, secrets, dry-run ──
import { createSecretsService, type SecretsService } from './modules/secrets/secrets.service.ts';
import { secretRoutes } from './modules/secrets/secrets.routes.ts';
import { createTemplatesService, type TemplatesService } from './modules/templates/templates.service.ts';
import { templateRoutes } from './modules/templates/templates.routes.ts';
import { createValidationService, type ValidationService } from './modules/validation/validation.service.ts';
import { validationRoutes } from './modules/validation/validation.routes.ts';
import { createDryRunService, type DryRunService } from './modules/dry-run/dry-run.service.ts';
import { dryRunRoutes } from './modules/dry-run/dry-run.routes.ts';
// ── backend presets ──
import { createBackendsService, type BackendsService } from './modules/backends/backends.service.ts';
import { backendRoutes } from './modules/backends/backends.routes.ts';
// ── gateway install ──
import { createGatewayInstallService } from './modules/gateway-install/gateway-install.service.ts';
import { gatewayInstallRoutes } from './modules/gateway-install/gateway-install.routes.ts';
// ── inventory ──
import { MEASURE_CAPABILITY } from '@flowgate/config-model';
import { createCustomMessages } from './opamp/custom-messages.ts';
import { createInventoryService, type InventoryService } from './modules/inventory/inventory.service.ts';
import { createSnapshotService } from './modules/inventory/snapshots.service.ts';
import { inventoryRoutes } from './modules/inventory/inventory.routes.ts';
// ── usage ──
import { createUsageService, type UsageService } from './modules/usage/usage.service.ts';
import { usageRoutes } from './modules/usage/usage.routes.ts';
import { createAnalysisPool } from './modules/usage/analysis-pool.ts';
import { createOutbound } from './platform/outbound.ts';
// ── logs (log studio) ──
import { createLogStudio, type LogStudio } from './modules/logs/studio.ts';
import { logRoutes } from './modules/logs/logs.routes.ts';
// ──
// ── events, webhooks, alert rules ──
import { deriveKey } from './platform/crypto.ts';
import { createOutboxRelay, type OutboxRelay } from './modules/events/outbox-relay.ts';
import { eventLogRoutes } from './modules/events/event-log.routes.ts';
import { createDeliveryWorker, type DeliveryWorker } from './modules/webhooks/delivery-worker.ts';
import { createWebhooksService } from './modules/webhooks/webhooks.service.ts';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.ts';
import { createAlertEngine, type AlertEngine } from './modules/alerts/alert-engine.ts';
import { createAlertRulesService } from './modules/alerts/alerts.service.ts';
import { alertRoutes } from './modules/alerts/alerts.routes.ts';

export interface FeatureDeps {
  config: FlowgateConfig;
  db: Db;
  bus: EventBus;
  tokens: TokenSigner;
  settings: SettingsService;
  metrics: Metrics;
  logger: pino.Logger;
  loginRateLimit: { max: number; timeWindow: string };
  onClose(fn: () => Promise<void> | void): void;
}

export interface Features {
  opamp: OpampAdapter;
  gateways: ReturnType<typeof createGatewaysService>;
  deployments: DeploymentsService;
  templates: TemplatesService;
  validation: ValidationService;
  secrets: SecretsService;
  dryRun: DryRunService;
  backends: BackendsService;
  inventory: InventoryService;
  usage: UsageService;
  logStudio: LogStudio;
  // ── events, webhooks, alert rules ──
  outbox: OutboxRelay;
  webhookWorker: DeliveryWorker;
  alertEngine: AlertEngine;
  attach(server: Server): void;
}

export async function registerFeatures(app: App, deps: FeatureDeps): Promise<Features> {
  // ── templates, validation, secrets, dry-run ──
  const secrets = createSecretsService({ db: deps.db, secret: deps.config.secret });
  // ── events, webhooks, alert rules ── the outbox relay: every domain event reaches SSE and webhooks through it.
  const outbox = createOutboxRelay({ db: deps.db, bus: deps.bus, logger: deps.logger });
  const eventsRecorded = () => outbox.kick();
  const templates = createTemplatesService({ db: deps.db, bus: deps.bus, eventsRecorded });
  const validation = createValidationService({ db: deps.db, config: deps.config, secrets, logger: deps.logger });
  const dryRun = createDryRunService({ config: deps.config, templates, logger: deps.logger });
  // ${secret:NAME} is resolved only in what is sent to a gateway; configs shown back mask the values.
  const resolveConfig = (scope: OrgScope, files: Record<string, string>) => secrets.resolveSecrets(scope, files);
  const validate = (scope: OrgScope, yaml: string, gatewayIds: string[]) =>
    validation.validate(scope, { config_yaml: yaml, gateway_ids: gatewayIds });
  // ──

  // ── inventory: edge measurement over OpAMP custom messages ──
  const customMessages = createCustomMessages({ bus: deps.bus, logger: deps.logger });
  const inventory = createInventoryService({
    db: deps.db,
    logger: deps.logger,
    retentionDays: deps.config.inventoryRetentionDays,
  });
  const snapshots = createSnapshotService({
    db: deps.db,
    bus: deps.bus,
    customMessages,
    logger: deps.logger,
    secretValues: (scope) => secrets.knownSecretValues(scope),
  });
  customMessages.handle(MEASURE_CAPABILITY, (from, msg) => {
    if (msg.type === 'summary') return inventory.onSummary(from, msg.data);
    if (msg.type === 'snapshot.response') return snapshots.onResponse(from, msg.data);
    deps.logger.debug({ gateway: from.gatewayId, type: msg.type }, 'unknown io.flowgate.measure message type');
  });
  inventory.start();
  deps.onClose(() => {
    inventory.stop();
    snapshots.close();
    customMessages.close();
  });
  // ──

  const gateways = createGatewaysService({
    db: deps.db,
    tokens: deps.tokens,
    bus: deps.bus,
    settings: deps.settings,
    publicUrl: deps.config.publicUrl,
    secretValues: (scope) => secrets.knownSecretValues(scope),
  });
  const deployments = createDeploymentsService({
    db: deps.db,
    gateways,
    settings: deps.settings,
    logger: deps.logger,
    resolveConfig,
    validate,
    eventsRecorded,
  });
  const opamp = createOpampAdapter({
    db: deps.db,
    bus: deps.bus,
    gateways,
    metrics: deps.metrics,
    logger: deps.logger,
    secret: deps.config.secret,
    publicUrl: deps.config.publicUrl,
    resolveConfig,
    messageBudget: deps.config.opampMessageBudget,
    replicaTimeoutSeconds: deps.config.replicaTimeoutSeconds,
    onRemoteConfigStatus: (e) => deployments.onRemoteConfigStatus(e),
    onGatewayOnline: (orgId, gatewayId) => deployments.onGatewayMatched(orgId, gatewayId),
    customMessages,
  });
  const unsubscribeTags = deps.bus.subscribe(redisChannels.events, (e) => {
    if (e.type === 'gateway.tags_changed')
      void deployments.onGatewayMatched(String(e.org_id), String(e.id)).catch(() => undefined);
  });
  await opamp.init();
  deployments.start();
  deps.onClose(async () => {
    unsubscribeTags();
    await deployments.stop();
  });
  deps.onClose(() => opamp.close());
  await gatewayRoutes(app, {
    gateways,
    publicUrl: deps.config.publicUrl,
    touch: (row) => opamp.touch(row),
    tokenRateLimit: deps.loginRateLimit,
  });
  await eventRoutes(app, { bus: deps.bus, onClose: deps.onClose });
  await telemetryRoutes(app, { telemetry: createTelemetryService({ db: deps.db }), secret: deps.config.secret });
  await deploymentRoutes(app, {
    deployments,
    gatewayExists: async (scope, id) => void (await gateways.get(scope, id)),
  });
  // ── templates, validation, secrets, dry-run ──
  await templateRoutes(app, { templates });
  await validationRoutes(app, { validation });
  await secretRoutes(app, { secrets });
  await dryRunRoutes(app, { dryRun });
  // ──
  // ── backend presets ──
  const backends = createBackendsService({ db: deps.db, secrets, templates, validation });
  await backendRoutes(app, { backends });
  // ── gateway install ──
  const install = createGatewayInstallService({ config: deps.config, logger: deps.logger });
  await gatewayInstallRoutes(app, { install, publicUrl: deps.config.publicUrl });
  // ── events, webhooks, alert rules ──
  const encryptionKey = deriveKey(deps.config.secret, 'encryption');
  const webhookOutbound = createOutbound({
    // FLOWGATE_ALLOW_PRIVATE_TARGETS for every outbound call, FLOWGATE_WEBHOOK_ALLOW_PRIVATE for webhooks only.
    allowPrivateTargets: deps.config.allowPrivateTargets || deps.config.webhookAllowPrivate,
    timeoutMs: deps.config.webhookTimeoutSeconds * 1000,
  });
  const webhookWorker = createDeliveryWorker({
    db: deps.db,
    outbound: webhookOutbound,
    logger: deps.logger,
    encryptionKey,
    secretValue: (scope, name) => secrets.value(scope, name),
    publicUrl: deps.config.publicUrl,
    retryBaseMs: deps.config.webhookRetryBaseSeconds * 1000,
    timeoutMs: deps.config.webhookTimeoutSeconds * 1000,
  });
  const webhooks = createWebhooksService({
    db: deps.db,
    encryptionKey,
    outbound: webhookOutbound,
    secretNames: (scope) => secrets.names(scope),
    kickRelay: eventsRecorded,
    kickWorker: () => webhookWorker.kick(),
  });
  const alertEngine = createAlertEngine({ db: deps.db, logger: deps.logger, eventsRecorded });
  // Alert rules first: the alerts they record are published by the next pass, like any event.
  outbox.addConsumer((sql, events) => alertEngine.onEvents(sql, events));
  outbox.addConsumer((sql, events) => webhooks.enqueueFor(sql, events));
  outbox.afterCommit(() => webhookWorker.kick());
  outbox.start();
  webhookWorker.start();
  alertEngine.start();
  deps.onClose(async () => {
    await alertEngine.stop();
    await outbox.stop();
    await webhookWorker.stop();
  });
  await webhookRoutes(app, { webhooks, publicUrl: deps.config.publicUrl });
  await alertRoutes(app, { alerts: createAlertRulesService({ db: deps.db }) });
  await eventLogRoutes(app, { db: deps.db, publicUrl: deps.config.publicUrl });
  // ──
  await inventoryRoutes(app, { inventory, snapshots }); // ── inventory ──
  // ── usage ──
  // Every outbound call (usage connectors, the log studio's AI endpoint) goes through this one client.
  const outbound = createOutbound({
    allowPrivateTargets: deps.config.allowPrivateTargets,
    timeoutMs: deps.config.outboundTimeoutSeconds * 1000,
  });
  const usage = createUsageService({
    db: deps.db,
    outbound,
    pool: createAnalysisPool(),
    logger: deps.logger,
    refreshMinutes: deps.config.usageRefreshMinutes,
    secretValue: (scope, name) => secrets.value(scope, name),
    inventoryMetricNames: (scope) => inventory.metricNames(scope),
  });
  usage.start();
  deps.onClose(() => usage.stop());
  await usageRoutes(app, { usage });
  // ── logs (log studio) ──
  const logStudio = createLogStudio({
    db: deps.db,
    secrets,
    gatewayExists: async (scope, id) => void (await gateways.get(scope, id)),
    settings: deps.settings,
    dryRun,
    templates,
    validation,
    outbound,
    // A live sample: the records the gateway's logs pipelines receive (flowgate_measure at `in`), masked.
    takeSnapshot: async (scope, gatewayId, opts) => {
      const snap = await snapshots.take(scope, gatewayId, {
        signal: opts.signal,
        position: 'in',
        max_items: Math.min(opts.max_items, 1000),
        max_bytes: Math.min(opts.max_bytes, 1024 * 1024),
        timeout_s: 20,
      });
      return { otlp_json: snap.otlp, window_seconds: null };
    },
  });
  await logRoutes(app, { studio: logStudio });
  // ──
  return {
    opamp,
    gateways,
    deployments,
    templates,
    validation,
    secrets,
    dryRun,
    backends,
    inventory,
    usage,
    logStudio,
    outbox,
    webhookWorker,
    alertEngine,
    attach(server) {
      opamp.attach(server);
    },
  };
}
