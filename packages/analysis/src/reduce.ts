// The "reduce and prove" computation (issue 12) in one import for the server, the CLI and the benchmarks:
// inventory from uploads, recommendations with prices, recommendations → building blocks, the usage-aware
// guard, and the savings arithmetic. (Kept apart from index.ts, which the usage engine's exports share.)
export { inventoryFromExposition, inventoryFromOtlpJson } from './inventory/upload.ts';
export type { PrometheusUploadOptions, UploadOptions, UploadSummary } from './inventory/upload.ts';
export { countMetrics } from './inventory/count.ts';
export { mergeInventories } from './inventory/merge.ts';
export { parseExposition } from './inventory/exposition.ts';
export { readOtlpJson } from './inventory/otlp-json.ts';
export { scrapeToOtlp } from './inventory/prometheus-receiver.ts';
export { metricsRequestSize, metricSize } from './inventory/proto-size.ts';
export { InventoryUploadError } from './inventory/types.ts';
export type { Inventory, InventoryMetric, LabelStats, SeenIn, SeriesLabels, UploadProblem } from './inventory/types.ts';
export type { MetricsRequest, MetricType } from './inventory/otlp.ts';

export { recommend, metricVolume } from './recommend/recommend.ts';
export { recommendationId, resolveIds } from './recommend/ids.ts';
export { recommendationsToBlocks } from './recommend/to-blocks.ts';
export { prometheusNames, sameMetric } from './recommend/naming.ts';
export type {
  Aggregation,
  Evidence,
  MetricUsage,
  Reader,
  Recommendation,
  RecommendationKind,
  RecommendationSet,
  RecommendationTotals,
  RecommendInput,
  RecommendOptions,
  Skipped,
  UsageSource,
  UsedBy,
} from './recommend/types.ts';

export { checkConfig } from './guard/guard.ts';
export type { Breakage, BreakageReader, GuardInput, GuardResult } from './guard/guard.ts';

export { savings, savingsOverTime, beforeAfter } from './savings/savings.ts';
export type { BeforeAfter, FlowPoint, HourFlow, HourSaving, SavingsOptions, SignalSavings } from './savings/savings.ts';
