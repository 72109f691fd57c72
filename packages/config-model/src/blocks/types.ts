// Building blocks: what a user picks instead of writing collector YAML (backend presets, cost rules).
// Every block follows the collector's factory shape — a type id, defaults, a `validate` that reports
// every problem with its path, and a `render` to standard collector components — and one table
// (registry.ts) lists them; the API schema, the UI form and the docs are generated from that table.
//
// What every block gets for free (check.ts, before its own `validate` runs): unknown fields, missing
// required fields and wrong types from its schema; SECRET_NOT_FOUND for every field the schema marks
// with `x-flowgate-secret`; SIGNAL_NOT_SUPPORTED when asked for a signal `signalsFor` does not give.
import type { Static, TSchema } from '@sinclair/typebox';

export type Signal = 'metrics' | 'logs' | 'traces';
export const allSignals: readonly Signal[] = ['metrics', 'logs', 'traces'];

export type BlockCategory = 'backend' | 'metrics' | 'logs' | 'routing';

/** Stable problem codes of block validation (the `code` of a BlockProblem). */
export const blockProblemCodes = {
  unknownBlockType: 'UNKNOWN_BLOCK_TYPE',
  unknownField: 'UNKNOWN_FIELD',
  required: 'REQUIRED',
  invalidValue: 'INVALID_VALUE',
  secretNotFound: 'SECRET_NOT_FOUND',
  signalNotSupported: 'SIGNAL_NOT_SUPPORTED',
  duplicateId: 'DUPLICATE_ID',
  noBackend: 'NO_BACKEND',
} as const;

/** One problem found by `validate`; `path` is a JSON path into the block's config (`endpoint`, `rules[2].pattern`). */
export interface BlockProblem {
  path: string;
  /** Stable code, e.g. REQUIRED, INVALID_VALUE, SECRET_NOT_FOUND, SIGNAL_NOT_SUPPORTED (blockProblemCodes). */
  code: string;
  message: string;
}

/** What validation and rendering may consult: never secret values, only their names. */
export interface BlockContext {
  /** Names of the org's secrets (a block refers to credentials as secret names, rendered as ${secret:NAME}). */
  secretNames: ReadonlySet<string>;
  /** The signals of the pipelines the block is rendered into. */
  signals: readonly Signal[];
}

/** What a block puts into the pipelines of one signal. */
export interface SignalRendering {
  /** Processors for everything in the signal's pipeline, appended in block order (cost rules). */
  processors?: string[];
  /** Exporters this block adds to the signal's pipeline (backends). */
  exporters?: string[];
  /**
   * Processors applied only on the way to this block's exporters (a backend's needs, e.g. Datadog's
   * cumulative→delta must not change what a Prometheus backend beside it receives). Composition gives
   * such a backend its own branch pipeline fed by a forward connector.
   */
  exporterProcessors?: string[];
  /** Receivers (connectors) this block adds to the signal's pipelines, e.g. a count connector feeding metrics. */
  receivers?: string[];
}

/**
 * Collector components a block contributes. Keys are full component ids (`otlp_http/datadog`), values
 * their config. `pipelines` says where each goes, per signal, in order.
 */
export interface RenderedBlock {
  receivers?: Record<string, unknown>;
  processors?: Record<string, unknown>;
  exporters?: Record<string, unknown>;
  connectors?: Record<string, unknown>;
  /** Extensions are also listed in service.extensions by composition. */
  extensions?: Record<string, unknown>;
  pipelines: Partial<Record<Signal, SignalRendering>>;
  /**
   * What the gateway host must provide that no configuration can carry (e.g. Google credentials):
   * shown to the user and written as comments above the rendered configuration.
   */
  requirements?: string[];
  /**
   * Whole pipelines the block adds, by pipeline id (`logs/<id>`). `receivers: 'same'` takes the receivers of
   * the signal's main pipeline, so the new pipeline sees a copy of what the main one receives (e.g. to count
   * lines before the main pipeline drops them).
   */
  extraPipelines?: Record<string, { receivers: string[] | 'same'; processors?: string[]; exporters: string[] }>;
}

export interface BlockType<S extends TSchema = TSchema> {
  /** Stable type id, e.g. `backend.datadog`, `metrics.drop`. */
  type: string;
  category: BlockCategory;
  title: string;
  description: string;
  /** Every signal this block type can act on in some configuration. */
  signals: readonly Signal[];
  /** The signals a given configuration takes (defaults to `signals`), e.g. remote write mode: metrics only. */
  signalsFor?(config: Static<S>): readonly Signal[];
  /**
   * TypeBox schema of the config (additionalProperties: false); the API and the UI form use it.
   * String fields holding a Flowgate secret NAME carry `x-flowgate-secret: true`.
   */
  schema: S;
  defaults: () => Static<S>;
  /** Problems beyond the schema (cross-field rules); generic checks (check.ts) run first. */
  validate(config: Static<S>, ctx: BlockContext): BlockProblem[];
  /** `id` names this instance (used in component ids, e.g. `otlp_http/<id>`). */
  render(config: Static<S>, ctx: BlockContext, id: string): RenderedBlock;
}

/** A block as stored in a template version: its type, an instance id and its config. */
export interface BlockInstance {
  type: string;
  id: string;
  config: Record<string, unknown>;
  /** The signals to route through this block; absent: every signal its configuration takes. */
  signals?: Signal[];
}

/** Secret-name fields carry this schema annotation; the UI renders them as a picker of the org's secrets. */
export const SECRET_FIELD = 'x-flowgate-secret';

/**
 * Schema annotation: the field applies only when other fields have these values (e.g. `{ mode: ['agent'] }`).
 * The UI form hides it otherwise; validation reports a set-but-unused field where it matters.
 */
export const WHEN_FIELD = 'x-flowgate-when';

/** How a block refers to a Flowgate secret inside rendered YAML. */
export const secretRef = (name: string) => `\${secret:${name}}`;
