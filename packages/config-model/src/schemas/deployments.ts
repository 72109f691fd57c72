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
// ── data-plane gate ── what a batch's soak watches in each gateway's own telemetry besides health.
export const DataPlaneGate = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
    max_send_failure_ratio: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Pause when exporters failed to send more than this share of items (default 0.05)',
      }),
    ),
    max_refused_ratio: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Pause when receivers refused more than this share of incoming items (default 0.05)',
      }),
    ),
    max_out_drop: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          'Pause when the share of items sent out (out/in) fell by more than this against the hour before the ' +
          'rollout (default 0.9). Set it above the reduction the new version is meant to make',
      }),
    ),
    min_items: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000_000,
        description: 'Items a gateway must have received during the soak before ratios are judged (default 20)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DataPlaneGate = Static<typeof DataPlaneGate>;
export const PauseFinding = Type.Object({
  gateway_id: Uuid,
  gateway_name: Type.String(),
  signal: Type.String({ description: 'metric_points, log_records or spans' }),
  check: Type.String({ description: 'send_failures | out_zero | out_drop | refused' }),
  message: Type.String(),
  figures: Type.Record(Type.String(), Nullable(Type.Number())),
});
export const PauseDetails = Type.Object({
  cause: Type.String({ description: 'apply_failed | unhealthy | data_plane' }),
  at: Timestamp,
  batch: Type.Integer(),
  since: Nullable(Timestamp),
  findings: Type.Array(PauseFinding),
});
export type PauseDetails = Static<typeof PauseDetails>;
// ──

export const DeploymentStrategy = Type.Object(
  {
    type: Type.Union([Type.Literal('all_at_once'), Type.Literal('canary')]),
    batches: Type.Optional(
      Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 100 }), { minItems: 1, maxItems: 20 }),
    ),
    soak_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
    pause_on_failure: Type.Optional(Type.Boolean()),
    data_plane_gate: Type.Optional(DataPlaneGate),
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
  pause_details: Type.Optional(Nullable(PauseDetails)),
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
