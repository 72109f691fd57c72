// logs.parse — parse lines into attributes (JSON, key=value, or a regex with named groups generated from a
// pattern), and logs.set_severity — set the severity from a variable of the line. Both render to the
// transform processor (OTTL: ParseJSON, ParseKeyValue, ExtractPatterns, merge_maps, set).
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import {
  anyPatternCondition,
  ottlString,
  PatternRef,
  patternProblems,
  Regex,
  regexProblems,
  Severity,
  SEVERITY_NUMBER,
} from './common.ts';

const ParseConfig = Type.Object(
  {
    format: Type.Union([Type.Literal('json'), Type.Literal('key_value'), Type.Literal('regex')]),
    patterns: Type.Optional(
      Type.Array(PatternRef, {
        maxItems: 100,
        description: 'Parse only lines of these patterns (default: every line)',
      }),
    ),
    regex: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4000,
        description: 'For format regex: named groups (?P<name>…) become attributes',
      }),
    ),
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 8, default: '=' })),
    pair_delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 8, default: ' ' })),
  },
  { additionalProperties: false },
);
type ParseConfig = Static<typeof ParseConfig>;

const NAMED_GROUP = /\(\?P?<([A-Za-z_][A-Za-z0-9_.]*)>/g;

export function namedGroups(regex: string): string[] {
  return [...regex.matchAll(NAMED_GROUP)].map((m) => m[1]!);
}

function where(parts: (string | undefined)[]): string {
  const p = parts.filter((x): x is string => Boolean(x));
  return p.length ? ` where ${p.join(' and ')}` : '';
}

export const logsParseBlock: BlockType<typeof ParseConfig> = {
  type: 'logs.parse',
  category: 'logs',
  title: 'Parse into attributes',
  description:
    'Turn the body of chosen lines into attributes: as JSON, as key=value pairs, or with a regex whose named ' +
    'groups name the variables of a pattern (transform processor).',
  signals: ['logs'],
  schema: ParseConfig,
  defaults: () => ({ format: 'json' }),
  validate(config) {
    const problems: BlockProblem[] = [];
    config.patterns?.forEach((p, i) => problems.push(...patternProblems(p, `patterns[${i}]`)));
    if (config.format === 'regex') {
      if (!config.regex) problems.push({ path: 'regex', code: 'REQUIRED', message: 'Format regex needs a regex' });
      else {
        problems.push(...regexProblems(config.regex, 'regex'));
        if (namedGroups(config.regex).length === 0)
          problems.push({
            path: 'regex',
            code: 'INVALID_VALUE',
            message: 'The regex has no named group (?P<name>…): nothing would become an attribute',
          });
      }
    } else if (config.regex !== undefined)
      problems.push({ path: 'regex', code: 'INVALID_VALUE', message: `A regex is only used with format regex` });
    return problems;
  },
  render(config, _ctx, id) {
    const only = config.patterns?.length ? `(${anyPatternCondition(config.patterns)})` : undefined;
    let statement: string;
    if (config.format === 'json')
      statement = `merge_maps(attributes, ParseJSON(body), "upsert")${where([`IsMatch(body, "^\\\\s*\\\\{")`, only])}`;
    else if (config.format === 'key_value')
      statement =
        `merge_maps(attributes, ParseKeyValue(body, ${ottlString(config.delimiter ?? '=')}, ` +
        `${ottlString(config.pair_delimiter ?? ' ')}), "upsert")${where([only])}`;
    else
      statement =
        `merge_maps(attributes, ExtractPatterns(body, ${ottlString(config.regex!)}), "upsert")` +
        where([`IsMatch(body, ${ottlString(config.regex!)})`, only]);
    const name = `transform/${id}`;
    return {
      processors: { [name]: { error_mode: 'ignore', log_statements: [{ context: 'log', statements: [statement] }] } },
      pipelines: { logs: { processors: [name] } },
    };
  },
};

const SeverityMapping = Type.Object(
  { match: Regex, severity: Severity },
  { additionalProperties: false, description: 'When the value matches the regex, the line gets this severity' },
);

const SetSeverityConfig = Type.Object(
  {
    patterns: Type.Optional(Type.Array(PatternRef, { maxItems: 100 })),
    regex: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4000, description: 'Extracts the value: a named group (?P<level>…)' }),
    ),
    attribute: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'Or read it from an attribute' }),
    ),
    mapping: Type.Array(SeverityMapping, { minItems: 1, maxItems: 50, description: 'First match wins' }),
    set_text: Type.Optional(Type.Boolean({ default: true, description: 'Also set severity_text to the value' })),
  },
  { additionalProperties: false },
);
type SetSeverityConfig = Static<typeof SetSeverityConfig>;

export const logsSetSeverityBlock: BlockType<typeof SetSeverityConfig> = {
  type: 'logs.set_severity',
  category: 'logs',
  title: 'Set severity from a variable',
  description:
    'Read a variable of the line (a regex group or an attribute) and set the severity from it by a mapping, ' +
    'e.g. level words, or HTTP status 5xx → error, 4xx → warn (transform processor).',
  signals: ['logs'],
  schema: SetSeverityConfig,
  defaults: () => ({
    regex: '(?P<level>(?i)\\b(?:trace|debug|info|notice|warn(?:ing)?|error|err|fatal|critical|panic)\\b)',
    mapping: [
      { match: '(?i)^(fatal|critical|panic)$', severity: 'fatal' },
      { match: '(?i)^(error|err)$', severity: 'error' },
      { match: '(?i)^warn', severity: 'warn' },
      { match: '(?i)^(info|notice)$', severity: 'info' },
      { match: '(?i)^debug$', severity: 'debug' },
      { match: '(?i)^trace$', severity: 'trace' },
    ],
  }),
  validate(config) {
    const problems: BlockProblem[] = [];
    config.patterns?.forEach((p, i) => problems.push(...patternProblems(p, `patterns[${i}]`)));
    if ((config.regex === undefined) === (config.attribute === undefined))
      problems.push({ path: 'regex', code: 'REQUIRED', message: 'Give either regex or attribute' });
    if (config.regex !== undefined) {
      problems.push(...regexProblems(config.regex, 'regex'));
      if (!namedGroups(config.regex).includes('level'))
        problems.push({ path: 'regex', code: 'INVALID_VALUE', message: 'The regex needs a named group (?P<level>…)' });
    }
    config.mapping.forEach((m, i) => problems.push(...regexProblems(m.match, `mapping[${i}].match`)));
    return problems;
  },
  render(config, _ctx, id) {
    const only = config.patterns?.length ? `(${anyPatternCondition(config.patterns)})` : undefined;
    const statements: string[] = [];
    let value: string;
    if (config.regex !== undefined) {
      statements.push(
        `merge_maps(cache, ExtractPatterns(body, ${ottlString(config.regex)}), "upsert")` +
          where([`IsMatch(body, ${ottlString(config.regex)})`, only]),
      );
      value = 'cache["level"]';
    } else value = `attributes[${ottlString(config.attribute!)}]`;
    // Applied last to first, so the first mapping that matches is the one that stays.
    for (const m of config.mapping.slice().reverse()) {
      const cond = where([`${value} != nil`, `IsMatch(String(${value}), ${ottlString(m.match)})`, only]);
      statements.push(`set(severity_number, ${SEVERITY_NUMBER[m.severity].ottl})${cond}`);
      if (config.set_text !== false) statements.push(`set(severity_text, String(${value}))${cond}`);
    }
    const name = `transform/${id}`;
    return {
      processors: { [name]: { error_mode: 'ignore', log_statements: [{ context: 'log', statements }] } },
      pipelines: { logs: { processors: [name] } },
    };
  },
};
