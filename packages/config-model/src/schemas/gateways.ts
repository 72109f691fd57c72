import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Tags, Timestamp, Uuid } from './common.ts';

export const RegistrationToken = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the token, to recognise it' }),
  expires_at: Nullable(Timestamp),
  is_active: Type.Boolean(),
  max_uses: Nullable(Type.Integer()),
  uses: Type.Integer(),
  created_by: Nullable(Uuid),
  created_at: Timestamp,
});
export type RegistrationToken = Static<typeof RegistrationToken>;
export const CreateRegistrationTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    max_uses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export const CreatedRegistrationToken = Type.Composite([
  RegistrationToken,
  Type.Object({ token: Type.String({ description: 'Plaintext, shown once' }) }),
]);

export const RegisterGatewayBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    instance_id: Type.String({ minLength: 1, maxLength: 200 }),
    hostname: Type.Optional(Type.String({ maxLength: 255 })),
    ip_address: Type.Optional(Type.String({ maxLength: 64 })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export const RegisterGatewayResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  instance_id: Type.String(),
  org_id: Uuid,
  status: Type.String(),
  opamp_token: Type.String(),
  opamp_endpoint: Type.String(),
  created_at: Timestamp,
});

export const HealthSummary = Type.Object({
  status: Type.Union([
    Type.Literal('healthy'),
    Type.Literal('warning'),
    Type.Literal('unhealthy'),
    Type.Literal('offline'),
  ]),
  score: Type.Integer(),
});

export const RemoteConfigStatus = Type.Object({
  status: Type.Union([
    Type.Literal('UNSET'),
    Type.Literal('APPLIED'),
    Type.Literal('APPLYING'),
    Type.Literal('FAILED'),
  ]),
  hash: Nullable(Type.String()),
  error_message: Nullable(Type.String()),
  updated_at: Nullable(Timestamp),
  recovery: Type.Optional(
    Nullable(
      Type.String({
        description: 'What the control plane did after the last failure (e.g. re-sent the last applied version)',
      }),
    ),
  ),
});
export type RemoteConfigStatus = Static<typeof RemoteConfigStatus>;

export const GatewaySummary = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  instance_id: Type.String(),
  status: Type.String(),
  mode: Type.Union([Type.Literal('supervisor'), Type.Literal('extension'), Type.Literal('unknown')]),
  health: HealthSummary,
  version: Nullable(Type.String()),
  hostname: Nullable(Type.String()),
  last_seen: Nullable(Timestamp),
  connected: Type.Boolean(),
  transport: Nullable(Type.Union([Type.Literal('websocket'), Type.Literal('http')])),
  tags: Tags,
  accepts_remote_config: Type.Boolean(),
  remote_config_status: Nullable(Type.String()),
  created_at: Timestamp,
});
export type GatewaySummary = Static<typeof GatewaySummary>;

export const GatewayListQuery = Type.Object(
  {
    org_id: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
    status: Type.Optional(Type.String({ maxLength: 32 })),
    health: Type.Optional(Type.String({ maxLength: 32 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    tag: Type.Optional(Type.String({ maxLength: 300, description: 'key=value' })),
    sort: Type.Optional(
      Type.Union([
        Type.Literal('name'),
        Type.Literal('-name'),
        Type.Literal('last_seen'),
        Type.Literal('-last_seen'),
        Type.Literal('created_at'),
        Type.Literal('-created_at'),
      ]),
    ),
  },
  { additionalProperties: false },
);

export interface ComponentHealthNode {
  healthy: boolean;
  status: string;
  last_error: string;
  start_time: string | null;
  status_time: string | null;
  components: Record<string, ComponentHealthNode>;
}
export const ComponentHealthNode = Type.Recursive(
  (Self) =>
    Type.Object({
      healthy: Type.Boolean(),
      status: Type.String(),
      last_error: Type.String(),
      start_time: Nullable(Type.String()),
      status_time: Nullable(Type.String()),
      components: Type.Record(Type.String(), Self),
    }),
  { $id: 'ComponentHealthNode' },
);

export const RegistrationTokenState = Type.Union(
  [Type.Literal('active'), Type.Literal('expired'), Type.Literal('used_up'), Type.Literal('revoked')],
  {
    description:
      'active: enrols new gateways; expired / used_up: enrols no new ones, ' +
      'but the gateways it enrolled zero-touch keep reconnecting with it; revoked: refuses them too',
  },
);
export type RegistrationTokenState = Static<typeof RegistrationTokenState>;

/** How a gateway authenticates its OpAMP connections. Names and prefixes only: never a token or a hash. */
export const GatewayAuth = Type.Object({
  method: Type.Union([Type.Literal('gateway_token'), Type.Literal('registration_token'), Type.Literal('none')], {
    description:
      'gateway_token: it has an OpAMP token of its own (see token_expires_at); registration_token: ' +
      'it has none and was enrolled zero-touch, its supervisor presents the registration token on ' +
      'every connection; none: its own token was revoked and it was not enrolled zero-touch, ' +
      'so it is refused until it is given a new one (rotate) or enrols again',
  }),
  zero_touch: Type.Boolean({
    description:
      'Enrolled zero-touch (OpAMP with a registration token). Such a gateway is also admitted with ' +
      'that registration token until it is revoked, even after it was given a token of its own.',
  }),
  registration_token: Nullable(
    Type.Object(
      {
        id: Uuid,
        name: Type.String(),
        prefix: Type.String({ description: 'First characters of the token, to recognise it' }),
        state: RegistrationTokenState,
      },
      {
        description:
          'The registration token the gateway enrolled with; ' +
          'null when unknown (deleted, or enrolled before it was recorded)',
      },
    ),
  ),
});
export type GatewayAuth = Static<typeof GatewayAuth>;

export const GatewayDetail = Type.Composite([
  GatewaySummary,
  Type.Object({
    ip_address: Nullable(Type.String()),
    description: Type.Object({
      identifying: Type.Record(Type.String(), Type.String()),
      non_identifying: Type.Record(Type.String(), Type.String()),
    }),
    capabilities: Type.Array(Type.String()),
    custom_capabilities: Type.Optional(
      Type.Array(Type.String(), {
        description: 'OpAMP custom capabilities the agent announced, e.g. io.flowgate.measure (edge measurement)',
      }),
    ),
    component_health: Nullable(Type.Unknown()),
    remote_config: RemoteConfigStatus,
    effective_config_yaml: Nullable(Type.String()),
    available_components: Nullable(Type.Unknown()),
    connection: Nullable(Type.Object({ transport: Type.String(), since: Timestamp, remote_address: Type.String() })),
    current_config_hash: Nullable(Type.String()),
    token_expires_at: Nullable(Timestamp),
    auth: GatewayAuth,
  }),
]);
export type GatewayDetail = Static<typeof GatewayDetail>;

export const GatewayHealth = Type.Object({
  status: HealthSummary.properties.status,
  last_seen: Nullable(Timestamp),
  seconds_since_last_seen: Nullable(Type.Integer()),
  uptime_seconds: Nullable(Type.Integer()),
  health_score: Type.Integer(),
  connected: Type.Boolean(),
  agent_healthy: Nullable(Type.Boolean()),
  last_error: Nullable(Type.String()),
});
export const GatewayVersion = Type.Object({
  agent_version: Nullable(Type.String()),
  otel_version: Nullable(Type.String()),
  service_name: Nullable(Type.String()),
  capabilities: Type.Array(Type.String()),
});
export const GatewayConfig = Type.Object({
  config_yaml: Nullable(Type.String()),
  config_version: Nullable(Type.Integer()),
  deployment_id: Nullable(Uuid),
  template_id: Nullable(Uuid),
  source: Type.Union([Type.Literal('deployment'), Type.Literal('effective'), Type.Literal('base')]),
  effective_config_yaml: Nullable(Type.String()),
  remote_config: RemoteConfigStatus,
  last_updated: Nullable(Timestamp),
});
export const GatewayMetricsPoint = Type.Object({
  at: Timestamp,
  received: Type.Number(),
  sent: Type.Number(),
  refused: Type.Number(),
  dropped: Type.Number(),
});
export const GatewayMetrics = Type.Object({
  logs_processed: Type.Number(),
  errors: Type.Number(),
  latency_ms: Nullable(Type.Number()),
  last_updated: Nullable(Timestamp),
  totals: Type.Object({
    received: Type.Record(Type.String(), Type.Number(), {
      description: 'per signal: metric_points, log_records, spans',
    }),
    sent: Type.Record(Type.String(), Type.Number()),
    refused: Type.Record(Type.String(), Type.Number()),
    send_failed: Type.Record(Type.String(), Type.Number()),
  }),
  processors: Type.Array(
    Type.Object({ processor: Type.String(), signal: Type.String(), incoming: Type.Number(), outgoing: Type.Number() }),
  ),
  series: Type.Array(GatewayMetricsPoint),
});
export const GatewayStatusResponse = Type.Object({
  gateway_id: Uuid,
  instance_id: Type.String(),
  name: Type.String(),
  health: GatewayHealth,
  version: GatewayVersion,
  config: GatewayConfig,
  metrics: GatewayMetrics,
});

export const UpdateTagsBody = Type.Object({ tags: Tags }, { additionalProperties: false });
export const UpdateGatewayBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export const HeartbeatResponse = Type.Object({ status: Type.Literal('ok'), gateway_id: Uuid });
export const RotateTokenResponse = Type.Object({ opamp_token: Type.String(), expires_at: Timestamp });
export const AgentTag = Type.Object({
  key: Type.String(),
  values: Type.Array(Type.String()),
  gateways: Type.Integer(),
});

export const FleetSummary = Type.Object({
  total: Type.Integer(),
  connected: Type.Integer(),
  by_health: Type.Record(Type.String(), Type.Integer()),
  by_status: Type.Record(Type.String(), Type.Integer()),
  by_version: Type.Record(Type.String(), Type.Integer()),
});
