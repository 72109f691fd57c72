// The analysis work the usage service hands to the worker thread: plain data in, plain data out.
import {
  analyzeDashboards,
  analyzeRules,
  mergeUsage,
  readDashboardObject,
  readDashboardUpload,
  readRuleFile,
  readRulesApiResponse,
  type DashboardRead,
  type MetricUsage,
  type ReadFailure,
  type SourceAnalysis,
  type SourceProblem,
  type UsageSourceInput,
} from '@flowgate/analysis';

export type AnalysisTask =
  | { op: 'upload'; kind: 'grafana_dashboard' | 'prometheus_rules'; content: string; name: string }
  | {
      op: 'grafana';
      dashboards: { doc: unknown; url: string }[];
      libraryPanels: Record<string, Record<string, unknown>>;
      problems: SourceProblem[];
    }
  | { op: 'rules_api'; body: unknown }
  | { op: 'merge'; sources: UsageSourceInput[] };

export type AnalysisOutcome = { ok: true; analysis: SourceAnalysis } | ReadFailure;

export function runAnalysisTask(task: AnalysisTask): AnalysisOutcome | MetricUsage[] {
  switch (task.op) {
    case 'upload': {
      if (task.kind === 'grafana_dashboard') {
        const read = readDashboardUpload(task.content);
        return read.ok ? { ok: true, analysis: analyzeDashboards(read.dashboards) } : read;
      }
      const read = readRuleFile(task.content, task.name);
      return 'ok' in read ? read : { ok: true, analysis: analyzeRules(read) };
    }
    case 'grafana': {
      const dashboards: DashboardRead[] = [];
      const problems = [...task.problems];
      for (const { doc, url } of task.dashboards) {
        const read = readDashboardObject(doc, { url, libraryPanel: (uid) => task.libraryPanels[uid] });
        if ('ok' in read)
          problems.push({
            kind: read.reason === 'dashboard_empty' ? 'dashboard_empty' : 'dashboard_invalid',
            message: read.message,
            location: { url },
          });
        else dashboards.push(read);
      }
      const analysis = analyzeDashboards(dashboards);
      return { ok: true, analysis: { ...analysis, problems: [...problems, ...analysis.problems] } };
    }
    case 'rules_api': {
      const read = readRulesApiResponse(task.body);
      return 'ok' in read ? read : { ok: true, analysis: analyzeRules(read) };
    }
    case 'merge':
      return mergeUsage(task.sources);
  }
}
