// The log studio's API: samples, patterns, rendering log blocks, preview through the real collector,
// suggestions (AI or deterministic), saving as a template.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';
import { LogCost, PriceModel, PriceSource } from '../prices.ts';

/** Lines mined or stored per sample; more are dropped and the answer says how many. */
export const LOG_SAMPLE_MAX_LINES = 100_000;
/** Bytes kept per sample (UTF-8); lines past the limit are dropped and the answer says so. */
export const LOG_SAMPLE_MAX_BYTES = 16 * 1024 * 1024;
/** Request bodies of the log routes (the rest of the API takes 1 MiB). */
export const LOG_REQUEST_MAX_BYTES = 32 * 1024 * 1024;
/** Lines accepted in one `lines` array before truncation (the request is refused beyond). */
export const LOG_LINES_ACCEPTED = 1_000_000;
/** Samples kept per organization; saving another deletes the oldest. */
export const LOG_SAMPLES_PER_ORG = 50;

export const LogSampleFormat = Type.Union([Type.Literal('text'), Type.Literal('jsonl'), Type.Literal('otlp_json')], {
  description: 'text: one line per log line; jsonl: one JSON object per line; otlp_json: an OTLP/JSON logs export',
});
export type LogSampleFormat = Static<typeof LogSampleFormat>;

/** Where the lines come from: exactly one of lines, content (+format), sample_id, gateway_id. */
export const LogSampleSource = {
  lines: Type.Optional(
    Type.Array(Type.String({ maxLength: 4 * 1024 * 1024 }), {
      maxItems: LOG_LINES_ACCEPTED,
      description: `Log lines; the first ${LOG_SAMPLE_MAX_LINES.toLocaleString('en')} are used`,
    }),
  ),
  content: Type.Optional(Type.String({ maxLength: LOG_REQUEST_MAX_BYTES, description: 'A pasted or uploaded sample' })),
  format: Type.Optional(LogSampleFormat),
  sample_id: Type.Optional(Uuid),
  gateway_id: Type.Optional(Type.String({ format: 'uuid', description: 'Take a live sample from this gateway' })),
};

export const LogSampleNotes = Type.Object({
  received_lines: Type.Integer({ description: 'Lines in the request (or the gateway snapshot)' }),
  kept_lines: Type.Integer(),
  dropped_lines: Type.Integer({ description: 'Lines past the line or byte limit, not used' }),
  bytes: Type.Integer({ description: 'UTF-8 bytes of the kept lines' }),
  masked_values: Type.Integer({ description: 'Credentials and secret values masked in the kept lines' }),
  notes: Type.Array(Type.String(), { description: 'What was changed or left out, in words' }),
});
export type LogSampleNotes = Static<typeof LogSampleNotes>;

export const LogSampleSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  source: Type.String({ description: 'paste, upload, lines or gateway:<id>' }),
  format: Type.String(),
  lines: Type.Integer(),
  bytes: Type.Integer(),
  window_seconds: Nullable(Type.Number({ description: 'The period the sample covers, when known' })),
  created_at: Timestamp,
});
export type LogSampleSummary = Static<typeof LogSampleSummary>;

export const LogSampleDetail = Type.Composite([
  LogSampleSummary,
  Type.Object({ sample_lines: Type.Array(Type.String()), notes: Type.Array(Type.String()) }),
]);

export const CreateLogSampleBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...LogSampleSource,
    window_seconds: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 90 * 86400, description: 'The period the sample covers' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateLogSampleBody = Static<typeof CreateLogSampleBody>;
export const CreateLogSampleResult = Type.Composite([LogSampleSummary, Type.Object({ sample: LogSampleNotes })]);

export const VariableShape = Type.String({
  description:
    'ip, ip_port, number, duration, size, status_code, level, id, uuid, hex, path, url, email, time, word, text',
});

export const LogPatternVariable = Type.Object({
  index: Type.Integer(),
  position: Type.Integer({ description: 'Token position in the template' }),
  token: Type.String({ description: 'The template token holding the variable, e.g. port=<*>' }),
  distinct: Type.Integer(),
  distinct_capped: Type.Boolean({ description: 'More distinct values were seen than counted' }),
  values: Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() })),
  name: Type.String({ description: 'A suggested attribute name (deterministic)' }),
  shape: VariableShape,
});

export const SeenAt = Type.Object({ line: Type.Integer(), time: Type.Optional(Type.String()) });

export const LogPattern = Type.Object({
  id: Type.String(),
  template: Type.String(),
  count: Type.Integer(),
  bytes: Type.Integer(),
  share: Type.Number({ description: 'Share of the sample bytes (0–1)' }),
  severities: Type.Record(Type.String(), Type.Integer()),
  first_seen: SeenAt,
  last_seen: SeenAt,
  examples: Type.Array(Type.String()),
  variables: Type.Array(LogPatternVariable),
  headers: Type.Array(Type.String()),
  match: Type.Array(Type.String(), { description: 'RE2 regexes that together select this pattern’s lines' }),
  parse_regex: Type.String({ description: 'RE2 regex with a named group per variable (suggested names)' }),
});
export type LogPattern = Static<typeof LogPattern>;

export const MinePatternsBody = Type.Object(
  {
    ...LogSampleSource,
    window_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 90 * 86400 })),
    similarity: Type.Optional(Type.Number({ minimum: 0.1, maximum: 0.95, description: 'Miner threshold (0.5)' })),
  },
  { additionalProperties: false },
);
export type MinePatternsBody = Static<typeof MinePatternsBody>;

export const MinePatternsResult = Type.Object({
  patterns: Type.Array(LogPattern, { description: 'Sorted by bytes, largest first' }),
  assignments: Type.Array(Type.Integer(), { description: 'For each line, the index of its pattern in patterns' }),
  lines: Type.Integer(),
  bytes: Type.Integer(),
  truncated_lines: Type.Integer({ description: 'Lines longer than the mined prefix (4,096 characters)' }),
  window_seconds: Nullable(Type.Number({ description: 'Period the sample covers: given, or from its timestamps' })),
  sample: LogSampleNotes,
  sample_id: Nullable(Uuid),
  duration_ms: Type.Integer(),
});

export const BlockInstanceSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64 }),
    id: Type.String({ minLength: 1, maxLength: 63 }),
    config: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);

export const RenderLogBlocksBody = Type.Object(
  {
    blocks: Type.Array(BlockInstanceSchema, { maxItems: 100 }),
    base_config_yaml: Type.Optional(
      Type.String({ maxLength: 1_000_000, description: 'Default: a minimal gateway config' }),
    ),
  },
  { additionalProperties: false },
);
export const RenderLogBlocksResult = Type.Object({
  config_yaml: Type.String({ description: 'The configuration with the blocks applied' }),
  components_yaml: Type.String({ description: 'Only what the blocks add (processors, connectors, pipelines)' }),
  notes: Type.Array(Type.String()),
});

export const PreviewLogsBody = Type.Object(
  {
    ...LogSampleSource,
    blocks: Type.Array(BlockInstanceSchema, { minItems: 1, maxItems: 100 }),
    window_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 90 * 86400 })),
  },
  { additionalProperties: false },
);
export type PreviewLogsBody = Static<typeof PreviewLogsBody>;

export const VolumeFigures = Type.Object({ lines: Type.Integer(), bytes: Type.Integer() });

export const PreviewPatternFigures = Type.Object({
  id: Type.String(),
  template: Type.String(),
  before: VolumeFigures,
  after: VolumeFigures,
});

export const PreviewLogsResult = Type.Object({
  before: VolumeFigures,
  after: VolumeFigures,
  saved: Type.Object({ lines: Type.Integer(), bytes: Type.Integer(), share: Type.Number() }),
  per_pattern: Type.Array(PreviewPatternFigures, { description: 'Patterns whose lines changed, by bytes saved' }),
  metrics: Type.Array(
    Type.Object({ name: Type.String(), points: Type.Integer(), attributes: Type.Array(Type.String()) }),
    { description: 'Metric data points the blocks produced (pattern to metric)' },
  ),
  window_seconds: Nullable(Type.Number()),
  per_day: Nullable(
    Type.Object({
      bytes_before: Type.Number(),
      bytes_after: Type.Number(),
      bytes_saved: Type.Number(),
      lines_saved: Type.Number(),
      usd_saved: LogCost,
    }),
  ),
  prices: PriceModel,
  price_sources: Type.Record(Type.String(), PriceSource),
  examples_after: Type.Array(Type.String(), { description: 'A few lines as the collector exported them' }),
  config_yaml: Type.String({ description: 'The org’s base configuration with the blocks applied (what to deploy)' }),
  components_yaml: Type.String({ description: 'Only what the blocks add or change' }),
  notes: Type.Array(Type.String()),
  duration_ms: Type.Integer(),
});

export const LogAiSettings = Type.Object(
  {
    enabled: Type.Boolean(),
    url: Type.String({
      pattern: '^https?://',
      maxLength: 500,
      description: 'An OpenAI-compatible base URL, e.g. https://api.openai.com/v1 (POST {url}/chat/completions)',
    }),
    model: Type.String({ minLength: 1, maxLength: 200 }),
    api_key_secret: Nullable(
      Type.String({
        pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
        description: 'Name of the Flowgate secret holding the key',
      }),
    ),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1000, maximum: 60_000, description: 'Default 15,000' })),
    max_sample_lines: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 50, description: 'Example lines sent per request (default 10)' }),
    ),
  },
  { additionalProperties: false, description: 'AI assist of the log studio; off when null or not enabled' },
);
export type LogAiSettings = Static<typeof LogAiSettings>;

export const SuggestBody = Type.Object(
  {
    template: Type.String({ minLength: 1, maxLength: 4000 }),
    examples: Type.Array(Type.String({ maxLength: 8192 }), { minItems: 1, maxItems: 50 }),
    variables: Type.Array(
      Type.Object(
        {
          index: Type.Integer({ minimum: 0 }),
          token: Type.String({ maxLength: 4000 }),
          values: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 20 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    headers: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
    use_ai: Type.Optional(Type.Boolean({ default: true, description: 'Ask the configured AI endpoint, if any' })),
  },
  { additionalProperties: false },
);
export type SuggestBody = Static<typeof SuggestBody>;

export const Suggestion = Type.Object({
  source: Type.Union([Type.Literal('ai'), Type.Literal('deterministic')]),
  variables: Type.Array(
    Type.Object({ index: Type.Integer(), name: Type.String(), shape: Type.String(), reason: Type.String() }),
  ),
  parse_regex: Type.String({ description: 'RE2 regex with the suggested names as groups' }),
  severity: Nullable(
    Type.Object({
      variable: Type.Integer(),
      mapping: Type.Array(Type.Object({ match: Type.String(), severity: Type.String() })),
    }),
  ),
  notes: Type.Array(Type.String()),
  ai: Type.Object({
    configured: Type.Boolean(),
    status: Type.Union([Type.Literal('off'), Type.Literal('ok'), Type.Literal('failed')]),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
    sent: Nullable(Type.Object({ lines: Type.Integer(), bytes: Type.Integer() })),
  }),
});
export type Suggestion = Static<typeof Suggestion>;

export const SaveLogTemplateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A new template' })),
    template_id: Type.Optional(Uuid),
    blocks: Type.Array(BlockInstanceSchema, { minItems: 1, maxItems: 100 }),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const SaveLogTemplateResult = Type.Object({
  template_id: Uuid,
  version: Type.Integer(),
  created: Type.Boolean(),
  config_yaml: Type.String(),
});
