// Shared pieces of the log blocks: how a block names the lines it acts on (a pattern from the log studio,
// body regexes, attribute conditions, a severity bound), how those become OTTL conditions, and checks
// that a regular expression will compile in the collector (Go RE2).
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem } from '../types.ts';

export const LOG_SEVERITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogSeverity = (typeof LOG_SEVERITIES)[number];

/** OTLP severity numbers: the lowest number of each range (TRACE 1–4 … FATAL 21–24), as OTTL names them. */
export const SEVERITY_NUMBER: Record<LogSeverity, { ottl: string; number: number; text: string }> = {
  trace: { ottl: 'SEVERITY_NUMBER_TRACE', number: 1, text: 'TRACE' },
  debug: { ottl: 'SEVERITY_NUMBER_DEBUG', number: 5, text: 'DEBUG' },
  info: { ottl: 'SEVERITY_NUMBER_INFO', number: 9, text: 'INFO' },
  warn: { ottl: 'SEVERITY_NUMBER_WARN', number: 13, text: 'WARN' },
  error: { ottl: 'SEVERITY_NUMBER_ERROR', number: 17, text: 'ERROR' },
  fatal: { ottl: 'SEVERITY_NUMBER_FATAL', number: 21, text: 'FATAL' },
};

export const Severity = Type.Union(
  LOG_SEVERITIES.map((s) => Type.Literal(s)),
  { description: 'Log severity' },
);

export const Regex = Type.String({
  minLength: 1,
  maxLength: 4000,
  description: 'A regular expression (Go RE2 syntax)',
});

/** The lines of one mined pattern: its regexes must all match the body. */
export const PatternRef = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64, description: 'Pattern id from the log studio' })),
    template: Type.Optional(Type.String({ maxLength: 4000, description: 'The template text, for people' })),
    match: Type.Array(Regex, { minItems: 1, maxItems: 8, description: 'Regexes that must all match the body' }),
  },
  { additionalProperties: false },
);
export type PatternRef = Static<typeof PatternRef>;

export const AttributeCondition = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 256 }),
    op: Type.Union([
      Type.Literal('equals'),
      Type.Literal('not_equals'),
      Type.Literal('matches'),
      Type.Literal('exists'),
      Type.Literal('missing'),
    ]),
    value: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type AttributeCondition = Static<typeof AttributeCondition>;

/** Which lines a rule applies to: every given condition must hold (an empty selector selects every line). */
export const LineSelector = Type.Object(
  {
    patterns: Type.Optional(Type.Array(PatternRef, { maxItems: 100, description: 'Lines of any of these patterns' })),
    body_matches: Type.Optional(Type.Array(Regex, { maxItems: 20, description: 'Body matches every regex' })),
    attributes: Type.Optional(Type.Array(AttributeCondition, { maxItems: 20 })),
    severity_at_most: Type.Optional(Severity),
  },
  { additionalProperties: false },
);
export type LineSelector = Static<typeof LineSelector>;

/** An OTTL string literal. */
export function ottlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function attributeRef(key: string): string {
  return `attributes[${ottlString(key)}]`;
}

export function patternCondition(p: PatternRef): string {
  return p.match.map((re) => `IsMatch(body, ${ottlString(re)})`).join(' and ');
}

export function attributeConditionOttl(c: AttributeCondition): string {
  const ref = attributeRef(c.key);
  switch (c.op) {
    case 'equals':
      return `${ref} == ${ottlString(c.value ?? '')}`;
    case 'not_equals':
      return `${ref} != ${ottlString(c.value ?? '')}`;
    case 'matches':
      return `IsMatch(${ref}, ${ottlString(c.value ?? '')})`;
    case 'exists':
      return `${ref} != nil`;
    case 'missing':
      return `${ref} == nil`;
  }
}

/** Severity at or below `s`; records without a severity number are judged by their severity text. */
export function severityAtMostCondition(s: LogSeverity): string {
  const next = LOG_SEVERITIES[LOG_SEVERITIES.indexOf(s) + 1];
  if (!next) return 'true';
  const below = SEVERITY_NUMBER[next].ottl;
  const words = LOG_SEVERITIES.slice(0, LOG_SEVERITIES.indexOf(s) + 1).join('|');
  return (
    `((severity_number != SEVERITY_NUMBER_UNSPECIFIED and severity_number < ${below}) or ` +
    `(severity_number == SEVERITY_NUMBER_UNSPECIFIED and IsMatch(severity_text, ${ottlString(`(?i)^(${words})`)})))`
  );
}

/** The OTTL condition of a selector (every part must hold), or undefined when it selects every line. */
export function selectorCondition(sel: LineSelector): string | undefined {
  const parts: string[] = [];
  if (sel.patterns?.length) {
    const any = sel.patterns.map(patternCondition);
    parts.push(any.length === 1 ? any[0]! : `(${any.map((c) => `(${c})`).join(' or ')})`);
  }
  for (const re of sel.body_matches ?? []) parts.push(`IsMatch(body, ${ottlString(re)})`);
  for (const c of sel.attributes ?? []) parts.push(attributeConditionOttl(c));
  if (sel.severity_at_most) parts.push(severityAtMostCondition(sel.severity_at_most));
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : parts.join(' and ');
}

const RE2_UNSUPPORTED: [RegExp, string][] = [
  [/\(\?[=!]/, 'lookahead'],
  [/\(\?<[=!]/, 'lookbehind'],
  [/\\[1-9]/, 'a back-reference'],
  [/\(\?>/, 'an atomic group'],
  [/[*+?}]\+/, 'a possessive quantifier'],
];

/** Problems of a regex the collector would refuse (Go RE2): syntax, and constructs RE2 does not have. */
export function regexProblems(re: string, path: string): BlockProblem[] {
  for (const [pattern, what] of RE2_UNSUPPORTED) {
    if (pattern.test(re))
      return [{ path, code: 'INVALID_REGEX', message: `The collector's regular expressions (RE2) have no ${what}` }];
  }
  try {
    // RE2's named groups (?P<name>…) are (?<name>…) in JavaScript; JavaScript has no inline flags (?i): they are
    // left out of the check.
    new RegExp(
      re
        .replace(/\(\?P</g, '(?<')
        .replace(/\(\?[imsU]+\)/g, '')
        .replace(/\(\?[imsU]+:/g, '(?:'),
      'u',
    );
  } catch (err) {
    return [{ path, code: 'INVALID_REGEX', message: `Not a valid regular expression: ${(err as Error).message}` }];
  }
  return [];
}

export function patternProblems(p: PatternRef, path: string): BlockProblem[] {
  return p.match.flatMap((re, j) => regexProblems(re, `${path}.match[${j}]`));
}

/** `IsMatch(…) or IsMatch(…)` over patterns (each pattern's regexes joined with `and`). */
export function anyPatternCondition(patterns: PatternRef[]): string {
  const any = patterns.map(patternCondition);
  return any.length === 1 ? any[0]! : any.map((c) => `(${c})`).join(' or ');
}

export function selectorProblems(sel: LineSelector, path: string): BlockProblem[] {
  const problems: BlockProblem[] = [];
  sel.patterns?.forEach((p, i) => problems.push(...patternProblems(p, `${path}.patterns[${i}]`)));
  sel.body_matches?.forEach((re, i) => problems.push(...regexProblems(re, `${path}.body_matches[${i}]`)));
  sel.attributes?.forEach((c, i) => {
    if ((c.op === 'equals' || c.op === 'not_equals' || c.op === 'matches') && c.value === undefined)
      problems.push({ path: `${path}.attributes[${i}].value`, code: 'REQUIRED', message: `"${c.op}" needs a value` });
    if (c.op === 'matches' && c.value !== undefined)
      problems.push(...regexProblems(c.value, `${path}.attributes[${i}].value`));
  });
  return problems;
}
