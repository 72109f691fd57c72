// OTTL text for the metric blocks: string literals, name conditions, and checks of the regular expressions a
// user writes (the collector runs them with Go's RE2, which has no lookaround and no backreferences).
import type { BlockContext, BlockProblem } from '../types.ts';

/** An OTTL string literal. */
export const ottlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** An OTTL list of string literals. */
export const ottlList = (items: readonly string[]) => `[${items.map(ottlString).join(', ')}]`;

/** A Prometheus-style, fully anchored pattern for OTTL's IsMatch (which matches anywhere in the string). */
export const anchored = (pattern: string) => `^(?:${pattern})$`;

/** `metric.name` is one of `names` (one comparison for one name, ContainsValue for a list). */
export function nameIn(names: readonly string[]): string {
  if (names.length === 1) return `metric.name == ${ottlString(names[0]!)}`;
  return `ContainsValue(${ottlList(names)}, metric.name)`;
}

export const nameMatches = (pattern: string) => `IsMatch(metric.name, ${ottlString(anchored(pattern))})`;

export const jobIs = (job: string) => `resource.attributes["service.name"] == ${ottlString(job)}`;

const RE2_UNSUPPORTED = /\(\?[=!<]|\\[1-9]|\(\?<[a-zA-Z]/;

/** Problems of a regular expression for RE2 (checked by compiling it in JavaScript minus RE2's gaps). */
export function regexProblem(pattern: string): string | null {
  if (pattern === '') return 'an empty pattern matches every name';
  if (RE2_UNSUPPORTED.test(pattern)) return 'lookarounds and backreferences are not supported by the collector (RE2)';
  try {
    new RegExp(pattern.replace(/^\(\?i\)/, ''));
    return null;
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
}

/** Checks a list of names: non-empty strings, no duplicates. */
export function checkNames(path: string, names: readonly string[] | undefined, problems: BlockProblem[]) {
  const seen = new Set<string>();
  (names ?? []).forEach((n, i) => {
    if (typeof n !== 'string' || n.trim() === '')
      problems.push({ path: `${path}[${i}]`, code: 'REQUIRED', message: 'a metric name must not be empty' });
    else if (seen.has(n)) problems.push({ path: `${path}[${i}]`, code: 'DUPLICATE', message: `${n} is listed twice` });
    seen.add(n);
  });
}

export function checkPatterns(path: string, patterns: readonly string[] | undefined, problems: BlockProblem[]) {
  (patterns ?? []).forEach((p, i) => {
    const problem = regexProblem(p);
    if (problem) problems.push({ path: `${path}[${i}]`, code: 'INVALID_PATTERN', message: problem });
  });
}

export function checkMetricsSignal(ctx: BlockContext, problems: BlockProblem[]) {
  if (ctx.signals.length && !ctx.signals.includes('metrics'))
    problems.push({
      path: '',
      code: 'SIGNAL_NOT_SUPPORTED',
      message: `a metrics block cannot go into ${ctx.signals.join(', ')} pipelines`,
    });
}
