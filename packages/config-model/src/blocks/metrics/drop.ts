// metrics.drop — drop metrics by name or name pattern (optionally only those of one job), rendered to a
// `filter` processor with OTTL conditions on metric.name.
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import { checkMetricsSignal, checkNames, checkPatterns, jobIs, nameIn, nameMatches } from './ottl.ts';

export const MetricsDropConfig = Type.Object(
  {
    names: Type.Array(Type.String(), {
      default: [],
      description: 'Metric names as the gateway sees them (after the prometheus receiver: counters keep _total)',
    }),
    patterns: Type.Array(Type.String(), {
      default: [],
      description: 'Regular expressions (RE2) matching whole metric names, like Prometheus name matchers',
    }),
    job: Type.Optional(
      Type.String({ minLength: 1, description: 'Only metrics of this job (resource attribute service.name)' }),
    ),
  },
  { additionalProperties: false },
);
export type MetricsDropConfig = Static<typeof MetricsDropConfig>;

/** The OTTL conditions (OR-ed by the filter processor) that drop what the config lists. */
export function dropConditions(config: MetricsDropConfig): string[] {
  const scope = config.job ? `${jobIs(config.job)} and ` : '';
  const conditions: string[] = [];
  if (config.names.length) conditions.push(scope + nameIn([...config.names].sort()));
  for (const p of config.patterns) conditions.push(scope + nameMatches(p));
  return conditions;
}

export const metricsDropBlock: BlockType<typeof MetricsDropConfig> = {
  type: 'metrics.drop',
  category: 'metrics',
  title: 'Drop metrics',
  description:
    'Drops whole metrics by name or name pattern before they reach a backend (filter processor). Names are ' +
    'matched as the gateway sees them: a Prometheus histogram is one metric without _bucket/_sum/_count.',
  signals: ['metrics'],
  schema: MetricsDropConfig,
  defaults: () => ({ names: [], patterns: [] }),
  validate(config, ctx) {
    const problems: BlockProblem[] = [];
    checkMetricsSignal(ctx, problems);
    if (!config.names.length && !config.patterns.length)
      problems.push({ path: 'names', code: 'REQUIRED', message: 'list at least one metric name or pattern' });
    checkNames('names', config.names, problems);
    checkPatterns('patterns', config.patterns, problems);
    return problems;
  },
  render(config, _ctx, id) {
    const name = `filter/${id}`;
    return {
      processors: { [name]: { error_mode: 'ignore', metric_conditions: dropConditions(config) } },
      pipelines: { metrics: { processors: [name] } },
    };
  },
};
