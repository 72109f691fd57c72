// Usage analysis benchmark (issue 11): 1,000 dashboards × 40 queries and 2,000 rules (real Node Exporter
// Full query shapes with varied metric names, bench/usage-workload.ts) read, parsed and merged by
// @flowgate/analysis — the code the server runs in its analysis worker thread.
//
//   npm run bench:usage -- [--dashboards 1000] [--queries 40] [--rules 2000] [--families 50]
//
// Figures: seconds and queries per second for reading + parsing, for the per-org merge, and overall;
// a baseline measured in the same run on the same queries (a plain token scan that lists metric-like
// names, what name-only tools do: no variables, labels or recording rules); and the event loop's longest
// stall while the whole analysis runs inline versus in a worker thread, as the server runs it.
// Progress goes to stderr; stdout gets one JSON line.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  analyzeDashboards,
  analyzeRules,
  mergeUsage,
  readDashboardUpload,
  readRuleFile,
  type DashboardRead,
  type RulesRead,
  type SourceAnalysis,
} from '@flowgate/analysis';
import { usageWorkload, type UsageWorkload } from './usage-workload.ts';

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

function analyseAll(w: UsageWorkload) {
  const t0 = performance.now();
  const dashboards: DashboardRead[] = [];
  for (const d of w.dashboards) {
    const r = readDashboardUpload(d);
    if (!r.ok) throw new Error(r.message);
    dashboards.push(...r.dashboards);
  }
  const dash = analyzeDashboards(dashboards);
  const rulesRead = readRuleFile(w.rules);
  if ('ok' in rulesRead) throw new Error(rulesRead.message);
  const rules = analyzeRules(rulesRead as RulesRead);
  const t1 = performance.now();
  const merged = mergeUsage([
    { id: 'dashboards', name: 'dashboards', analysis: dash },
    { id: 'rules', name: 'rules', analysis: rules },
  ]);
  const t2 = performance.now();
  return { dash, rules, merged, parseMs: t1 - t0, mergeMs: t2 - t1 };
}

/** Name-only baseline: identifiers that look like metric names, by regular expression. */
function tokenScan(w: UsageWorkload): number {
  const names = new Set<string>();
  const scan = (expr: string) => {
    for (const m of expr.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?=\s*[{[)]|\s*$)/g)) names.add(m[0]);
  };
  for (const d of w.dashboards) {
    const j = JSON.parse(d) as { panels: { targets: { expr: string }[] }[] };
    for (const p of j.panels) for (const t of p.targets) scan(t.expr);
  }
  for (const m of w.rules.matchAll(/expr: (".*")/g)) scan(JSON.parse(m[1]!) as string);
  return names.size;
}

if (!isMainThread) {
  const w = usageWorkload(workerData as Parameters<typeof usageWorkload>[0]);
  const r = analyseAll(w);
  parentPort!.postMessage({ metrics: r.merged.length });
} else {
  const { values: args } = parseArgs({
    options: {
      dashboards: { type: 'string', default: '1000' },
      queries: { type: 'string', default: '40' },
      rules: { type: 'string', default: '2000' },
      families: { type: 'string', default: '50' },
    },
  });
  const opts = {
    dashboards: Number(args.dashboards),
    queries: Number(args.queries),
    rules: Number(args.rules),
    families: Number(args.families),
  };
  const w = usageWorkload(opts);
  process.stderr.write(`workload: ${opts.dashboards} dashboards × ${opts.queries} queries, ${opts.rules} rules\n`);

  const tb = performance.now();
  const baselineNames = tokenScan(w);
  const baselineMs = performance.now() - tb;

  // Inline: the event loop is blocked for the whole analysis.
  const inlineDelay = monitorEventLoopDelay({ resolution: 10 });
  inlineDelay.enable();
  const timer = setInterval(() => undefined, 5);
  await new Promise((r) => setTimeout(r, 50));
  const r = analyseAll(w);
  await new Promise((r) => setTimeout(r, 50));
  inlineDelay.disable();
  process.stderr.write(`inline: parse ${round(r.parseMs / 1000)} s, merge ${round(r.mergeMs / 1000)} s\n`);

  // In a worker thread, as the server runs it: the event loop keeps turning.
  const workerDelay = monitorEventLoopDelay({ resolution: 10 });
  workerDelay.enable();
  const tw = performance.now();
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL('./usage-worker.mjs', import.meta.url), { workerData: opts });
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const workerMs = performance.now() - tw;
  workerDelay.disable();
  clearInterval(timer);

  const summarize = (a: SourceAnalysis) => a.summary;
  const seconds = (r.parseMs + r.mergeMs) / 1000;
  // Panel queries, the dashboards' variable queries (label_values…) and the rules: everything parsed.
  const analysed = summarize(r.dash).queries + summarize(r.rules).queries;
  const line = {
    bench: 'usage',
    dashboards: opts.dashboards,
    queries_per_dashboard: opts.queries,
    rules: opts.rules,
    queries_total: analysed,
    dashboard_panel_queries: w.dashboardQueries,
    parsed: summarize(r.dash).parsed + summarize(r.rules).parsed,
    unparseable: summarize(r.dash).unparseable + summarize(r.rules).unparseable,
    metrics: r.merged.length,
    parse_seconds: round(r.parseMs / 1000),
    merge_seconds: round(r.mergeMs / 1000),
    seconds: round(seconds),
    queries_per_second: Math.round(analysed / seconds),
    baseline_token_scan_seconds: round(baselineMs / 1000),
    baseline_token_scan_names: baselineNames,
    event_loop_max_stall_ms_inline: round(inlineDelay.max / 1e6, 1),
    event_loop_max_stall_ms_worker: round(workerDelay.max / 1e6, 1),
    worker_seconds: round(workerMs / 1000),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
