// Plain data shared by the readers (dashboards, rules), the query analysis and the merge.
import type { LabelNeedJson } from '../promql/label-need.ts';
import type { VariableReplacement } from '../promql/variables.ts';

/** Where a query lives, for the evidence shown to a user ("used by"). */
export interface QueryLocation {
  dashboard_uid?: string;
  dashboard_title?: string;
  panel_id?: string;
  panel_title?: string;
  /** Dashboard variable whose query this is. */
  variable?: string;
  /** Link to the dashboard or panel in Grafana (connector sources). */
  url?: string;
  rule_file?: string;
  rule_group?: string;
  rule?: string;
}

export type QueryKind = 'panel' | 'variable' | 'annotation' | 'recording' | 'alerting';

/** A query found in a dashboard or a rule file, before analysis. */
export interface ExtractedQuery {
  kind: QueryKind;
  /** As written in the source. */
  expr: string;
  location: QueryLocation;
  /** Labels named in the panel's legend (`{{instance}}`). */
  legend_labels?: string[];
  /** When set, the consumer needs only these labels of the result (variable queries `label_values(m, l)`). */
  needs_only?: string[];
  /** Recording rules: the series the rule writes. */
  records?: string;
  /** Dashboard variables in effect for this query (for the replacement). */
  dashboard_key?: string;
}

/** Something a reader could not use fully; shown on the source, never silently dropped. */
export interface SourceProblem {
  kind:
    | 'unparseable_query'
    | 'library_panel_unresolved'
    | 'datasource_not_promql'
    | 'dashboard_empty'
    | 'dashboard_invalid'
    | 'rule_invalid';
  message: string;
  location?: QueryLocation;
  expr?: string;
}

export interface SelectorReadJson {
  metric: string | null;
  pattern: string | null;
  negated: boolean;
  labels: LabelNeedJson;
}

/** A query after variable replacement and parsing. */
export interface AnalyzedQuery extends ExtractedQuery {
  /** The expression actually parsed (variables replaced). */
  parsed_expr: string;
  replaced: VariableReplacement[];
  ok: boolean;
  /** Why it does not parse (when !ok). */
  error?: string;
  reads: SelectorReadJson[];
  /** Unparseable queries: names that look like metrics, reported as "unknown". */
  guessed?: string[];
}

export interface SourceSummary {
  dashboards: number;
  panels: number;
  rule_groups: number;
  recording_rules: number;
  alerting_rules: number;
  queries: number;
  parsed: number;
  unparseable: number;
  metrics: number;
}

/** The Grafana variables replaced in one dashboard's queries before parsing, each with its value. */
export interface DashboardReplacements {
  dashboard: string;
  variables: { variable: string; value: string }[];
}

/** What one source held, analysed: stored per source, merged per org. */
export interface SourceAnalysis {
  summary: SourceSummary;
  queries: AnalyzedQuery[];
  problems: SourceProblem[];
  replaced_variables: DashboardReplacements[];
}
