export * from './errors.ts';
export * from './health.ts';
export * from './schemas/common.ts';
export * from './schemas/identity.ts';
export * from './schemas/gateways.ts';
export * from './schemas/templates.ts';
export * from './schemas/deployments.ts';
export * from './schemas/events.ts';
export * from './collector/mask.ts';
export * from './collector/config-refs.ts';
export * from './collector/catalogue.ts';
export * from './collector/validate.ts';
export * from './blocks/types.ts';
export * from './blocks/registry.ts';
// ── backend presets ──
export * from './blocks/check.ts';
export * from './blocks/compose.ts';
export { datadogSites, datadogIntakeBase } from './blocks/backends/datadog.ts';
export * from './schemas/backends.ts';
// ── gateway install ──
export * from './schemas/gateway-install.ts';
// ── prices (reduce) ──
export * from './prices.ts';
// ── inventory ──
export * from './schemas/inventory.ts';
export * from './measure/inject.ts';
export * from './measure/messages.ts';
export * from './measure/mask-otlp.ts';
// ── usage ──
export * from './schemas/usage.ts';
// ── logs (log studio) ──
export * from './blocks/logs/index.ts';
export * from './blocks/apply-blocks.ts';
export * from './schemas/logs.ts';
// ──
// ── events, webhooks, alert rules ──
export * from './schemas/domain-events.ts';
export * from './schemas/webhooks.ts';
