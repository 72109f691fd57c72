// Grafana template variables in a PromQL expression, replaced before parsing so that the Prometheus
// grammar can read the query. About 40 % of real dashboard queries do not parse as written
// (`[$__rate_interval]`, `topk($n, …)`, `by ($group)`), so each variable is replaced by what its
// position needs:
//   - inside `[…]`, after `offset`, or an interval variable  → a duration (5m; `_ms`/`_s` variants → numbers)
//   - where PromQL wants a number (after an operator, `topk($n`, `clamp_min(x, $min)`, after `@`) → 1
//   - anywhere else (label values, label names, metric names, fragments of names) → a placeholder
//     identifier `__fgvar_<name>__`, which the analysis reads as "any": a metric name containing it
//     becomes a pattern, a grouping label made of it makes the selector depend on all labels.
// Every replacement is reported, so a user sees what the analysis assumed.

export interface VariableReplacement {
  /** Variable name as written, without `$`, braces or format (e.g. `__rate_interval`, `node`). */
  variable: string;
  /** What it was replaced with. */
  value: string;
}

export interface DashboardVariable {
  name: string;
  /** Grafana variable type: query, interval, custom, constant, textbox, datasource, adhoc, … */
  type: string;
  /** A fixed value to use (constant variables; the first option of custom ones), when known. */
  value?: string;
}

export const PLACEHOLDER_PREFIX = '__fgvar_';
export const placeholder = (name: string) => `${PLACEHOLDER_PREFIX}${name.replace(/\W/g, '_')}__`;
const PLACEHOLDER_RE = /__fgvar_\w*?__/g;
export const hasPlaceholder = (text: string) => text.includes(PLACEHOLDER_PREFIX);

/** A name with placeholders as an anchored regular expression source (placeholders match anything). */
export function placeholderPattern(text: string): string {
  return text
    .split(PLACEHOLDER_RE)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
}

const DURATION = '5m';
const NUMERIC_BUILTINS: Record<string, string> = {
  __interval_ms: '300000',
  __range_ms: '300000',
  __rate_interval_ms: '300000',
  __range_s: '300',
};
const isIntervalBuiltin = (name: string) =>
  name === '__interval' || name === '__rate_interval' || name === '__range' || name.startsWith('__auto');

/** Functions and aggregations whose arguments at these positions are numbers, not vectors. */
const NUMERIC_ARGS: Record<string, number[]> = {
  topk: [0],
  bottomk: [0],
  limitk: [0],
  limit_ratio: [0],
  quantile: [0],
  histogram_quantile: [0],
  histogram_fraction: [0, 1],
  quantile_over_time: [0],
  clamp: [1, 2],
  clamp_min: [1],
  clamp_max: [1],
  round: [1],
  predict_linear: [1],
  holt_winters: [1, 2],
  double_exponential_smoothing: [1, 2],
  vector: [0],
};
const GROUPING_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const OPERATOR_CHARS = new Set(['*', '/', '%', '^', '+', '-', '<', '>', '=', '!']);
const IDENT_CHAR = /[A-Za-z0-9_:]/;

// $name, ${name}, ${name:format}, ${name.field}, [[name]], [[name:format]]
const VARIABLE_RE = /\$\{(\w+)(?:[:.][^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/y;

interface Paren {
  word: string;
  args: number;
}

/** The word (identifier) that ends just before `end`, skipping spaces. */
function wordBefore(text: string, end: number): string {
  let i = end - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  let j = i;
  while (j >= 0 && /\w/.test(text[j]!)) j--;
  return text.slice(j + 1, i + 1);
}

function prevSignificant(text: string, end: number): string {
  let i = end - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return i >= 0 ? text[i]! : '';
}

/**
 * Replaces the Grafana variables of `expr`. `variables` are the dashboard's own (for their types and
 * fixed values); unknown names are replaced by position alone.
 */
export function replaceVariables(
  expr: string,
  variables: readonly DashboardVariable[] = [],
): { expr: string; replaced: VariableReplacement[] } {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const replaced: VariableReplacement[] = [];
  let out = '';
  let quote: string | null = null;
  let bracketDepth = 0;
  const parens: Paren[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (quote) {
      if (c === '\\') {
        out += expr.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '(') {
      parens.push({ word: wordBefore(out, out.length), args: 0 });
    } else if (c === ')') {
      parens.pop();
    } else if (c === ',' && parens.length) {
      parens[parens.length - 1]!.args++;
    } else if (c === '[' && expr[i + 1] !== '[') {
      bracketDepth++;
    } else if (c === ']' && bracketDepth > 0) {
      bracketDepth--;
    }
    if (c === '$' || (c === '[' && expr[i + 1] === '[')) {
      VARIABLE_RE.lastIndex = i;
      const m = VARIABLE_RE.exec(expr);
      const name = m ? (m[1] ?? m[2] ?? m[3])! : null;
      // `$1` in label_replace's replacement is a regex group, not a variable.
      if (m && name && !/^\d+$/.test(name)) {
        const value = valueFor(name, byName.get(name), {
          out,
          inQuotes: quote !== null,
          inBrackets: bracketDepth > 0,
          paren: parens[parens.length - 1],
          nextChar: expr[i + m[0].length] ?? '',
        });
        replaced.push({ variable: name, value });
        out += value;
        i += m[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { expr: out, replaced };
}

function valueFor(
  name: string,
  variable: DashboardVariable | undefined,
  ctx: { out: string; inQuotes: boolean; inBrackets: boolean; paren: Paren | undefined; nextChar: string },
): string {
  if (NUMERIC_BUILTINS[name]) return NUMERIC_BUILTINS[name];
  if (isIntervalBuiltin(name) || variable?.type === 'interval') return ctx.inQuotes ? placeholder(name) : DURATION;
  if (ctx.inQuotes) return placeholder(name);
  if (ctx.inBrackets || wordBefore(ctx.out, ctx.out.length) === 'offset') return DURATION;
  const prev = prevSignificant(ctx.out, ctx.out.length);
  const paren = ctx.paren;
  if (paren && GROUPING_WORDS.has(paren.word)) return placeholder(name);
  if (IDENT_CHAR.test(ctx.out[ctx.out.length - 1] ?? '') || IDENT_CHAR.test(ctx.nextChar)) return placeholder(name);
  if (variable?.type === 'constant' && variable.value !== undefined && /^[\w.:-]+$/.test(variable.value))
    return variable.value;
  if (OPERATOR_CHARS.has(prev) || prev === '@' || wordBefore(ctx.out, ctx.out.length) === 'bool') return '1';
  if (paren && (prev === '(' || prev === ',') && NUMERIC_ARGS[paren.word]?.includes(paren.args)) return '1';
  return placeholder(name);
}
