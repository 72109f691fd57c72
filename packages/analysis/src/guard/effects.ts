// What a processor does to one metric, as the guard sees it: drop some or all of its data, rename it, delete
// or alter some of its labels — each with the extent of the data it applies to — or something the guard
// cannot tell. Shared helpers to evaluate conditions over a metric's scenarios live here too.
import {
  extentOf,
  goRegex,
  inferContext,
  truth,
  UNKNOWN,
  type Extent,
  type OttlContext,
  type Truth,
} from './ottl-eval.ts';
import { parseCondition, OttlSyntaxError, type Expr } from './ottl-parse.ts';
import type { Subject } from './subjects.ts';

/** Which attribute keys an effect touches. */
export type KeySelector =
  { keys: string[] } | { except: string[] } | { pattern: string; invert?: boolean } | { any: true };

export type Effect =
  | { kind: 'drop'; extent: Extent; certain: boolean; reason: string }
  | { kind: 'rename'; extent: Extent; certain: boolean; reason: string }
  | {
      kind: 'labels';
      scope: 'datapoint' | 'resource';
      select: KeySelector;
      /** deleted and hashed break a reader of the label; changed and moved may. */
      how: 'deleted' | 'hashed' | 'changed' | 'moved';
      extent: Extent;
      certain: boolean;
      reason: string;
    }
  | { kind: 'unknown'; reason: string };

/** An effect before the extent of the data it applies to is known. */
export type PendingEffect = Effect extends infer E ? (E extends { extent: Extent } ? Omit<E, 'extent'> : E) : never;

export const unknownEffect = (reason: string): Effect => ({ kind: 'unknown', reason });

/** Does the selector pick `key`? null when a pattern cannot be evaluated. */
export function selects(select: KeySelector, key: string): boolean | null {
  if ('any' in select) return true;
  if ('keys' in select) return select.keys.includes(key);
  if ('except' in select) return !select.except.includes(key);
  const re = goRegex(select.pattern);
  if (!re) return null;
  return re.test(key) !== !!select.invert;
}

export interface ParsedCondition {
  text: string;
  expr: Expr;
  context: OttlContext;
}

/** Parses conditions; the first that cannot be read is returned as an error message. */
export function parseConditions(
  items: readonly { text: unknown; context?: OttlContext | null }[],
): ParsedCondition[] | string {
  const out: ParsedCondition[] = [];
  for (const { text, context } of items) {
    if (typeof text !== 'string') return `a condition is not a string: ${JSON.stringify(text)}`;
    try {
      const expr = parseCondition(text);
      out.push({ text, expr, context: context ?? inferContext(expr) });
    } catch (err) {
      if (err instanceof OttlSyntaxError) return `cannot read the condition "${text}": ${err.message}`;
      throw err;
    }
  }
  return out;
}

/** Per scenario: does any of the conditions hold (OR)? */
export function anyHolds(conditions: readonly ParsedCondition[], subject: Subject): Truth[] {
  return subject.scenarios.map((s) => {
    let result: Truth = false;
    for (const c of conditions) {
      const t = truth(c.expr, s, c.context);
      if (t === true) return true;
      if (t === UNKNOWN) result = UNKNOWN;
    }
    return result;
  });
}

/** The conditions that hold (or may hold) for the subject, for the reason shown to the user. */
export function matching(conditions: readonly ParsedCondition[], subject: Subject): string[] {
  return conditions
    .filter((c) => subject.scenarios.some((s) => truth(c.expr, s, c.context) !== false))
    .map((c) => c.text);
}

export const and = (a: readonly Truth[], b: readonly Truth[]): Truth[] =>
  a.map((x, i) => {
    const y = b[i]!;
    if (x === false || y === false) return false;
    return x === UNKNOWN || y === UNKNOWN ? UNKNOWN : true;
  });

export const allTrue = (subject: Subject): Truth[] => subject.scenarios.map(() => true);

export { extentOf };
export type { Extent };

/** Legacy include/exclude name matching (filterset): strict equality or an unanchored regexp. */
export function nameMatch(spec: { match_type?: unknown; metric_names?: unknown }, name: string): boolean | null {
  const names = Array.isArray(spec.metric_names) ? spec.metric_names : [];
  const type = spec.match_type ?? 'strict';
  if (type === 'strict') return names.includes(name);
  if (type === 'regexp') {
    let unknown = false;
    for (const n of names) {
      const re = typeof n === 'string' ? goRegex(n) : null;
      if (!re) unknown = true;
      else if (re.test(name)) return true;
    }
    return unknown ? null : false;
  }
  return null;
}
