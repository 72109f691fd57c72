import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Tags, Timestamp, Uuid } from './common.ts';

export const deploymentStatuses = [
  'pending',
  'in_progress',
  'paused',
  'completed',
  'failed',
  'cancelled',
  'rolled_back',
] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];
export const targetStatuses = [
  'pending',
  'applying',
  'applied',
  'failed',
  'excluded',
  'superseded',
  'cancelled',
] as const;
export type TargetStatus = (typeof targetStatuses)[number];

export const DeploymentTarget = Type.Object(
  { gateway_ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100_000 })), tags: Type.Optional(Tags) },
  { additionalProperties: false },
);
export const DeploymentStrategy = Type.Object(
  {
    type: Type.Union([Type.Literal('all_at_once'), Type.Literal('canary')]),
    batches: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 100 }), { minItems: 1, maxItems: 20 }),
    ),
    soak_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
    pause_on_failure: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const CreateDeploymentBody = Type.Object(
  {
    template_id: Uuid,
    version: Type.Integer({ minimum: 1 }),
    target: DeploymentTarget,
    strategy: Type.Optional(DeploymentStrategy),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const DeploymentTargetState = Type.Object({
  gateway_id: Uuid,
  gateway_name: Type.String(),
  batch: Type.Integer(),
  status: Type.String(),
  error: Nullable(Type.String()),
  config_hash: Nullable(Type.String()),
  updated_at: Timestamp,
});
export const Deployment = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Nullable(Type.String()),
  template_id: Uuid,
  template_name: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  reason: Nullable(Type.String()),
  target: DeploymentTarget,
  strategy: DeploymentStrategy,
  current_batch: Type.Integer(),
  created_by: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  counts: Type.Record(Type.String(), Type.Integer()),
});
export type Deployment = Static<typeof Deployment>;
export const DeploymentDetail = Type.Composite([
  Deployment,
  Type.Object({
    targets: Type.Array(DeploymentTargetState),
    excluded: Type.Array(Type.Object({ gateway_id: Uuid, gateway_name: Type.String(), reason: Type.String() })),
  }),
]);
export type DeploymentDetail = Static<typeof DeploymentDetail>;
export const GatewayDeploymentHistoryEntry = Type.Object({
  deployment_id: Uuid,
  template_id: Uuid,
  template_name: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  error: Nullable(Type.String()),
  by: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
