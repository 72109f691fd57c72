// The log blocks (issue 13; the reduce issue reuses them): each renders to standard collector components
// of the v0.158.0 gateway — filter, transform (OTTL), probabilistic_sampler, redaction, count, signaltometrics.
import type { BlockType } from '../types.ts';
import { logsFilterBlock, logsMinSeverityBlock } from './filter.ts';
import { logsSampleBlock } from './sample.ts';
import { logsParseBlock, logsSetSeverityBlock } from './parse.ts';
import { logsRedactBlock } from './redact.ts';
import { logsToMetricBlock } from './to-metric.ts';

export const logBlockTypes: readonly BlockType[] = [
  logsFilterBlock,
  logsMinSeverityBlock,
  logsSampleBlock,
  logsParseBlock,
  logsSetSeverityBlock,
  logsRedactBlock,
  logsToMetricBlock,
] as unknown as readonly BlockType[];

export * from './common.ts';
export { REDACT_KINDS, REDACT_KIND_NAMES, type RedactKind } from './redact.ts';
export { namedGroups } from './parse.ts';
export { samplePercent, SAMPLE_KEY_ATTRIBUTE, SAMPLE_PRIORITY_ATTRIBUTE } from './sample.ts';
