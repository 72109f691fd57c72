// The checks every block gets before its own `validate`: the config against the block's schema (every
// unknown field, missing field and wrong value, each with its path), the secret names it refers to, and
// the signals it is asked to carry. Pure: the caller passes the org's secret names.
import type { TSchema } from '@sinclair/typebox';
import { blockType } from './registry.ts';
import {
  blockProblemCodes as codes,
  SECRET_FIELD,
  type BlockContext,
  type BlockProblem,
  type BlockType,
  type Signal,
} from './types.ts';

type Schema = TSchema & Record<string, unknown>;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The literal values of an enum-like schema (a union of literals), or null. */
export function enumValues(schema: TSchema): unknown[] | null {
  const anyOf = (schema as Schema).anyOf as Schema[] | undefined;
  if (!Array.isArray(anyOf) || !anyOf.every((s) => 'const' in s)) return null;
  return anyOf.map((s) => s.const);
}

function checkValue(schema: Schema, value: unknown, path: string, ctx: BlockContext, out: BlockProblem[]): void {
  const bad = (message: string): void => void out.push({ path, code: codes.invalidValue, message });
  const choices = enumValues(schema);
  if (choices) {
    if (!choices.includes(value)) bad(`must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
    return;
  }
  switch (schema.type) {
    case 'object': {
      if (!isPlainObject(value)) return bad('must be an object');
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const key of Object.keys(value)) {
        if (!(key in props))
          out.push({ path: join(path, key), code: codes.unknownField, message: `unknown field "${key}"` });
      }
      for (const key of (schema.required as string[] | undefined) ?? []) {
        if (value[key] === undefined)
          out.push({ path: join(path, key), code: codes.required, message: `"${key}" is required` });
      }
      for (const [key, sub] of Object.entries(props)) {
        if (value[key] !== undefined) checkValue(sub, value[key], join(path, key), ctx, out);
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) return bad('must be a list');
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
        return bad(`must have at most ${schema.maxItems} entries`);
      value.forEach((item, i) => checkValue(schema.items as Schema, item, `${path}[${i}]`, ctx, out));
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return bad('must be a string');
      if (typeof schema.minLength === 'number' && value.length < schema.minLength)
        return bad(schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`);
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
        return bad(`must have at most ${schema.maxLength} characters`);
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
        return bad(typeof schema.patternMessage === 'string' ? schema.patternMessage : `must match ${schema.pattern}`);
      if (schema[SECRET_FIELD] === true && !ctx.secretNames.has(value))
        out.push({
          path,
          code: codes.secretNotFound,
          message: `secret "${value}" does not exist in this organization: create it under Secrets first`,
        });
      return;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad('must be a number');
      if (schema.type === 'integer' && !Number.isInteger(value)) return bad('must be a whole number');
      if (typeof schema.minimum === 'number' && value < schema.minimum) return bad(`must be ≥ ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && value > schema.maximum) return bad(`must be ≤ ${schema.maximum}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') bad('must be true or false');
      return;
    default:
      return;
  }
}

/** The config with the block's defaults under it (top-level keys the user did not set). */
export function withDefaults(type: BlockType, config: Record<string, unknown>): Record<string, unknown> {
  const defaults = type.defaults() as Record<string, unknown>;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(config)) if (v !== undefined) out[k] = v;
  return out;
}

/** The signals a block configuration takes. */
export function signalsOf(type: BlockType, config: Record<string, unknown>): readonly Signal[] {
  return type.signalsFor ? type.signalsFor(config as never) : type.signals;
}

/** Every secret name a configuration refers to (the fields marked x-flowgate-secret), sorted. */
export function secretsUsed(type: BlockType, config: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const walk = (schema: Schema, value: unknown) => {
    if (schema.type === 'object' && isPlainObject(value)) {
      for (const [k, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) walk(sub, value[k]);
    } else if (schema.type === 'array' && Array.isArray(value)) {
      for (const v of value) walk(schema.items as Schema, v);
    } else if (schema[SECRET_FIELD] === true && typeof value === 'string' && value) found.add(value);
  };
  walk(type.schema as Schema, config);
  return [...found].sort();
}

export interface CheckedBlock {
  type: BlockType | null;
  /** The config with defaults applied (what render gets). */
  config: Record<string, unknown>;
  problems: BlockProblem[];
}

/**
 * Every problem of one block configuration: unknown type, the schema's findings, missing secrets, the
 * requested signals it does not take, then the block's own rules (only on a config that fits its schema,
 * so `validate` can rely on the types).
 */
export function checkBlock(typeId: string, config: unknown, ctx: BlockContext): CheckedBlock {
  const type = blockType(typeId);
  if (!type)
    return {
      type: null,
      config: {},
      problems: [{ path: 'type', code: codes.unknownBlockType, message: `unknown block type "${typeId}"` }],
    };
  if (!isPlainObject(config))
    return { type, config: {}, problems: [{ path: '', code: codes.invalidValue, message: 'must be an object' }] };
  const full = withDefaults(type, config);
  const problems: BlockProblem[] = [];
  checkValue(type.schema as Schema, full, '', ctx, problems);
  // Types intact (only unknown fields or missing secrets): the block's own rules can run too.
  const schemaOk = problems.every((p) => p.code === codes.secretNotFound || p.code === codes.unknownField);
  const takes = schemaOk ? signalsOf(type, full) : type.signals;
  for (const s of ctx.signals) {
    if (!takes.includes(s))
      problems.push({
        path: 'signals',
        code: codes.signalNotSupported,
        message: `${type.title}${takes === type.signals ? '' : ' as configured'} does not take ${s} (it takes ${takes.join(', ')})`,
      });
  }
  if (schemaOk) problems.push(...type.validate(full as never, ctx));
  return { type, config: full, problems };
}
