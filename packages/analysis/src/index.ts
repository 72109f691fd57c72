// @flowgate/analysis: the cost engine's computation, free of I/O so it is tested on real files in
// milliseconds and reused by the server, the CLI and the benchmarks (docs/architecture.md, "The cost
// engine"). Each area lives in its own folder and is exported from here:
//   promql/     lezer-promql walk: metric names, labels a query depends on, Grafana variables
//   dashboards/ Grafana classic and v2 dashboard JSON → queries
//   rules/      Prometheus rule files, recording-rule expansion
//   usage/      per-query analysis, the per-org merge, Prometheus/OTLP name matching
//   inventory/  Prometheus exposition and OTLP JSON → series, labels, bytes (as the gateway processor counts)
//   recommend/  usage × inventory × prices → recommendations
//   logs/       the log pattern miner
// ── usage ──
export * from './promql/label-need.ts';
export * from './promql/variables.ts';
export * from './promql/analyze.ts';
export * from './dashboards/classic.ts';
export * from './dashboards/v2.ts';
export * from './dashboards/read.ts';
export * from './dashboards/variable-queries.ts';
export * from './rules/read.ts';
export * from './usage/types.ts';
export * from './usage/analyze-queries.ts';
export * from './usage/merge.ts';
export * from './usage/names.ts';
export * from './usage/inventory-match.ts';
// ──
