// Would merging a metric's series (after dropping labels no query groups by) change what a query returns?
// Usage says which labels each query needs; it does not say how the query combines the series it reads,
// and that decides whether pre-aggregation is invisible: `sum by (mode) (rate(x[5m]))` gives the same
// answer when x's `cpu` label was summed away at the gateway, `avg by (mode) (…)` does not (fewer series
// are averaged), nor does `count`, `topk`, `quantile`, or a ratio of two series. This module answers, with
// the real PromQL grammar (lezer-promql), under which aggregation each selector of the metric is read:
// walking up from the selector through functions and arithmetic that commute with the aggregation, to the
// first aggregation operator.
// It is not a usage walk (names and labels come from the usage engine); it answers the one question usage
// does not. TODO(usage merge): the usage engine could report the aggregation per reader and this would go.
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { namePatternTest } from './naming.ts';
import type { Aggregation } from './types.ts';

/** Per merge function: range functions through which it commutes (f(merge(a, b)) = merge(f(a), f(b))). */
const COMMUTING: Record<Aggregation, Set<string>> = {
  // Linear functions; rate/increase/irate only up to counter resets (see the recommendation's notes).
  sum: new Set([
    'rate',
    'irate',
    'increase',
    'delta',
    'idelta',
    'deriv',
    'sum_over_time',
    'avg_over_time',
    'last_over_time',
  ]),
  max: new Set(['max_over_time', 'last_over_time']),
  min: new Set(['min_over_time', 'last_over_time']),
};

export type ReadVerdict = { ok: true; aggregation: Aggregation | 'group' } | { ok: false; reason: string };

/** Grafana variables replaced well enough to parse: ranges become 5m, other variables a placeholder. */
export function replaceVariables(query: string): string {
  return query
    .replace(
      /\[\s*(\$__rate_interval|\$__interval|\$__range|\$\{[^}]+\}|\$\w+|\[\[\w+\]\])\s*(:[^\]]*)?\]/g,
      (_m, _v, sub) => (sub ? `[5m${String(sub).replace(/\$\{?\w+\}?/g, '1m')}]` : '[5m]'),
    )
    .replace(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)|\$\{[^}]+\}|\$__\w+|\$\w+|\[\[\w+\]\]/g, (m, quoted) =>
      quoted ? m : '1',
    );
}

const opName = (agg: SyntaxNode) => agg.getChild('AggregateOp')?.firstChild?.name.toLowerCase() ?? '';

/** Can this VectorSelector read one of `names`? By its identifier, a `__name__` matcher, or no name at all. */
function selectorReads(sel: SyntaxNode, text: string, names: ReadonlySet<string>): boolean {
  const id = sel.getChild('Identifier');
  if (id) return names.has(text.slice(id.from, id.to));
  const matchers = sel.getChild('LabelMatchers');
  for (let m = matchers?.firstChild; m; m = m.nextSibling) {
    const label = m.getChild('LabelName');
    const op = m.getChild('MatchOp')?.firstChild?.name;
    const literal = m.getChild('StringLiteral');
    if (!label || !literal || text.slice(label.from, label.to) !== '__name__') continue;
    let value: string;
    try {
      value = JSON.parse(text.slice(literal.from, literal.to).replace(/^'|'$/g, '"')) as string;
    } catch {
      return true;
    }
    if (op === 'EqlSingle') return names.has(value);
    if (op === 'Neq') return [...names].some((n) => n !== value);
    const test = namePatternTest(value, op === 'NeqRegex');
    return [...names].some(test);
  }
  return true; // `{job="x"}` reads every metric of the job
}

function isNumberLiteral(node: SyntaxNode | null): boolean {
  if (!node) return false;
  if (node.name === 'NumberDurationLiteral' || node.name === 'NumberLiteral') return true;
  if (node.name === 'ParenExpr') return isNumberLiteral(node.firstChild);
  if (node.name === 'UnaryExpr') return isNumberLiteral(node.lastChild);
  return false;
}

/** Walks up from a selector to its first aggregation; the verdict for merge function `merge`. */
function verdictFor(sel: SyntaxNode, text: string, merge: Aggregation): ReadVerdict {
  let child: SyntaxNode = sel;
  for (let node = sel.parent; node; child = node, node = node.parent) {
    switch (node.name) {
      case 'MatrixSelector':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'ParenExpr':
      case 'SubqueryExpr':
      case 'FunctionCallBody':
        continue;
      case 'FunctionCall': {
        const fn = node.getChild('FunctionIdentifier')?.firstChild;
        const name = fn ? text.slice(fn.from, fn.to) : '?';
        if (COMMUTING[merge].has(name)) continue;
        return { ok: false, reason: `${name}() over the metric would change if its series were merged by ${merge}` };
      }
      case 'BinaryExpr': {
        // Syntax nodes are fresh objects on every access: compare positions, not identity.
        const other = node.firstChild?.from === child.from ? node.lastChild : node.firstChild;
        const op = node.getChild('Mul') ? '*' : node.getChild('Div') ? '/' : node.getChild('Add') ? '+' : null;
        const scaling = (op === '*' || op === '/') && isNumberLiteral(other);
        const shifting = (op === '+' || node.getChild('Sub')) && isNumberLiteral(other) && merge !== 'sum';
        if (scaling && merge !== 'sum' && /-/.test(text.slice(other!.from, other!.to)))
          return { ok: false, reason: 'multiplying by a negative number turns max into min' };
        if (scaling || shifting) continue;
        return { ok: false, reason: 'the metric is combined with another series before it is aggregated' };
      }
      case 'AggregateExpr': {
        const op = opName(node);
        if (op === 'group') return { ok: true, aggregation: 'group' };
        if (op === merge) return { ok: true, aggregation: merge };
        return { ok: false, reason: `${op}() over the metric would change if its series were merged by ${merge}` };
      }
      case 'PromQL':
        return { ok: false, reason: 'the query returns the series themselves (no aggregation)' };
      default:
        return { ok: false, reason: `the metric is used inside ${node.name}` };
    }
  }
  return { ok: false, reason: 'no aggregation above the metric' };
}

/**
 * Is merging the metric's series with `merge` invisible to this query? Every selector of the metric (any of
 * its Prometheus names, or a name pattern matching them) must sit under an aggregation that commutes with it.
 */
export function mergeInvisibleTo(query: string, names: ReadonlySet<string>, merge: Aggregation): ReadVerdict {
  const text = replaceVariables(query);
  const tree = parser.parse(text);
  let error: string | null = null;
  const selectors: SyntaxNode[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) error ??= `the query does not parse near "${text.slice(n.from, n.from + 20)}"`;
      if (n.name === 'VectorSelector' && selectorReads(n.node, text, names)) selectors.push(n.node);
    },
  });
  if (error) return { ok: false, reason: error };
  if (!selectors.length) return { ok: false, reason: 'the metric is not found in the query' };
  let verdict: ReadVerdict = { ok: true, aggregation: 'group' };
  for (const sel of selectors) {
    const v = verdictFor(sel, text, merge);
    if (!v.ok) return v;
    if (v.aggregation !== 'group') verdict = v;
  }
  return verdict;
}
