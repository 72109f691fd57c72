// Webhooks (per org): where domain events go, in one of four formats — signed JSON, a Slack message, or
// an issue created through the Jira or GitHub REST API — with a delivery log. Alert rules (per org).
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

export const webhookFormats = ['json', 'slack', 'jira', 'github'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

const SecretName = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
  description: 'Name of a Flowgate secret (PUT /api/v1/secrets) holding the token',
});
export const JiraOptions = Type.Object(
  {
    project_key: Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,19}$', description: 'e.g. OPS' }),
    issue_type: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'default Bug' })),
    email: Type.Optional(
      Type.String({
        pattern: '^[^@\\s]+@[^@\\s]+$',
        maxLength: 254,
        description: 'Jira Cloud: the account of the API token (Basic auth). Without it the token is a Bearer PAT',
      }),
    ),
    token_secret: SecretName,
    labels: Type.Optional(Type.Array(Type.String({ pattern: '^\\S{1,50}$' }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export const GithubOptions = Type.Object(
  {
    repository: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$', description: 'owner/name' }),
    token_secret: SecretName,
    labels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);

const WebhookName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const WebhookUrl = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'http(s) URL. Jira: the site (https://acme.atlassian.net); GitHub: the API (https://api.github.com or ' +
    'https://ghe.example.com/api/v3). Private and loopback addresses only when the instance allows them',
});
const EventPatterns = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  description: 'Event types or families: ["deployment.*", "alert.fired"], or ["*"]',
});

export const CreateWebhookBody = Type.Object(
  {
    name: Type.Optional(WebhookName),
    url: WebhookUrl,
    events: EventPatterns,
    format: Type.Optional(
      Type.Union(
        webhookFormats.map((f) => Type.Literal(f)),
        { default: 'json' },
      ),
    ),
    enabled: Type.Optional(Type.Boolean()),
    jira: Type.Optional(JiraOptions),
    github: Type.Optional(GithubOptions),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;
export const PatchWebhookBody = Type.Object(
  {
    name: Type.Optional(WebhookName),
    url: Type.Optional(WebhookUrl),
    events: Type.Optional(EventPatterns),
    enabled: Type.Optional(Type.Boolean()),
    jira: Type.Optional(JiraOptions),
    github: Type.Optional(GithubOptions),
    rotate_secret: Type.Optional(Type.Boolean({ description: 'A new signing secret, shown once in the answer' })),
  },
  { additionalProperties: false },
);
export type PatchWebhookBody = Static<typeof PatchWebhookBody>;

export const Webhook = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  url: Type.String({ description: 'Credentials and query values of the URL are masked' }),
  events: Type.Array(Type.String()),
  format: Type.String(),
  enabled: Type.Boolean(),
  disabled_reason: Nullable(Type.String()),
  jira: Nullable(JiraOptions),
  github: Nullable(GithubOptions),
  secret_hint: Type.String({ description: 'The first characters of the signing secret, to recognise it' }),
  created_by: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  last_delivery: Nullable(
    Type.Object({ status: Type.String(), response_code: Nullable(Type.Integer()), at: Timestamp }),
  ),
});
export type Webhook = Static<typeof Webhook>;
export const WebhookWithSecret = Type.Composite([
  Webhook,
  Type.Object({
    secret: Type.String({
      description: 'The signing secret (HMAC-SHA256 key of x-flowgate-signature). Shown only in this answer',
    }),
  }),
]);
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

export const deliveryStatuses = ['pending', 'delivering', 'delivered', 'failed'] as const;
export const WebhookAttempt = Type.Object({
  attempt: Type.Integer(),
  at: Timestamp,
  duration_ms: Type.Integer(),
  response_code: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  response_excerpt: Nullable(Type.String()),
});
export type WebhookAttempt = Static<typeof WebhookAttempt>;
export const WebhookDelivery = Type.Object({
  id: Uuid,
  webhook_id: Uuid,
  event_id: Type.String(),
  event_type: Type.String(),
  summary: Type.String(),
  status: Type.String({ description: deliveryStatuses.join(' | ') }),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Timestamp),
  retry_until: Timestamp,
  last_error: Nullable(Type.String()),
  response_code: Nullable(Type.Integer()),
  result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  created_at: Timestamp,
  updated_at: Timestamp,
  delivered_at: Nullable(Timestamp),
  attempt_log: Type.Array(WebhookAttempt),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;
export const DeliveriesQuery = Type.Object(
  {
    org_id: Type.Optional(Uuid),
    status: Type.Optional(Type.Union(deliveryStatuses.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export const DeliveryParams = Type.Object({ id: Uuid, delivery_id: Uuid }, { additionalProperties: false });

// ── alert rules ──
export const alertRuleKinds = ['gateway_unhealthy', 'rollout_failed', 'send_failures', 'savings_regressed'] as const;
export type AlertRuleKind = (typeof alertRuleKinds)[number];
export const alertRuleKindInfo: Record<AlertRuleKind, { title: string; description: string }> = {
  gateway_unhealthy: {
    title: 'Gateway unhealthy or disconnected',
    description: 'A gateway has been unhealthy or disconnected for longer than params.minutes',
  },
  rollout_failed: {
    title: 'Rollout failed or paused',
    description: 'A rollout failed (the engine paused it); with params.include_paused also when a user pauses one',
  },
  send_failures: {
    title: 'Exporter send failures',
    description:
      "A gateway's exporters failed to send more than params.per_minute items per minute over the last " +
      'params.minutes (its own telemetry)',
  },
  savings_regressed: {
    title: 'Savings regressed after a deployment',
    description:
      'After a completed rollout, what a gateway sends out per minute is up by more than params.percent % ' +
      'against the params.window_minutes before it',
  },
};

export const AlertRuleParams = Type.Object(
  {
    minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    include_paused: Type.Optional(Type.Boolean()),
    per_minute: Type.Optional(Type.Number({ minimum: 0, maximum: 1e9 })),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 })),
    window_minutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
  },
  { additionalProperties: false },
);
export type AlertRuleParams = Static<typeof AlertRuleParams>;
/** Defaults per kind, filled in when a rule is created. */
export const alertRuleDefaults: Record<AlertRuleKind, AlertRuleParams> = {
  gateway_unhealthy: { minutes: 5 },
  rollout_failed: { include_paused: false },
  send_failures: { per_minute: 100, minutes: 5 },
  savings_regressed: { percent: 20, window_minutes: 60 },
};
export const CreateAlertRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    kind: Type.Union(alertRuleKinds.map((k) => Type.Literal(k))),
    params: Type.Optional(AlertRuleParams),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateAlertRuleBody = Static<typeof CreateAlertRuleBody>;
export const PatchAlertRuleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })),
    params: Type.Optional(AlertRuleParams),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const AlertRule = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  kind: Type.String(),
  params: AlertRuleParams,
  enabled: Type.Boolean(),
  firing: Type.Integer({ description: 'Subjects (gateways, rollouts) it is firing for now' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type AlertRule = Static<typeof AlertRule>;
