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
import { createGatewaysService } from './modules/gateways/gateways.service.ts';
import { gatewayRoutes } from './modules/gateways/gateways.routes.ts';
import { eventRoutes } from './modules/events/events.routes.ts';
import { createOpampAdapter, type OpampAdapter } from './opamp/adapter.ts';
import { createDeploymentsService, type DeploymentsService } from './modules/deployments/deployments.service.ts';
import { deploymentRoutes } from './modules/deployments/deployments.routes.ts';
import { redisChannels } from './platform/names.ts';
import { createTelemetryService } from './modules/telemetry/telemetry.service.ts';
import { telemetryRoutes } from './modules/telemetry/telemetry.routes.ts';

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
  attach(server: Server): void;
}

export async function registerFeatures(app: App, deps: FeatureDeps): Promise<Features> {
  const gateways = createGatewaysService({ db: deps.db, tokens: deps.tokens, bus: deps.bus, settings: deps.settings, publicUrl: deps.config.publicUrl });
  const deployments = createDeploymentsService({ db: deps.db, gateways, settings: deps.settings, logger: deps.logger });
  const opamp = createOpampAdapter({
    db: deps.db, bus: deps.bus, gateways, metrics: deps.metrics, logger: deps.logger, secret: deps.config.secret, publicUrl: deps.config.publicUrl,
    onRemoteConfigStatus: (e) => deployments.onRemoteConfigStatus(e),
    onGatewayOnline: (orgId, gatewayId) => deployments.onGatewayMatched(orgId, gatewayId),
  });
  const unsubscribeTags = deps.bus.subscribe(redisChannels.events, (e) => {
    if (e.type === 'gateway.tags_changed') void deployments.onGatewayMatched(String(e.org_id), String(e.id)).catch(() => undefined);
  });
  deployments.start();
  deps.onClose(async () => {
    unsubscribeTags();
    await deployments.stop();
  });
  deps.onClose(() => opamp.close());
  await gatewayRoutes(app, { gateways, publicUrl: deps.config.publicUrl, touch: (row) => opamp.touch(row), tokenRateLimit: deps.loginRateLimit });
  await eventRoutes(app, { bus: deps.bus, onClose: deps.onClose });
  await telemetryRoutes(app, { telemetry: createTelemetryService({ db: deps.db }), secret: deps.config.secret });
  await deploymentRoutes(app, { deployments, gatewayExists: async (scope, id) => void (await gateways.get(scope, id)) });
  return {
    opamp,
    gateways,
    deployments,
    attach(server) {
      opamp.attach(server);
    },
  };
}
