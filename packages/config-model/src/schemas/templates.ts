import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

export const templateTypes = ['gateway', 'metrics', 'logs', 'traces', 'routing'] as const;

export const Template = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  type: Type.String(),
  latest_version: Type.Integer(),
  created_by: Nullable(Uuid),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Template = Static<typeof Template>;

export const TemplateVersion = Type.Object({
  template_id: Uuid,
  version: Type.Integer(),
  hash: Type.String(),
  config_yaml: Type.String(),
  message: Nullable(Type.String()),
  author: Nullable(Type.String()),
  created_at: Timestamp,
});
export type TemplateVersion = Static<typeof TemplateVersion>;
export const TemplateVersionSummary = Type.Omit(TemplateVersion, ['config_yaml']);

export const TemplateDetail = Type.Composite([Template, Type.Object({ latest: TemplateVersion })]);

export const CreateTemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    type: Type.Optional(Type.String({ maxLength: 32 })),
    config_yaml: Type.String({ minLength: 1, maxLength: 1_000_000 }),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const CreateTemplateVersionBody = Type.Object(
  {
    config_yaml: Type.String({ minLength: 1, maxLength: 1_000_000 }),
    message: Type.Optional(Type.String({ maxLength: 500 })),
    base_version: Type.Optional(Type.Integer({ minimum: 1, description: 'Optimistic lock: the version you edited' })),
  },
  { additionalProperties: false },
);
export const TemplateDiff = Type.Object({ from: Type.Integer(), to: Type.Integer(), diff: Type.String() });

export const ValidationIssue = Type.Object({
  code: Type.String(),
  message: Type.String(),
  path: Nullable(Type.String()),
  line: Nullable(Type.Integer()),
  column: Nullable(Type.Integer()),
});
export type ValidationIssue = Static<typeof ValidationIssue>;
export const ValidationResult = Type.Object({
  valid: Type.Boolean(),
  errors: Type.Array(ValidationIssue),
  warnings: Type.Array(ValidationIssue),
  collector_checked: Type.Boolean({ description: 'Whether the real collector validate command ran' }),
});
export type ValidationResult = Static<typeof ValidationResult>;
export const ValidationBody = Type.Object(
  {
    config_yaml: Type.String({ maxLength: 1_000_000 }),
    gateway_ids: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);

export const DryRunBody = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    sample: Type.Optional(
      Type.Union([
        Type.Literal('metrics'),
        Type.Literal('logs'),
        Type.Literal('all'),
        Type.Object({ otlp_json: Type.Unknown() }),
      ]),
    ),
  },
  { additionalProperties: false },
);
export const SignalCounts = Type.Object({
  metrics: Type.Integer(),
  data_points: Type.Integer(),
  logs: Type.Integer(),
  spans: Type.Integer(),
  by_metric: Type.Record(Type.String(), Type.Integer()),
  by_severity: Type.Record(Type.String(), Type.Integer()),
});
export const DryRunPipeline = Type.Object({
  signal: Type.String({ description: 'metrics, logs or traces' }),
  pipeline: Type.String({ description: 'The template pipeline whose processors ran' }),
  processors: Type.Array(Type.String()),
});
export const DryRunResult = Type.Object({
  template_id: Type.Optional(Uuid),
  version: Type.Optional(Type.Integer()),
  input: Type.Unknown({ description: 'OTLP/JSON sent to the collector' }),
  output: Type.Unknown({ description: 'OTLP/JSON the collector exported' }),
  input_counts: SignalCounts,
  output_counts: SignalCounts,
  pipelines: Type.Optional(Type.Array(DryRunPipeline)),
  notes: Type.Optional(Type.Array(Type.String(), { description: 'What the dry-run left out or could not do' })),
  duration_ms: Type.Integer(),
});

export const Secret = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const PutSecretBody = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
    value: Type.String({ minLength: 1, maxLength: 65536 }),
  },
  { additionalProperties: false },
);
export const DeleteSecretQuery = Type.Object(
  {
    org_id: Type.Optional(Uuid),
    force: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Delete even when a gateway configuration or a template references the secret (otherwise 409 SECRET_IN_USE)',
      }),
    ),
  },
  { additionalProperties: false },
);
/**
 * What references a secret: a gateway (desired or applied
 * configuration) or a template (latest or actively deployed version).
 */
export const SecretReference = Type.Object({
  kind: Type.Union([Type.Literal('gateway'), Type.Literal('template')]),
  id: Uuid,
  name: Type.String(),
});
export type SecretReference = Static<typeof SecretReference>;
export const SECRET_IN_USE_LIST_LIMIT = 20;
export const SecretInUseDetails = Type.Object({
  used_by: Type.Array(SecretReference, {
    maxItems: SECRET_IN_USE_LIST_LIMIT,
    description: 'Gateways first, then templates, each by name',
  }),
  total: Type.Integer({
    description: 'How many gateways and templates reference the secret (used_by lists at most 20)',
  }),
});
export type SecretInUseDetails = Static<typeof SecretInUseDetails>;
/** The error envelope of 409 SECRET_IN_USE, with its details typed. */
export const SecretInUseErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'SECRET_IN_USE' }),
    message: Type.String(),
    request_id: Type.String(),
    details: Type.Optional(SecretInUseDetails),
  }),
});
