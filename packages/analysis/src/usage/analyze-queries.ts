// Extracted queries → analysed queries: variables replaced, PromQL parsed, reads per selector. A query
// that does not parse is kept with its reason and the names it probably reads ("unknown", never dropped).
import { analyzePromql, guessMetricNames } from '../promql/analyze.ts';
import { ALL, only, toJson, withLabels } from '../promql/label-need.ts';
import { replaceVariables, type DashboardVariable } from '../promql/variables.ts';
import type {
  AnalyzedQuery,
  DashboardReplacements,
  ExtractedQuery,
  SourceAnalysis,
  SourceProblem,
  SourceSummary,
} from './types.ts';

export function analyzeQuery(q: ExtractedQuery, variables: readonly DashboardVariable[] = []): AnalyzedQuery {
  const isRule = q.kind === 'recording' || q.kind === 'alerting';
  const { expr, replaced } = isRule ? { expr: q.expr, replaced: [] } : replaceVariables(q.expr, variables);
  const need = q.needs_only ? only(q.needs_only) : withLabels(ALL, q.legend_labels ?? []);
  const result = analyzePromql(expr, need);
  const reads = result.reads.map((r) => ({ ...r, labels: toJson(r.labels) }));
  if (result.ok) return { ...q, parsed_expr: expr, replaced, ok: true, reads };
  return {
    ...q,
    parsed_expr: expr,
    replaced,
    ok: false,
    error: result.error,
    reads: [],
    guessed: guessMetricNames(expr),
  };
}

export function summarize(
  queries: readonly AnalyzedQuery[],
  counts: { dashboards?: number; panels?: number; rule_groups?: number },
): SourceSummary {
  const metrics = new Set<string>();
  for (const q of queries) for (const r of q.reads) metrics.add(r.metric ?? `{__name__=~"${r.pattern}"}`);
  return {
    dashboards: counts.dashboards ?? 0,
    panels: counts.panels ?? 0,
    rule_groups: counts.rule_groups ?? 0,
    recording_rules: queries.filter((q) => q.kind === 'recording').length,
    alerting_rules: queries.filter((q) => q.kind === 'alerting').length,
    queries: queries.length,
    parsed: queries.filter((q) => q.ok).length,
    unparseable: queries.filter((q) => !q.ok).length,
    metrics: metrics.size,
  };
}

/** Every query that does not parse, as a problem of the source (with its reason). */
export function unparseableProblems(queries: readonly AnalyzedQuery[]): SourceProblem[] {
  return queries
    .filter((q) => !q.ok)
    .map((q) => ({
      kind: 'unparseable_query' as const,
      message: q.error ?? 'does not parse',
      location: q.location,
      expr: q.expr,
    }));
}

export function buildAnalysis(
  queries: AnalyzedQuery[],
  problems: SourceProblem[],
  counts: { dashboards?: number; panels?: number; rule_groups?: number },
): SourceAnalysis {
  return {
    summary: summarize(queries, counts),
    queries,
    problems: [...problems, ...unparseableProblems(queries)],
    replaced_variables: replacementsByDashboard(queries),
  };
}

/** Per dashboard, every variable replaced (once, with the value it got). */
export function replacementsByDashboard(queries: readonly AnalyzedQuery[]): DashboardReplacements[] {
  const out = new Map<string, Map<string, string>>();
  for (const q of queries) {
    if (q.replaced.length === 0) continue;
    const key = q.location.dashboard_title ?? q.location.dashboard_uid ?? '';
    const vars = out.get(key) ?? new Map<string, string>();
    for (const r of q.replaced) if (!vars.has(r.variable)) vars.set(r.variable, r.value);
    out.set(key, vars);
  }
  return [...out].map(([dashboard, vars]) => ({
    dashboard,
    variables: [...vars].map(([variable, value]) => ({ variable, value })),
  }));
}
