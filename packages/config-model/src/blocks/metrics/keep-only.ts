// metrics.keep_only — an allow-list: every metric (of one job, when set) that is not named or matched is
// dropped, rendered to a `filter` processor with one OTTL condition.
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import { checkMetricsSignal, checkNames, checkPatterns, jobIs, nameIn, nameMatches } from './ottl.ts';

export const MetricsKeepOnlyConfig = Type.Object(
  {
    keep: Type.Array(Type.String(), { default: [], description: 'Metric names to keep, as the gateway sees them' }),
    patterns: Type.Array(Type.String(), {
      default: [],
      description: 'Regular expressions (RE2) of whole names to keep as well',
    }),
    job: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Apply the allow-list to this job only (resource attribute service.name); others pass untouched',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MetricsKeepOnlyConfig = Static<typeof MetricsKeepOnlyConfig>;

/** The one OTTL condition that drops everything not kept. */
export function keepOnlyCondition(config: MetricsKeepOnlyConfig): string {
  const kept = [...(config.keep.length ? [nameIn([...config.keep].sort())] : []), ...config.patterns.map(nameMatches)];
  const notKept = kept.length === 1 ? `not ${kept[0]}` : `not (${kept.join(' or ')})`;
  return config.job ? `${jobIs(config.job)} and ${notKept}` : notKept;
}

export const metricsKeepOnlyBlock: BlockType<typeof MetricsKeepOnlyConfig> = {
  type: 'metrics.keep_only',
  category: 'metrics',
  title: 'Keep only these metrics',
  description:
    'Drops every metric that is not on the allow-list — of one job, or of the whole pipeline (filter ' +
    'processor). Metrics a job starts to expose later are dropped too.',
  signals: ['metrics'],
  schema: MetricsKeepOnlyConfig,
  defaults: () => ({ keep: [], patterns: [] }),
  validate(config, ctx) {
    const problems: BlockProblem[] = [];
    checkMetricsSignal(ctx, problems);
    if (!config.keep.length && !config.patterns.length)
      problems.push({
        path: 'keep',
        code: 'REQUIRED',
        message: 'an empty allow-list would drop every metric: list what to keep',
      });
    checkNames('keep', config.keep, problems);
    checkPatterns('patterns', config.patterns, problems);
    return problems;
  },
  render(config, _ctx, id) {
    const name = `filter/${id}`;
    return {
      processors: { [name]: { error_mode: 'ignore', metric_conditions: [keepOnlyCondition(config)] } },
      pipelines: { metrics: { processors: [name] } },
    };
  },
};
