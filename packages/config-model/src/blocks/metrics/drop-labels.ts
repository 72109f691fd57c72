// metrics.drop_labels — removes data point attributes from some metrics and merges the series that become
// identical, rendered to a `transform` processor: delete_key in the datapoint context, then
// aggregate_on_attributes(<aggregation>) in the metric context (v0.158.0: without a key list it keeps the
// remaining attributes and merges points that share them — per bucket for histograms). Merging happens
// within one batch and one resource, which is how a scrape or an SDK export arrives.
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import { checkMetricsSignal, checkNames, nameIn, ottlString } from './ottl.ts';

export const DropLabelsRule = Type.Object(
  {
    metrics: Type.Array(Type.String(), { minItems: 1, description: 'Metric names as the gateway sees them' }),
    labels: Type.Array(Type.String(), { minItems: 1, description: 'Data point attributes to remove' }),
    aggregation: Type.Union([Type.Literal('sum'), Type.Literal('max'), Type.Literal('min')], {
      default: 'sum',
      description:
        'How the series that become identical are merged: sum for counters, up-down counters and histograms; ' +
        'for gauges the aggregation the dashboards use (max by default)',
    }),
  },
  { additionalProperties: false },
);

export const MetricsDropLabelsConfig = Type.Object(
  { rules: Type.Array(DropLabelsRule, { default: [] }) },
  { additionalProperties: false },
);
export type MetricsDropLabelsConfig = Static<typeof MetricsDropLabelsConfig>;

/** The transform processor's metric_statements for the rules. */
export function dropLabelsStatements(config: MetricsDropLabelsConfig) {
  return config.rules.flatMap((rule) => {
    const where = nameIn([...rule.metrics].sort());
    return [
      {
        context: 'datapoint',
        conditions: [where],
        statements: [...rule.labels].sort().map((l) => `delete_key(datapoint.attributes, ${ottlString(l)})`),
      },
      {
        context: 'metric',
        conditions: [where],
        statements: [`aggregate_on_attributes(${ottlString(rule.aggregation)})`],
      },
    ];
  });
}

export const metricsDropLabelsBlock: BlockType<typeof MetricsDropLabelsConfig> = {
  type: 'metrics.drop_labels',
  category: 'metrics',
  title: 'Drop labels and merge series',
  description:
    'Removes high-cardinality labels no dashboard groups by, and merges the series that become identical ' +
    '(transform processor: delete_key, then aggregate_on_attributes). Summaries cannot be merged.',
  signals: ['metrics'],
  schema: MetricsDropLabelsConfig,
  defaults: () => ({ rules: [] }),
  validate(config, ctx) {
    const problems: BlockProblem[] = [];
    checkMetricsSignal(ctx, problems);
    if (!config.rules.length) problems.push({ path: 'rules', code: 'REQUIRED', message: 'add at least one rule' });
    const owner = new Map<string, number>();
    config.rules.forEach((rule, i) => {
      if (!rule.metrics.length)
        problems.push({ path: `rules[${i}].metrics`, code: 'REQUIRED', message: 'name at least one metric' });
      if (!rule.labels.length)
        problems.push({ path: `rules[${i}].labels`, code: 'REQUIRED', message: 'name at least one label' });
      checkNames(`rules[${i}].metrics`, rule.metrics, problems);
      rule.labels.forEach((l, j) => {
        if (!l.trim())
          problems.push({ path: `rules[${i}].labels[${j}]`, code: 'REQUIRED', message: 'a label must not be empty' });
      });
      if (!['sum', 'max', 'min'].includes(rule.aggregation))
        problems.push({ path: `rules[${i}].aggregation`, code: 'INVALID_VALUE', message: 'sum, max or min' });
      rule.metrics.forEach((m, j) => {
        const first = owner.get(m);
        if (first !== undefined && first !== i)
          problems.push({
            path: `rules[${i}].metrics[${j}]`,
            code: 'CONFLICT',
            message: `${m} is already in rules[${first}]: one rule per metric, so the merge is done once`,
          });
        else owner.set(m, i);
      });
    });
    return problems;
  },
  render(config, _ctx, id) {
    const name = `transform/${id}`;
    return {
      processors: { [name]: { error_mode: 'ignore', metric_statements: dropLabelsStatements(config) } },
      pipelines: { metrics: { processors: [name] } },
    };
  },
};
