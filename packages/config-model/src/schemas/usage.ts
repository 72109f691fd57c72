// Usage analysis API: sources (uploads and connectors) and per-metric usage.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, PageQuery, Timestamp, Uuid } from './common.ts';

/** Largest upload (a dashboard or rule file as text); the route's body limit is a little above it. */
export const USAGE_UPLOAD_MAX_BYTES = 16 * 1024 * 1024;

export const UsageUploadKind = Type.Union([Type.Literal('grafana_dashboard'), Type.Literal('prometheus_rules')]);
export const UsageConnectorKind = Type.Union([Type.Literal('grafana'), Type.Literal('prometheus')]);
export const UsageSourceKind = Type.Union([...UsageUploadKind.anyOf, ...UsageConnectorKind.anyOf]);
export type UsageSourceKind = Static<typeof UsageSourceKind>;

const SourceName = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
/** A Flowgate secret, by name or as `${secret:NAME}`. */
export const TokenSecretRef = Type.String({ pattern: '^(\\$\\{secret:)?[A-Za-z_][A-Za-z0-9_]{0,63}\\}?$' });

export const CreateUsageUploadBody = Type.Object(
  {
    kind: UsageUploadKind,
    name: SourceName,
    content: Type.String({
      minLength: 1,
      maxLength: USAGE_UPLOAD_MAX_BYTES,
      description: 'The dashboard JSON (classic or v2; one or an array) or the rule file YAML, as text',
    }),
  },
  { additionalProperties: false },
);
export const CreateUsageConnectorBody = Type.Object(
  {
    kind: UsageConnectorKind,
    name: SourceName,
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'Grafana base URL, or the base URL of a Prometheus-compatible API (…/api/v1/rules is appended)',
    }),
    token_secret: Type.Optional(TokenSecretRef),
  },
  { additionalProperties: false },
);
export const CreateUsageSourceBody = Type.Union([CreateUsageUploadBody, CreateUsageConnectorBody]);
export type CreateUsageSourceBody = Static<typeof CreateUsageSourceBody>;

export const UsageLocation = Type.Object({
  dashboard_uid: Type.Optional(Type.String()),
  dashboard_title: Type.Optional(Type.String()),
  panel_id: Type.Optional(Type.String()),
  panel_title: Type.Optional(Type.String()),
  variable: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  rule_file: Type.Optional(Type.String()),
  rule_group: Type.Optional(Type.String()),
  rule: Type.Optional(Type.String()),
});

export const UsageSourceProblem = Type.Object({
  kind: Type.String(),
  message: Type.String(),
  location: Type.Optional(UsageLocation),
  expr: Type.Optional(Type.String()),
});

export const UsageSourceSummary = Type.Object({
  dashboards: Type.Integer(),
  panels: Type.Integer(),
  rule_groups: Type.Integer(),
  recording_rules: Type.Integer(),
  alerting_rules: Type.Integer(),
  queries: Type.Integer(),
  parsed: Type.Integer(),
  unparseable: Type.Integer(),
  metrics: Type.Integer(),
});

export const UsageSource = Type.Object({
  id: Uuid,
  org_id: Uuid,
  kind: UsageSourceKind,
  name: Type.String(),
  url: Nullable(Type.String()),
  token_secret: Nullable(
    Type.String({ description: 'The Flowgate secret holding the token (its name, never its value)' }),
  ),
  status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('pending')]),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String(), at: Timestamp })),
  last_read_at: Nullable(Timestamp),
  last_attempt_at: Nullable(Timestamp),
  next_refresh_at: Nullable(Timestamp),
  summary: Nullable(UsageSourceSummary),
  problems: Type.Array(UsageSourceProblem, { description: 'First 200 problems (unparseable queries with reasons, …)' }),
  problems_total: Type.Integer(),
  replaced_variables: Type.Array(
    Type.Object({
      dashboard: Type.String(),
      variables: Type.Array(Type.Object({ variable: Type.String(), value: Type.String() })),
    }),
    { description: 'Per dashboard, the Grafana variables replaced before parsing and what they were replaced with' },
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type UsageSource = Static<typeof UsageSource>;

export const UsedBy = Type.Object({
  source_id: Uuid,
  source: Type.String(),
  kind: Type.String({ description: 'panel, variable, annotation, alerting or recording' }),
  title: Type.String({ description: 'Dashboard title, or rule group' }),
  panel: Type.Optional(Type.String()),
  rule: Type.Optional(Type.String()),
  query: Type.String(),
  url: Type.Optional(Type.String({ description: 'Link to the panel in Grafana (connector sources)' })),
  via: Type.Optional(Type.String({ description: 'The recorded series whose readers make this rule read the metric' })),
  unparseable: Type.Optional(Type.String({ description: 'Why the query does not parse (the metric is "unknown")' })),
  unread_output: Type.Optional(Type.Boolean({ description: 'A recording rule whose series nothing reads' })),
});
export type UsedBy = Static<typeof UsedBy>;

export const UsedState = Type.Union([Type.Literal(true), Type.Literal(false), Type.Literal('unknown')]);

export const MetricUsage = Type.Object({
  name: Type.String({ description: 'Metric name, or {__name__=~"…"} for a pattern a query reads' }),
  pattern: Type.Boolean(),
  used: UsedState,
  labels_used: Type.Union([Type.Array(Type.String()), Type.Literal('all')]),
  all_except: Type.Array(Type.String(), { description: 'With labels_used "all": labels no query depends on' }),
  used_by: Type.Array(UsedBy),
  used_by_total: Type.Integer(),
});
export type MetricUsage = Static<typeof MetricUsage>;

export const UsageMetricsQuery = Type.Object(
  {
    org_id: Type.Optional(Uuid),
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Substring of the metric name (case-insensitive)' })),
    used: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('unknown')])),
  },
  { additionalProperties: false },
);

export const UsageMetricsPage = Type.Object({
  items: Type.Array(MetricUsage),
  next_cursor: Nullable(Type.String()),
  counts: Type.Object({ total: Type.Integer(), used: Type.Integer(), unused: Type.Integer(), unknown: Type.Integer() }),
  computed_at: Nullable(Timestamp),
});

export const MetricNameParams = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
