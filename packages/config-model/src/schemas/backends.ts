// Saved backends (a backend preset's configuration, named, per org) and the building-block catalogue.
import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';
import { DeploymentDetail } from './deployments.ts';
import { TemplateDetail, ValidationIssue, ValidationResult } from './templates.ts';

export const SignalName = Type.Union([Type.Literal('metrics'), Type.Literal('logs'), Type.Literal('traces')]);
const BlockConfig = Type.Record(Type.String(), Type.Unknown(), {
  description: "The block's configuration (see its schema in GET /api/v1/blocks); secrets by NAME only",
});

export const BlockCatalogueEntry = Type.Object({
  type: Type.String({ description: 'Stable type id, e.g. backend.datadog' }),
  category: Type.String({ description: 'backend, metrics, logs or routing' }),
  title: Type.String(),
  description: Type.String(),
  signals: Type.Array(Type.String(), { description: 'Every signal the block can take in some configuration' }),
  schema: Type.Unknown({ description: 'JSON Schema of the config; secret-name fields carry x-flowgate-secret: true' }),
  defaults: Type.Unknown({ description: 'The configuration a new block starts from' }),
});

export const BlockProblemSchema = Type.Object({
  path: Type.String({ description: 'Path into the config, e.g. headers[1].secret' }),
  code: Type.String({
    description:
      'UNKNOWN_FIELD, REQUIRED, INVALID_VALUE, SECRET_NOT_FOUND, SIGNAL_NOT_SUPPORTED, UNKNOWN_BLOCK_TYPE, DUPLICATE_ID, NO_BACKEND',
  }),
  message: Type.String(),
});

export const Backend = Type.Object({
  id: Uuid,
  org_id: Uuid,
  name: Type.String(),
  type: Type.String(),
  config: BlockConfig,
  signals: Type.Array(Type.String(), { description: 'The signals this configuration takes' }),
  secrets: Type.Array(Type.String(), { description: 'Names of the Flowgate secrets it uses' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Backend = Static<typeof Backend>;

const BackendName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const CreateBackendBody = Type.Object(
  { name: BackendName, type: Type.String({ minLength: 1, maxLength: 100 }), config: BlockConfig },
  { additionalProperties: false },
);
export const PatchBackendBody = Type.Object(
  {
    name: Type.Optional(BackendName),
    config: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Replaces the whole configuration' }),
    ),
  },
  { additionalProperties: false },
);

export const RenderBlockBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 100 }),
    config: BlockConfig,
    signals: Type.Optional(Type.Array(SignalName, { maxItems: 3 })),
  },
  { additionalProperties: false },
);

export const RenderedBlockView = Type.Object({
  valid: Type.Boolean(),
  problems: Type.Array(BlockProblemSchema),
  yaml: Type.String({ description: "The block's collector components (empty when not valid)" }),
  signals: Type.Array(Type.String()),
  pipelines: Type.Record(
    Type.String(),
    Type.Object({
      processors: Type.Array(Type.String()),
      exporters: Type.Array(Type.String()),
      exporter_processors: Type.Array(Type.String()),
    }),
    { description: 'Per signal: where the components go' },
  ),
  requirements: Type.Array(Type.String(), { description: 'What the gateway host must provide' }),
});

export const TemplateFromBackendsBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    backend_ids: Type.Array(Uuid, { minItems: 1, maxItems: 20 }),
    signals: Type.Optional(Type.Array(SignalName, { minItems: 1, maxItems: 3 })),
  },
  { additionalProperties: false },
);
export const TemplateFromBackends = Type.Object({
  template: TemplateDetail,
  validation: ValidationResult,
  requirements: Type.Array(Type.String()),
});

/** A new deployment with what its validation checked: warns COLLECTOR_CHECK_SKIPPED when only the structure was. */
export const DeploymentCreated = Type.Composite([
  DeploymentDetail,
  Type.Object({
    validation: Type.Optional(
      Type.Object({
        collector_checked: Type.Boolean({ description: "Whether the collector's own validate ran" }),
        warnings: Type.Array(ValidationIssue),
      }),
    ),
  }),
]);
