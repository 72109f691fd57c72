// The OTTL processors: `filter` (metric_conditions, and the legacy metrics.metric/datapoint/resource lists and
// include/exclude name matching) and `transform` (metric_statements, flat or in groups with conditions).
import { UNKNOWN, goRegex, inferContext, truth, type OttlContext, type Truth } from './ottl-eval.ts';
import { OttlSyntaxError, parseStatement, type Expr, type Statement } from './ottl-parse.ts';
import {
  allTrue,
  and,
  anyHolds,
  extentOf,
  matching,
  nameMatch,
  parseConditions,
  unknownEffect,
  type Effect,
  type KeySelector,
  type ParsedCondition,
  type PendingEffect,
} from './effects.ts';
import type { Subject } from './subjects.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const contextOf = (v: unknown): OttlContext | null =>
  v === 'metric' || v === 'datapoint' || v === 'resource' || v === 'scope' ? v : null;

export function filterEffects(config: unknown, subject: Subject): Effect[] {
  const cfg = isObject(config) ? config : {};
  const items: { text: unknown; context?: OttlContext | null }[] = [];
  for (const c of list(cfg.metric_conditions)) {
    if (isObject(c)) for (const text of list(c.conditions)) items.push({ text, context: contextOf(c.context) });
    else items.push({ text: c });
  }
  const legacy = isObject(cfg.metrics) ? cfg.metrics : {};
  for (const ctx of ['metric', 'datapoint', 'resource'] as const)
    for (const text of list(legacy[ctx])) items.push({ text, context: ctx });
  const parsed = parseConditions(items);
  if (typeof parsed === 'string') return [unknownEffect(parsed)];
  let truths: Truth[] = anyHolds(parsed, subject);
  const reasons = matching(parsed, subject);

  // Legacy include (keep only what matches) and exclude (drop what matches), by metric name.
  for (const [key, dropWhen] of [
    ['include', false],
    ['exclude', true],
  ] as const) {
    const spec = legacy[key];
    if (!isObject(spec)) continue;
    const other = Object.keys(spec).filter((k) => k !== 'match_type' && k !== 'metric_names');
    const m = other.length ? null : nameMatch(spec, subject.name);
    const t: Truth = m === null ? UNKNOWN : m === dropWhen;
    truths = truths.map((x) => (x === true || t === true ? true : x === UNKNOWN || t === UNKNOWN ? UNKNOWN : false));
    if (t !== false) reasons.push(`${key}: ${JSON.stringify(spec)}`);
  }
  const extent = extentOf(truths);
  if (extent === 'none') return [];
  return [{ kind: 'drop', extent, certain: true, reason: `drops it: ${reasons.join(' | ') || 'a condition'}` }];
}

interface Group {
  context: OttlContext | null;
  conditions: ParsedCondition[];
  statements: { text: string; statement: Statement }[];
}

const ATTRIBUTE_EDITORS = new Set(['delete_key', 'delete_matching_keys', 'keep_keys', 'keep_matching_keys', 'limit']);
/** Editors that neither remove metrics nor labels, nor rename (values and new metrics only). */
const HARMLESS = new Set([
  'copy_metric',
  'extract_sum_metric',
  'extract_count_metric',
  'scale_metric',
  'truncate_all',
  'merge_maps',
  'append',
  'merge_histogram_buckets',
  'aggregate_on_attributes',
]);

function statementContext(s: Statement, group: OttlContext | null): OttlContext {
  if (group) return group;
  const exprs: Expr[] = [...s.editor.args, ...(s.where ? [s.where] : [])];
  const fake: Expr = exprs.reduce<Expr>((a, b) => ({ kind: 'and', left: a, right: b }), {
    kind: 'literal',
    value: true,
  });
  return inferContext(fake);
}

/** The attribute map an editor's first argument names: data point or resource attributes. */
function targetScope(arg: Expr | undefined, ctx: OttlContext): 'datapoint' | 'resource' | null {
  if (!arg || arg.kind !== 'path' || arg.keys.length) return null;
  const p = arg.segments.join('.');
  if (p === 'datapoint.attributes' || (p === 'attributes' && ctx === 'datapoint')) return 'datapoint';
  if (p === 'resource.attributes' || (p === 'attributes' && ctx === 'resource')) return 'resource';
  return null;
}

const literal = (e: Expr | undefined) => (e && e.kind === 'literal' ? e.value : undefined);
const literalList = (e: Expr | undefined): string[] | null =>
  e && e.kind === 'list' && e.items.every((i) => typeof literal(i) === 'string')
    ? e.items.map((i) => literal(i) as string)
    : null;

function editorEffect(s: Statement, ctx: OttlContext, subject: Subject, text: string): PendingEffect | null {
  const [a0, a1, a2] = s.editor.args;
  const name = s.editor.name;
  const labels = (scope: 'datapoint' | 'resource', select: KeySelector, how: 'deleted' | 'changed', certain = true) =>
    ({ kind: 'labels', scope, select, how, certain, reason: `${text}` }) as const;
  if (ATTRIBUTE_EDITORS.has(name)) {
    const scope = targetScope(a0, ctx);
    if (!scope) return null; // metric metadata, scope attributes: not series labels
    if (name === 'delete_key')
      return typeof literal(a1) === 'string' ? labels(scope, { keys: [literal(a1) as string] }, 'deleted') : null;
    if (name === 'delete_matching_keys' || name === 'keep_matching_keys')
      return typeof literal(a1) === 'string'
        ? labels(scope, { pattern: literal(a1) as string, invert: name === 'keep_matching_keys' }, 'deleted')
        : labels(scope, { any: true }, 'deleted', false);
    if (name === 'keep_keys') {
      const keys = literalList(a1);
      return keys ? labels(scope, { except: keys }, 'deleted') : labels(scope, { any: true }, 'deleted', false);
    }
    // limit(map, n, [priority]): which keys go is not defined beyond the priority ones.
    const n = literal(a1);
    const count = scope === 'datapoint' ? subject.keys.datapoint.size : subject.keys.resource.size;
    if (typeof n === 'number' && subject.keys.complete && count <= n) return null;
    return labels(scope, { except: literalList(a2) ?? [] }, 'deleted', false);
  }
  if (name === 'aggregate_on_attributes') {
    const keys = literalList(a1);
    return a1 ? labels('datapoint', keys ? { except: keys } : { any: true }, 'deleted', !!keys) : null;
  }
  if (name === 'aggregate_on_attribute_value') {
    const attr = literal(a1);
    return labels('datapoint', typeof attr === 'string' ? { keys: [attr] } : { any: true }, 'changed', false);
  }
  if (name === 'set' || name.startsWith('replace_')) {
    if (a0?.kind === 'path') {
      const p = a0.segments.join('.');
      if (p === 'metric.name' || (p === 'name' && ctx !== 'resource'))
        return { kind: 'rename', certain: name === 'set', reason: text };
      if (p === 'metric.unit' || (p === 'unit' && ctx === 'metric'))
        return { kind: 'rename', certain: false, reason: `${text} (a unit suffix may change the Prometheus name)` };
      const scope = targetScope({ ...a0, keys: [] }, ctx);
      if (scope) {
        const key = a0.keys[0];
        return labels(scope, typeof key === 'string' ? { keys: [key] } : { any: true }, 'changed', false);
      }
    }
    return null;
  }
  if (name.startsWith('convert_'))
    return { kind: 'rename', certain: false, reason: `${text} (a type change may change the Prometheus name)` };
  if (HARMLESS.has(name) || name === 'set_description') return null;
  return { kind: 'unknown', reason: `the guard does not know what ${name}() does to a metric` };
}

/** A rename by replace_pattern only happens when the pattern matches the name. */
function renameApplies(s: Statement, subject: Subject): Truth {
  if (s.editor.name !== 'replace_pattern') return true;
  const pattern = literal(s.editor.args[1]);
  const re = typeof pattern === 'string' ? goRegex(pattern) : null;
  return re ? re.test(subject.name) : UNKNOWN;
}

export function transformEffects(config: unknown, subject: Subject): Effect[] {
  const cfg = isObject(config) ? config : {};
  const groups: Group[] = [];
  for (const g of list(cfg.metric_statements)) {
    const raw = isObject(g) ? g : { statements: [g] };
    const conditions = parseConditions(list(raw.conditions).map((text) => ({ text, context: contextOf(raw.context) })));
    if (typeof conditions === 'string') return [unknownEffect(conditions)];
    const statements: Group['statements'] = [];
    for (const text of list(raw.statements)) {
      if (typeof text !== 'string') return [unknownEffect(`a statement is not a string: ${JSON.stringify(text)}`)];
      try {
        statements.push({ text, statement: parseStatement(text) });
      } catch (err) {
        if (err instanceof OttlSyntaxError)
          return [unknownEffect(`cannot read the statement "${text}": ${err.message}`)];
        throw err;
      }
    }
    groups.push({ context: contextOf(raw.context), conditions, statements });
  }
  const effects: Effect[] = [];
  for (const g of groups) {
    const groupTruths = g.conditions.length ? anyHolds(g.conditions, subject) : allTrue(subject);
    for (const { text, statement } of g.statements) {
      const ctx = statementContext(statement, g.context);
      const effect = editorEffect(statement, ctx, subject, text);
      if (!effect) continue;
      if (effect.kind === 'unknown') {
        effects.push(effect);
        continue;
      }
      const where = statement.where;
      let truths = and(
        groupTruths,
        subject.scenarios.map((s) => (where ? truth(where, s, ctx) : true)),
      );
      if (effect.kind === 'rename') {
        const applies = renameApplies(statement, subject);
        truths = truths.map((t) => (applies === false ? false : applies === UNKNOWN && t === true ? UNKNOWN : t));
      }
      const extent = extentOf(truths);
      if (extent !== 'none') effects.push({ ...effect, extent } as Effect);
    }
  }
  return effects;
}
