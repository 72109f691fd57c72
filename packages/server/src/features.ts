// Feature modules beyond the foundation register here (gateways, OpAMP, templates, deployments, events).
import type pino from 'pino';
import type { FlowgateConfig } from './config/env.ts';
import type { Db } from './platform/db/db.ts';
import type { EventBus } from './platform/events/bus.ts';
import type { Metrics } from './platform/metrics.ts';
import type { TokenSigner } from './platform/tokens.ts';
import type { App } from './platform/http/types.ts';
import type { SettingsService } from './modules/settings/settings.service.ts';

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

export async function registerFeatures(_app: App, _deps: FeatureDeps): Promise<void> {}
