// The log pattern miner and what is built on it (see miner.ts).
export { LogMiner, mineLogs, addSampleLines, DEFAULT_MINER_OPTIONS, type MinerOptions } from './miner.ts';
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
export { patternMatchers, parseRegex, variableRedactRegex, escapeLiteral, groupName } from './regex.ts';
export {
  suggestForPattern,
  suggestVariables,
  suggestSeverity,
  valueShape,
  type PatternSuggestion,
  type VariableSuggestion,
  type SeveritySuggestion,
  type VariableShapeName,
} from './suggest.ts';
export { maskLine, MASK } from './secrets.ts';
export { parseLogTime, spanSeconds } from './time.ts';
export {
  linesFromContent,
  boundSample,
  textLines,
  SampleFormatError,
  type SampleFormat,
  type SampleLines,
  type ParsedSample,
  type BoundedSample,
} from './sample.ts';
