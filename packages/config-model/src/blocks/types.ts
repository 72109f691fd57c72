// Building blocks: what a user picks instead of writing collector YAML (backend presets, cost rules).
// Every block follows the collector's factory shape — a type id, defaults, a `validate` that reports
// every problem with its path, and a `render` to standard collector components — and one table
// (registry.ts) lists them; the API schema, the UI form and the docs are generated from that table.
import type { Static, TSchema } from '@sinclair/typebox';

export type Signal = 'metrics' | 'logs' | 'traces';

export type BlockCategory = 'backend' | 'metrics' | 'logs' | 'routing';

/** One problem found by `validate`; `path` is a JSON path into the block's config (`endpoint`, `rules[2].pattern`). */
export interface BlockProblem {
  path: string;
  /** Stable code, e.g. REQUIRED, INVALID_VALUE, SECRET_NOT_FOUND, SIGNAL_NOT_SUPPORTED. */
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

/**
 * Collector components a block contributes. Keys are full component ids (`otlphttp/datadog`), values
 * their config. `pipelines` says where each goes, per signal, in order.
 */
export interface RenderedBlock {
  receivers?: Record<string, unknown>;
  processors?: Record<string, unknown>;
  exporters?: Record<string, unknown>;
  connectors?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  /**
   * Per signal: processors to append to that signal's pipelines, exporters to add to them and receivers
   * (connectors) to add to them — e.g. a count connector feeding the metrics pipelines.
   */
  pipelines: Partial<Record<Signal, { processors?: string[]; exporters?: string[]; receivers?: string[] }>>;
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
  /** The signals this block can act on; rendering it for another signal is a SIGNAL_NOT_SUPPORTED problem. */
  signals: readonly Signal[];
  /** TypeBox schema of the config (additionalProperties: false); the API and the UI form use it. */
  schema: S;
  defaults: () => Static<S>;
  /** Every problem, each with its path; an empty list means render() may be called. */
  validate(config: Static<S>, ctx: BlockContext): BlockProblem[];
  /** `id` names this instance (used in component ids, e.g. `otlphttp/<id>`). */
  render(config: Static<S>, ctx: BlockContext, id: string): RenderedBlock;
}

/** A block as stored in a template version: its type, an instance id and its config. */
export interface BlockInstance {
  type: string;
  id: string;
  config: Record<string, unknown>;
}
