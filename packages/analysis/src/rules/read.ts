// Prometheus / Mimir / Thanos rule files (`groups:` YAML, several documents per file, `PrometheusRule`
// custom resources of the Prometheus Operator) and the rules API's answer (`GET /api/v1/rules`).
import { parseAllDocuments } from 'yaml';
import { isObject, type Json } from '../dashboards/classic.ts';
import { lineColumn, type ReadFailure } from '../dashboards/read.ts';
import { analyzeQuery, buildAnalysis } from '../usage/analyze-queries.ts';
import type { ExtractedQuery, SourceAnalysis, SourceProblem } from '../usage/types.ts';

export interface RulesRead {
  groups: number;
  queries: ExtractedQuery[];
  problems: SourceProblem[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function readGroups(groups: unknown[], file: string | undefined, out: RulesRead) {
  for (const g of groups.filter(isObject)) {
    out.groups++;
    const group = str(g.name) ?? '(unnamed group)';
    for (const [i, r] of (Array.isArray(g.rules) ? g.rules : []).entries()) {
      const location = { ...(file ? { rule_file: file } : {}), rule_group: group };
      if (!isObject(r)) {
        out.problems.push({
          kind: 'rule_invalid',
          message: `rule #${i + 1} of group "${group}" is not a mapping`,
          location,
        });
        continue;
      }
      // A rule file has record/alert + expr; the rules API has type + name + query.
      const record = str(r.record) ?? (r.type === 'recording' ? str(r.name) : undefined);
      const alert = str(r.alert) ?? (r.type === 'alerting' ? str(r.name) : undefined);
      const expr = str(r.expr) ?? str(r.query);
      const name = record ?? alert;
      if (!name || expr === undefined) {
        out.problems.push({
          kind: 'rule_invalid',
          message: `rule #${i + 1} of group "${group}" has no ${name ? 'expr' : '"record" or "alert" name'}`,
          location: { ...location, ...(name ? { rule: name } : {}) },
        });
        continue;
      }
      out.queries.push({
        kind: record ? 'recording' : 'alerting',
        expr,
        location: { ...location, rule: name },
        ...(record ? { records: record } : {}),
      });
    }
  }
}

/** A rule file: plain `groups:` documents and/or PrometheusRule resources, separated by `---`. */
export function readRuleFile(content: string, file?: string): RulesRead | ReadFailure {
  const docs = parseAllDocuments(content, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const { line, column } = lineColumn(content, err.pos[0]);
      return {
        ok: false,
        reason: 'malformed',
        message: `not valid YAML at line ${line}, column ${column}: ${err.message.split('\n')[0]}`,
        line,
        column,
      };
    }
  }
  const out: RulesRead = { groups: 0, queries: [], problems: [] };
  let found = false;
  for (const doc of list) {
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    if (!isObject(value))
      return { ok: false, reason: 'not_rules', message: 'not a rule file: a document is not a mapping with "groups"' };
    const groups = value.kind === 'PrometheusRule' && isObject(value.spec) ? value.spec.groups : value.groups;
    if (!Array.isArray(groups)) continue;
    found = true;
    const name = value.kind === 'PrometheusRule' && isObject(value.metadata) ? str(value.metadata.name) : undefined;
    readGroups(groups, name ?? file, out);
  }
  if (!found)
    return {
      ok: false,
      reason: 'not_rules',
      message: 'not a rule file: no document has "groups" (or is a PrometheusRule with spec.groups)',
    };
  return out;
}

/** The answer of a Prometheus-compatible `GET /api/v1/rules` (Prometheus, Mimir, Thanos, VictoriaMetrics). */
export function readRulesApiResponse(body: unknown): RulesRead | ReadFailure {
  const data = isObject(body) && isObject(body.data) ? (body.data as Json) : null;
  if (!data || !Array.isArray(data.groups))
    return {
      ok: false,
      reason: 'not_rules',
      message: 'not a rules API answer: expected {"status": "success", "data": {"groups": [...]}}',
    };
  const out: RulesRead = { groups: 0, queries: [], problems: [] };
  for (const g of data.groups.filter(isObject)) readGroups([g], str(g.file), out);
  return out;
}

export function analyzeRules(read: RulesRead): SourceAnalysis {
  return buildAnalysis(
    read.queries.map((q) => analyzeQuery(q)),
    read.problems,
    { rule_groups: read.groups },
  );
}
