// logs.to_metric — turn a pattern into a metric: count its lines per chosen variables (count or
// signaltometrics connector) and drop the lines. The count runs in a pipeline of its own that receives a
// copy of what the logs pipeline receives, so it sees the lines before the logs pipeline drops them; the
// connector feeds the metrics pipelines.
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import { ottlString, PatternRef, patternCondition, patternProblems, regexProblems } from './common.ts';
import { namedGroups } from './parse.ts';

const ToMetricConfig = Type.Object(
  {
    pattern: PatternRef,
    metric: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z_][A-Za-z0-9_.:/-]*$',
      description: 'Metric name, e.g. log.pattern.count',
    }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    regex: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4000,
        description: 'Named groups (?P<name>…) of the pattern whose values become metric attributes',
      }),
    ),
    connector: Type.Optional(
      Type.Union([Type.Literal('count'), Type.Literal('signaltometrics')], { default: 'count' }),
    ),
    drop_lines: Type.Optional(Type.Boolean({ default: true, description: 'Drop the lines once counted' })),
  },
  { additionalProperties: false },
);
type ToMetricConfig = Static<typeof ToMetricConfig>;

export const logsToMetricBlock: BlockType<typeof ToMetricConfig> = {
  type: 'logs.to_metric',
  category: 'logs',
  title: 'Pattern to metric',
  description:
    "Count a pattern's lines per chosen variables as a metric (count or signaltometrics connector) and drop " +
    'the lines: the metric keeps the signal at a fraction of the bytes.',
  signals: ['logs'],
  schema: ToMetricConfig,
  defaults: () => ({ pattern: { match: ['.'] }, metric: 'log.pattern.count', drop_lines: true, connector: 'count' }),
  validate(config) {
    const problems: BlockProblem[] = [...patternProblems(config.pattern, 'pattern')];
    if (config.regex !== undefined) {
      problems.push(...regexProblems(config.regex, 'regex'));
      if (namedGroups(config.regex).length === 0)
        problems.push({ path: 'regex', code: 'INVALID_VALUE', message: 'The regex has no named group (?P<name>…)' });
    }
    return problems;
  },
  render(config, _ctx, id) {
    const condition = patternCondition(config.pattern);
    const attributes = config.regex ? namedGroups(config.regex) : [];
    const description = config.description ?? `Lines of the log pattern ${config.pattern.template ?? config.metric}`;
    const connectorType = config.connector ?? 'count';
    const connector = `${connectorType}/${id}`;
    const metricAttributes = attributes.map((key) => ({ key, default_value: 'unknown' }));
    const connectorConfig =
      connectorType === 'count'
        ? {
            logs: {
              [config.metric]: {
                description,
                conditions: [condition],
                ...(metricAttributes.length ? { attributes: metricAttributes } : {}),
              },
            },
          }
        : {
            logs: [
              {
                name: config.metric,
                description,
                conditions: [condition],
                ...(metricAttributes.length ? { attributes: metricAttributes } : {}),
                sum: { value: '1', monotonic: true },
              },
            ],
          };
    const processors: Record<string, unknown> = {};
    const countPipeline: string[] = [];
    if (config.regex) {
      const extract = `transform/${id}_extract`;
      processors[extract] = {
        error_mode: 'ignore',
        log_statements: [
          {
            context: 'log',
            statements: [
              `merge_maps(attributes, ExtractPatterns(body, ${ottlString(config.regex)}), "upsert") where ${condition}`,
            ],
          },
        ],
      };
      countPipeline.push(extract);
    }
    const mainProcessors: string[] = [];
    if (config.drop_lines !== false) {
      const drop = `filter/${id}_drop`;
      processors[drop] = { error_mode: 'ignore', logs: { log_record: [condition] } };
      mainProcessors.push(drop);
    }
    return {
      processors,
      connectors: { [connector]: connectorConfig },
      pipelines: { logs: { processors: mainProcessors }, metrics: { receivers: [connector] } },
      extraPipelines: {
        [`logs/${id}`]: {
          receivers: 'same',
          ...(countPipeline.length ? { processors: countPipeline } : {}),
          exporters: [connector],
        },
      },
    };
  },
};
