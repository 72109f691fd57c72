// Grafana's Prometheus variable query functions → queries with the labels they read.
//   label_values(selector, label) → the selector, needing only `label`
//   label_values(label)           → no metric read (any series carrying the label)
//   query_result(expr)            → expr, shown as text: all labels
//   metrics(regex)                → metric names matching the regex, no labels
//   label_names(...)              → no metric read
import type { ExtractedQuery, QueryLocation } from '../usage/types.ts';

/** Splits `a, b` at the last comma outside parentheses, braces, brackets and quotes. */
function splitLastArg(args: string): [string, string] | null {
  let depth = 0;
  let quote: string | null = null;
  let last = -1;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('({['.includes(c)) depth++;
    else if (')}]'.includes(c)) depth--;
    else if (c === ',' && depth === 0) last = i;
  }
  return last < 0 ? null : [args.slice(0, last).trim(), args.slice(last + 1).trim()];
}

/** The text of a Prometheus variable query, whichever shape the dashboard stores it in. */
export function variableQueryText(query: unknown, definition?: unknown): string | null {
  if (typeof query === 'string' && query.trim()) return query.trim();
  if (query && typeof query === 'object') {
    const q = query as Record<string, unknown>;
    for (const k of ['query', 'expr'])
      if (typeof q[k] === 'string' && (q[k] as string).trim()) return (q[k] as string).trim();
    if (q.spec && typeof q.spec === 'object') return variableQueryText(q.spec);
  }
  return typeof definition === 'string' && definition.trim() ? definition.trim() : null;
}

export function variableQuery(text: string, location: QueryLocation, dashboardKey: string): ExtractedQuery | null {
  const m = /^\s*(label_values|query_result|metrics|label_names)\s*\(([\s\S]*)\)\s*$/.exec(text);
  const base = { kind: 'variable' as const, location, dashboard_key: dashboardKey };
  if (!m) return { ...base, expr: text }; // a plain PromQL query (some data sources allow it)
  const [, fn, args] = m as unknown as [string, string, string];
  switch (fn) {
    case 'label_values': {
      const parts = splitLastArg(args);
      if (!parts) return null;
      return { ...base, expr: parts[0], needs_only: [parts[1].replace(/^["']|["']$/g, '')] };
    }
    case 'query_result':
      return { ...base, expr: args.trim() };
    case 'metrics': {
      const regex = args.trim().replace(/^["'`]|["'`]$/g, '');
      return { ...base, expr: `{__name__=~${JSON.stringify(regex || '.*')}}`, needs_only: [] };
    }
    default:
      return null;
  }
}
