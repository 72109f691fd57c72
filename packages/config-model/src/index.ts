export * from './errors.ts';
export * from './health.ts';
export * from './schemas/common.ts';
export * from './schemas/identity.ts';
export * from './schemas/gateways.ts';
export * from './schemas/templates.ts';
export * from './schemas/deployments.ts';
export * from './schemas/events.ts';
