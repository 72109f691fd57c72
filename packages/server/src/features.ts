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
// ── logs (log studio) ──
import { createLogStudio, type LogStudio } from './modules/logs/studio.ts';
import { logRoutes } from './modules/logs/logs.routes.ts';
import { snapshotsNotAvailable } from './modules/logs/sources.ts';
// ──

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
  logStudio: LogStudio;
  attach(server: Server): void;
}

export async function registerFeatures(app: App, deps: FeatureDeps): Promise<Features> {
  // ── templates, validation, secrets, dry-run ──
  const secrets = createSecretsService({ db: deps.db, secret: deps.config.secret });
  const templates = createTemplatesService({ db: deps.db, bus: deps.bus });
  const validation = createValidationService({ db: deps.db, config: deps.config, secrets, logger: deps.logger });
  const dryRun = createDryRunService({ config: deps.config, templates, logger: deps.logger });
  // ${secret:NAME} is resolved only in what is sent to a gateway; configs shown back mask the values.
  const resolveConfig = (scope: OrgScope, files: Record<string, string>) => secrets.resolveSecrets(scope, files);
  const validate = (scope: OrgScope, yaml: string, gatewayIds: string[]) =>
    validation.validate(scope, { config_yaml: yaml, gateway_ids: gatewayIds });
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
  // ── logs (log studio) ──
  const logStudio = createLogStudio({
    db: deps.db,
    secrets,
    gatewayExists: async (scope, id) => void (await gateways.get(scope, id)),
    settings: deps.settings,
    dryRun,
    templates,
    validation,
    // TODO(inventory): the gateway snapshot service (POST /api/v1/gateways/{id}/snapshots) once merged.
    takeSnapshot: snapshotsNotAvailable,
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
    logStudio,
    attach(server) {
      opamp.attach(server);
    },
  };
}
