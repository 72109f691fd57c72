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
// ── logs (log studio) ──
export * from './blocks/logs/index.ts';
export * from './blocks/apply-blocks.ts';
export * from './prices.ts';
export * from './schemas/logs.ts';
// ──
