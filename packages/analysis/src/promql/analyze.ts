// The walk over the Prometheus project's own PromQL grammar (@prometheus-io/lezer-promql): which
// metrics a query reads and, per selector, which of their labels the result depends on.
//
// The walk goes top-down carrying the labels the consumer needs of the current node's output:
//   - at the top a query's result is shown (a table or a legend may show any label): all labels;
//   - `sum by (L)` needs only L of its input; `sum without (L)` every label but L; `sum` none;
//     `topk`/`bottomk`/`limitk` keep their input series whole, so they pass the need through (plus L);
//   - binary operators match on all labels, `on (L)` or all but `ignoring (L)`; `group_left (X)`
//     takes X from the "one" side; set operators keep the left side's series;
//   - `label_replace`/`label_join` read their source labels, `histogram_quantile` reads `le`;
//   - a selector's own matchers are always read (dropping a label filtered on changes the result).
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { ALL, NONE, allExcept, only, union, withLabels, type LabelNeed } from './label-need.ts';
import { hasPlaceholder, placeholderPattern } from './variables.ts';

export interface SelectorRead {
  /** The metric name, or null when the selector names metrics by a pattern. */
  metric: string | null;
  /** Anchored regular expression (Prometheus syntax) for the metric names read, when `metric` is null. */
  pattern: string | null;
  /** `__name__!=` / `__name__!~`: the pattern names the metrics NOT read. */
  negated: boolean;
  labels: LabelNeed;
}

export type PromqlAnalysis =
  { ok: true; reads: SelectorRead[] } | { ok: false; error: string; position: number; reads: SelectorRead[] };

const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi', 'minute', 'hour', 'day_of_month', 'day_of_week', 'month']);
const SERIES_KEEPING_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);

const named = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};
const isExpr = (n: SyntaxNode) => n.type.is('Expr');

export function unquote(literal: string): string {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  if (q === '"') {
    try {
      return JSON.parse(literal) as string;
    } catch {
      return body;
    }
  }
  return body.replace(/\\(.)/g, '$1');
}

function firstError(tree: ReturnType<typeof parser.parse>): number | null {
  let pos: number | null = null;
  tree.iterate({
    enter(n) {
      if (pos !== null) return false;
      if (n.type.isError) {
        pos = n.from;
        return false;
      }
      return undefined;
    },
  });
  return pos;
}

function describeError(expr: string, pos: number): string {
  if (pos >= expr.trimEnd().length)
    return 'syntax error: the query ends too early (unclosed bracket or missing operand)';
  const near = expr.slice(pos, pos + 20).split('\n')[0];
  const line = expr.slice(0, pos).split('\n').length;
  const col = pos - expr.lastIndexOf('\n', pos - 1);
  return `syntax error at line ${line}, column ${col}: unexpected "${near}"`;
}

/**
 * Analyses one PromQL expression. `need` is what the consumer needs of the result (all labels for a
 * query shown on a panel or an alert; what readers of a recorded series need for a recording rule).
 */
export function analyzePromql(expr: string, need: LabelNeed = ALL): PromqlAnalysis {
  if (!expr.trim()) return { ok: false, error: 'empty query', position: 0, reads: [] };
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const reads = new Map<string, SelectorRead>();

  const record = (read: SelectorRead) => {
    const key = read.metric !== null ? `m:${read.metric}` : `p:${read.negated ? '!' : ''}${read.pattern}`;
    const prev = reads.get(key);
    reads.set(key, prev ? { ...prev, labels: union(prev.labels, read.labels) } : read);
  };

  const groupingLabels = (n: SyntaxNode | undefined): { labels: string[]; unknown: boolean } => {
    const labels = n
      ? named(n).map((c) => (c.name === 'QuotedLabelName' ? unquote(text(c)) : text(c)))
      : ([] as string[]);
    return { labels: labels.filter((l) => !hasPlaceholder(l)), unknown: labels.some(hasPlaceholder) };
  };

  const isScalar = (n: SyntaxNode): boolean => {
    switch (n.name) {
      case 'NumberDurationLiteral':
        return true;
      case 'ParenExpr':
      case 'UnaryExpr':
        return named(n).filter(isExpr).every(isScalar);
      case 'FunctionCall': {
        const fn = text(named(n).find((c) => c.name === 'FunctionIdentifier')!);
        return SCALAR_FUNCTIONS.has(fn) && (fn === 'scalar' || named(n).length <= 2);
      }
      case 'BinaryExpr':
        return named(n).filter(isExpr).every(isScalar);
      default:
        return false;
    }
  };

  const selector = (n: SyntaxNode, need: LabelNeed, defaultMetric: string | null = null) => {
    let metric: string | null = null;
    let pattern: string | null = null;
    let negated = false;
    let labelsAll = false;
    const matcherLabels: string[] = [];
    for (const c of named(n)) {
      if (c.name === 'Identifier') metric = text(c);
      if (c.name !== 'LabelMatchers') continue;
      for (const m of named(c)) {
        if (m.name === 'QuotedLabelName') {
          metric = unquote(text(m));
          continue;
        }
        const parts = named(m);
        const nameNode = parts.find((p) => p.name === 'LabelName' || p.name === 'QuotedLabelName');
        const op = text(parts.find((p) => p.name === 'MatchOp') ?? m);
        const valueNode = parts.filter((p) => p.name === 'StringLiteral').pop();
        if (!nameNode || !valueNode) continue;
        const label = nameNode.name === 'QuotedLabelName' ? unquote(text(nameNode)) : text(nameNode);
        const value = unquote(text(valueNode));
        if (label === '__name__') {
          if (metric !== null && n.firstChild?.name === 'Identifier') continue;
          if (op === '=' && !hasPlaceholder(value)) metric = value;
          else {
            const source =
              op === '=' || op === '!=' ? placeholderPattern(value) : value.split(/__fgvar_\w*?__/).join('.*');
            pattern = source;
            negated = op === '!=' || op === '!~';
          }
        } else if (hasPlaceholder(label)) labelsAll = true;
        else matcherLabels.push(label);
      }
    }
    if (metric !== null && hasPlaceholder(metric)) {
      pattern = placeholderPattern(metric);
      metric = null;
    }
    if (metric === null && pattern === null) metric = defaultMetric;
    if (metric === null && pattern === null) pattern = '.*';
    record({
      metric,
      pattern: metric === null ? pattern : null,
      negated: metric === null && negated,
      labels: labelsAll ? ALL : withLabels(need, matcherLabels),
    });
  };

  const aggregate = (n: SyntaxNode, need: LabelNeed) => {
    const parts = named(n);
    const op = text(parts.find((p) => p.name === 'AggregateOp')!);
    const modifier = parts.find((p) => p.name === 'AggregateModifier');
    const args = named(parts.find((p) => p.name === 'FunctionCallBody')!).filter(isExpr);
    let groupNeed: LabelNeed = NONE;
    if (modifier) {
      const without = modifier.firstChild?.name === 'Without';
      const { labels, unknown } = groupingLabels(named(modifier).find((p) => p.name === 'GroupingLabels'));
      groupNeed = unknown ? (without ? allExcept(labels) : ALL) : without ? allExcept(labels) : only(labels);
    }
    const vectorNeed = SERIES_KEEPING_AGGREGATIONS.has(op) ? union(need, groupNeed) : groupNeed;
    args.forEach((a, i) => visit(a, i === args.length - 1 ? vectorNeed : NONE));
  };

  const functionCall = (n: SyntaxNode, need: LabelNeed) => {
    const parts = named(n);
    const fn = text(parts.find((p) => p.name === 'FunctionIdentifier')!);
    const args = named(parts.find((p) => p.name === 'FunctionCallBody')!).filter(isExpr);
    const strings = args.filter((a) => a.name === 'StringLiteral').map((a) => unquote(text(a)));
    let argNeed = need;
    if (fn === 'label_replace') argNeed = withLabels(need, strings.slice(2, 3));
    else if (fn === 'label_join') argNeed = withLabels(need, strings.slice(2));
    else if (fn === 'sort_by_label' || fn === 'sort_by_label_desc') argNeed = withLabels(need, strings);
    else if (fn === 'histogram_quantile' || fn === 'histogram_fraction') argNeed = withLabels(need, ['le']);
    else if (fn === 'scalar') argNeed = NONE;
    if (strings.some(hasPlaceholder) && fn.startsWith('label_')) argNeed = ALL;
    if (fn === 'info') {
      // info(v, {k=~"…"}): the second argument selects labels of target_info (the default info metric)
      // to join onto v on the identifying labels (instance, job); without a name it does not read every metric.
      visit(args[0]!, withLabels(argNeed, ['instance', 'job']));
      for (const a of args.slice(1)) {
        if (a.name === 'VectorSelector') selector(a, ALL, 'target_info');
        else visit(a, ALL);
      }
      return;
    }
    for (const a of args) visit(a, argNeed);
  };

  const binary = (n: SyntaxNode, need: LabelNeed) => {
    const parts = named(n);
    const [lhs, rhs] = parts.filter(isExpr);
    if (!lhs || !rhs) return parts.forEach((p) => visit(p, need));
    if (isScalar(lhs) || isScalar(rhs)) {
      visit(lhs, isScalar(lhs) ? NONE : need);
      visit(rhs, isScalar(rhs) ? NONE : need);
      return;
    }
    const op = parts.find(
      (p) =>
        !isExpr(p) &&
        /^(And|Or|Unless|Add|Sub|Mul|Div|Mod|Pow|Atan2|Eql|Neq|Gtr|Gte|Lss|Lte|TrimUpper|TrimLower)$/.test(p.name),
    )?.name;
    const clause = parts.find((p) => p.name === 'MatchingModifierClause');
    let matchNeed: LabelNeed = ALL;
    let side: 'left' | 'right' | null = null;
    let extra: string[] = [];
    if (clause) {
      const cs = named(clause);
      const groups = cs.filter((c) => c.name === 'GroupingLabels');
      const matching = groupingLabels(groups[0]);
      const ignoring = cs[0]?.name === 'Ignoring';
      matchNeed = matching.unknown
        ? ignoring
          ? allExcept(matching.labels)
          : ALL
        : ignoring
          ? allExcept(matching.labels)
          : only(matching.labels);
      if (cs.some((c) => c.name === 'GroupLeft')) side = 'left';
      if (cs.some((c) => c.name === 'GroupRight')) side = 'right';
      const included = groupingLabels(groups[1]);
      extra = included.labels;
      if (included.unknown) matchNeed = ALL;
    }
    const keepNeed = union(need, matchNeed);
    if (op === 'And' || op === 'Unless') {
      visit(lhs, keepNeed);
      visit(rhs, matchNeed);
    } else if (op === 'Or') {
      visit(lhs, keepNeed);
      visit(rhs, keepNeed);
    } else if (side === 'left') {
      visit(lhs, keepNeed);
      visit(rhs, withLabels(matchNeed, extra));
    } else if (side === 'right') {
      visit(lhs, withLabels(matchNeed, extra));
      visit(rhs, keepNeed);
    } else {
      visit(lhs, keepNeed);
      visit(rhs, matchNeed);
    }
  };

  const visit = (n: SyntaxNode, need: LabelNeed): void => {
    switch (n.name) {
      case 'VectorSelector':
        return selector(n, need);
      case 'AggregateExpr':
        return aggregate(n, need);
      case 'FunctionCall':
        return functionCall(n, need);
      case 'BinaryExpr':
        return binary(n, need);
      case 'NumberDurationLiteral':
      case 'StringLiteral':
        return;
      default:
        for (const c of named(n)) visit(c, need);
    }
  };

  visit(tree.topNode, need);
  const all = [...reads.values()];
  const pos = firstError(tree);
  if (pos !== null) return { ok: false, error: describeError(expr, pos), position: pos, reads: all };
  return { ok: true, reads: all };
}

const NOT_METRICS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
  'atan2',
]);

/**
 * Metric names a query that does not parse probably reads: identifiers outside quotes, braces and
 * brackets that are not function calls, keywords or grouping labels. These are reported as "unknown"
 * (treated as used), never as read for certain.
 */
export function guessMetricNames(expr: string): string[] {
  const out = new Set<string>();
  const stripped = expr
    .replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index + word.length).trimStart();
    const before = stripped[m.index - 1] ?? '';
    if (after.startsWith('(') || NOT_METRICS.has(word.toLowerCase()) || hasPlaceholder(word)) continue;
    if (/[0-9.$]/.test(before)) continue;
    out.add(word);
  }
  return [...out].sort();
}
