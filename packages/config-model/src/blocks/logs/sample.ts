// logs.sample — keep 1 line in N (or a percentage) of chosen patterns, or of every line: the
// probabilistic_sampler processor, hashing a per-record key so identical lines are sampled independently.
// Per pattern, the lines of the patterns get a sampling priority (the sampler's logs-only override) and all
// other lines pass at 100 %. Transform processors set the key and priority before and remove them after.
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import { anyPatternCondition, PatternRef, patternProblems, ottlString } from './common.ts';

const SampleConfig = Type.Object(
  {
    patterns: Type.Optional(
      Type.Array(PatternRef, { maxItems: 100, description: 'Sample only these patterns (default: every line)' }),
    ),
    one_in: Type.Optional(Type.Integer({ minimum: 2, maximum: 1_000_000, description: 'Keep one line in N' })),
    percent: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Keep this percentage of the lines' }),
    ),
  },
  { additionalProperties: false },
);
type SampleConfig = Static<typeof SampleConfig>;

export const SAMPLE_KEY_ATTRIBUTE = 'flowgate.sample.key';
export const SAMPLE_PRIORITY_ATTRIBUTE = 'flowgate.sample.priority';

/** The share kept, in percent. */
export function samplePercent(config: SampleConfig): number {
  if (config.percent !== undefined) return config.percent;
  return 100 / (config.one_in ?? 10);
}

export const logsSampleBlock: BlockType<typeof SampleConfig> = {
  type: 'logs.sample',
  category: 'logs',
  title: 'Sample log lines',
  description:
    'Keep one line in N, or a percentage, of the chosen patterns (or of every line) — probabilistic_sampler, ' +
    'with transform processors for the per-line key and the per-pattern priority.',
  signals: ['logs'],
  schema: SampleConfig,
  defaults: () => ({ one_in: 10 }),
  validate(config) {
    const problems: BlockProblem[] = [];
    if ((config.one_in === undefined) === (config.percent === undefined))
      problems.push({ path: 'one_in', code: 'REQUIRED', message: 'Give either one_in or percent' });
    config.patterns?.forEach((p, i) => problems.push(...patternProblems(p, `patterns[${i}]`)));
    return problems;
  },
  render(config, _ctx, id) {
    const percent = Math.round(samplePercent(config) * 1e6) / 1e6;
    const perPattern = Boolean(config.patterns?.length);
    const key = `set(attributes[${ottlString(SAMPLE_KEY_ATTRIBUTE)}], Concat([String(time_unix_nano), String(observed_time_unix_nano), String(body)], "|"))`;
    const before: string[] = [key];
    if (perPattern) {
      const where = anyPatternCondition(config.patterns!);
      before.push(`set(attributes[${ottlString(SAMPLE_PRIORITY_ATTRIBUTE)}], ${percent}) where ${where}`);
    }
    // The sampler records its own bookkeeping: the randomness (here derived from the temporary key) goes,
    // the threshold stays on sampled lines (it tells the rate they were kept at) and goes where it is 0 (100 %).
    const after = [
      `delete_key(attributes, ${ottlString(SAMPLE_KEY_ATTRIBUTE)})`,
      ...(perPattern ? [`delete_key(attributes, ${ottlString(SAMPLE_PRIORITY_ATTRIBUTE)})`] : []),
      'delete_key(attributes, "sampling.randomness")',
      'delete_key(attributes, "sampling.threshold") where attributes["sampling.threshold"] == "0"',
    ];
    const names = {
      before: `transform/${id}_key`,
      sampler: `probabilistic_sampler/${id}`,
      after: `transform/${id}_clean`,
    };
    return {
      processors: {
        [names.before]: { error_mode: 'ignore', log_statements: [{ context: 'log', statements: before }] },
        [names.sampler]: {
          sampling_percentage: perPattern ? 100 : percent,
          attribute_source: 'record',
          from_attribute: SAMPLE_KEY_ATTRIBUTE,
          ...(perPattern ? { sampling_priority: SAMPLE_PRIORITY_ATTRIBUTE } : {}),
        },
        [names.after]: { error_mode: 'ignore', log_statements: [{ context: 'log', statements: after }] },
      },
      pipelines: { logs: { processors: [names.before, names.sampler, names.after] } },
    };
  },
};
