// @flowgate/analysis: the cost engine's computation, free of I/O so it is tested on real files in
// milliseconds and reused by the server, the CLI and the benchmarks (docs/architecture.md, "The cost
// engine"). Each area lives in its own folder and is exported from here:
//   promql/     lezer-promql walk: metric names, labels a query depends on, Grafana variables
//   dashboards/ Grafana classic and v2 dashboard JSON → queries
//   rules/      Prometheus rule files, recording-rule expansion
//   inventory/  Prometheus exposition and OTLP JSON → series, labels, bytes (as the gateway processor counts)
//   recommend/  usage × inventory × prices → recommendations
//   logs/       the log pattern miner
export * from './logs/index.ts';
