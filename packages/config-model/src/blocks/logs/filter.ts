// logs.filter — drop log lines: by pattern, body regex, attribute conditions and severity (each rule's
// conditions must all hold; a line matching any rule is dropped), and logs.min_severity — keep only lines
// at or above a severity. Both render to the filter processor (OTTL log_record conditions).
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import {
  LineSelector,
  LOG_SEVERITIES,
  PatternRef,
  selectorCondition,
  selectorProblems,
  Severity,
  severityAtMostCondition,
  anyPatternCondition,
  patternProblems,
} from './common.ts';

const FilterConfig = Type.Object(
  {
    rules: Type.Array(LineSelector, { minItems: 1, maxItems: 100, description: 'A line matching any rule is dropped' }),
  },
  { additionalProperties: false },
);
type FilterConfig = Static<typeof FilterConfig>;

export const logsFilterBlock: BlockType<typeof FilterConfig> = {
  type: 'logs.filter',
  category: 'logs',
  title: 'Drop log lines',
  description:
    'Drop the lines of chosen patterns, or lines whose body, attributes or severity match conditions (filter processor).',
  signals: ['logs'],
  schema: FilterConfig,
  defaults: () => ({ rules: [{}] }),
  validate(config) {
    const problems: BlockProblem[] = [];
    config.rules.forEach((rule, i) => {
      problems.push(...selectorProblems(rule, `rules[${i}]`));
      if (selectorCondition(rule) === undefined)
        problems.push({
          path: `rules[${i}]`,
          code: 'REQUIRED',
          message: 'A rule without any condition would drop every line: give a pattern, regex, attribute or severity',
        });
    });
    return problems;
  },
  render(config, _ctx, id) {
    const conditions = config.rules.map((r) => selectorCondition(r)).filter((c): c is string => c !== undefined);
    const name = `filter/${id}`;
    return {
      processors: { [name]: { error_mode: 'ignore', logs: { log_record: conditions } } },
      pipelines: { logs: { processors: [name] } },
    };
  },
};

const MinSeverityConfig = Type.Object(
  {
    severity: Severity,
    patterns: Type.Optional(
      Type.Array(PatternRef, { maxItems: 100, description: 'Only for lines of these patterns (default: every line)' }),
    ),
  },
  { additionalProperties: false },
);
type MinSeverityConfig = Static<typeof MinSeverityConfig>;

export const logsMinSeverityBlock: BlockType<typeof MinSeverityConfig> = {
  type: 'logs.min_severity',
  category: 'logs',
  title: 'Keep only above a severity',
  description:
    'Drop lines below a severity (by severity number, or severity text when the number is unset); lines without ' +
    'any severity are kept — set one from the line first with "Set severity from a variable" (filter processor).',
  signals: ['logs'],
  schema: MinSeverityConfig,
  defaults: () => ({ severity: 'info' }),
  validate(config) {
    const problems: BlockProblem[] = [];
    if (config.severity === 'trace')
      problems.push({
        path: 'severity',
        code: 'INVALID_VALUE',
        message: 'Every line is at least trace: nothing to drop',
      });
    config.patterns?.forEach((p, i) => problems.push(...patternProblems(p, `patterns[${i}]`)));
    return problems;
  },
  render(config, _ctx, id) {
    const below = LOG_SEVERITIES[LOG_SEVERITIES.indexOf(config.severity) - 1] ?? 'trace';
    let condition = severityAtMostCondition(below);
    if (config.patterns?.length) condition = `${condition} and (${anyPatternCondition(config.patterns)})`;
    const name = `filter/${id}`;
    return {
      processors: { [name]: { error_mode: 'ignore', logs: { log_record: [condition] } } },
      pipelines: { logs: { processors: [name] } },
    };
  },
};
