// The log pattern miner and what is built on it (see miner.ts).
export { LogMiner, mineLogs, DEFAULT_MINER_OPTIONS, type MinerOptions } from './miner.ts';
export { parseHeader, SEVERITIES, type Severity, type LineHeader } from './header.ts';
export { tokenize, maskToken, isVariableShape, WILDCARD, MAX_MINED_CHARS } from './tokens.ts';
export { groupingAccuracy } from './accuracy.ts';
export {
  templateId,
  type LogPattern,
  type MineResult,
  type PatternVariable,
  type VariableValue,
  type SeenAt,
} from './patterns.ts';
