// Evaluates OTTL conditions on what the inventory knows of a metric — its name, type, unit, and its resource
// and data point attributes — in three-valued logic: true, false, or unknown when the answer depends on
// something the inventory does not hold (a data point's value, an attribute value seen only as a count, a
// function the guard does not implement). Unknown propagates; the guard turns it into "cannot tell".
import type { MetricType } from '../inventory/otlp.ts';
import type { Expr } from './ottl-parse.ts';

export const UNKNOWN = Symbol('unknown');
export type Unknown = typeof UNKNOWN;
export type Truth = boolean | Unknown;

/** Attributes: a value, or UNKNOWN when only its existence is known. `complete`: absent keys are absent. */
export interface AttrMap {
  values: Map<string, string | Unknown>;
  complete: boolean;
}

type Val = string | number | boolean | null | Val[] | AttrMap | Unknown;

/** One series of a metric as far as the inventory knows it. */
export interface Scenario {
  name: string;
  type: MetricType | null;
  unit: string | null;
  monotonic: boolean | null;
  temporality: 'cumulative' | 'delta' | null;
  scopeName: string | null;
  resource: AttrMap;
  datapoint: AttrMap;
  /** Keys on any data point of the metric, and their values (metric-level functions). */
  metricKeys: AttrMap & { valueSets: Map<string, Set<string> | Unknown> };
}

export type OttlContext = 'resource' | 'scope' | 'metric' | 'datapoint';

const TYPE_ENUMS: Record<MetricType, [string, string]> = {
  gauge: ['METRIC_DATA_TYPE_GAUGE', 'Gauge'],
  sum: ['METRIC_DATA_TYPE_SUM', 'Sum'],
  histogram: ['METRIC_DATA_TYPE_HISTOGRAM', 'Histogram'],
  exponential_histogram: ['METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM', 'ExponentialHistogram'],
  summary: ['METRIC_DATA_TYPE_SUMMARY', 'Summary'],
};
const TEMPORALITY: Record<string, string> = {
  cumulative: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
  delta: 'AGGREGATION_TEMPORALITY_DELTA',
};

/** The context a condition runs in: the lowest one its prefixed paths name (the processors' inference). */
export function inferContext(expr: Expr, fallback: OttlContext = 'metric'): OttlContext {
  const seen = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'path') seen.add(e.segments[0]!);
    else if (e.kind === 'call') {
      if (/^HasAttr(Key)?OnDatapoint$/.test(e.name)) seen.add('metric');
      e.args.forEach(walk);
    } else if (e.kind === 'list') e.items.forEach(walk);
    else if (e.kind === 'not') walk(e.expr);
    else if (e.kind === 'and' || e.kind === 'or' || e.kind === 'compare') {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr);
  if (seen.has('datapoint')) return 'datapoint';
  if (seen.has('metric')) return 'metric';
  if (seen.has('scope') || seen.has('instrumentation_scope')) return 'scope';
  if (seen.has('resource')) return 'resource';
  return fallback;
}

function attribute(map: AttrMap, key: string | number | undefined): Val {
  if (key === undefined) return map;
  const v = map.values.get(String(key));
  if (v !== undefined) return v;
  return map.complete ? null : UNKNOWN;
}

function resolvePath(e: Extract<Expr, { kind: 'path' }>, s: Scenario, ctx: OttlContext): Val {
  let [head, ...rest] = e.segments;
  // Legacy (unprefixed) paths are relative to the context.
  if (!['metric', 'datapoint', 'resource', 'scope', 'instrumentation_scope'].includes(head!)) {
    rest = [head!, ...rest];
    head = ctx === 'datapoint' && rest[0] !== 'attributes' ? 'metric' : ctx;
  }
  const field = rest.join('.');
  if (head === 'resource') return field === 'attributes' ? attribute(s.resource, e.keys[0]) : UNKNOWN;
  if (head === 'scope' || head === 'instrumentation_scope')
    return field === 'name' ? (s.scopeName ?? UNKNOWN) : UNKNOWN;
  if (head === 'datapoint') return field === 'attributes' ? attribute(s.datapoint, e.keys[0]) : UNKNOWN;
  switch (field) {
    case 'name':
      return s.name;
    case 'type':
      return s.type ? TYPE_ENUMS[s.type][0] : UNKNOWN;
    case 'unit':
      return s.unit ?? UNKNOWN;
    case 'is_monotonic':
      return s.monotonic ?? UNKNOWN;
    case 'aggregation_temporality':
      return s.temporality ? TEMPORALITY[s.temporality]! : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function compare(op: string, a: Val, b: Val): Truth {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  // Metric types may be compared with their enum or (older configs) their name.
  const norm = (v: Val) => {
    for (const [en, name] of Object.values(TYPE_ENUMS)) if (v === name) return en;
    return v;
  };
  const [x, y] = [norm(a), norm(b)];
  if (typeof x === 'object' || typeof y === 'object') return x === y ? op === '==' : op === '!=';
  if (op === '==') return x === y;
  if (op === '!=') return x !== y;
  if (typeof x !== typeof y || x === null || y === null) return false;
  const [l, r] = [x as number | string, y as number | string];
  return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
}

/** Go RE2 regexp → JavaScript (unanchored, as Go's MatchString); null when JavaScript cannot compile it. */
export function goRegex(pattern: string): RegExp | null {
  let source = pattern;
  let flags = '';
  // Go's leading flag group (?i), (?m), (?s) maps to JavaScript's flags of the same letters.
  const m = /^\(\?([ims]+)\)/.exec(source);
  if (m) {
    flags = [...new Set(m[1]!)].join('');
    source = source.slice(m[0].length);
  }
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

function call(e: Extract<Expr, { kind: 'call' }>, s: Scenario, ctx: OttlContext): Val {
  const arg = (i: number) => value(e.args[i], s, ctx);
  switch (e.name) {
    case 'IsMatch': {
      const target = arg(0);
      const pattern = arg(1);
      if (target === UNKNOWN || pattern === UNKNOWN) return UNKNOWN;
      if (target === null) return false;
      if (typeof pattern !== 'string') return UNKNOWN;
      const re = goRegex(pattern);
      return re ? re.test(String(target)) : UNKNOWN;
    }
    case 'HasAttrKeyOnDatapoint': {
      const key = arg(0);
      if (typeof key !== 'string') return UNKNOWN;
      if (s.metricKeys.values.has(key)) return true;
      return s.metricKeys.complete ? false : UNKNOWN;
    }
    case 'HasAttrOnDatapoint': {
      const key = arg(0);
      const val = arg(1);
      if (typeof key !== 'string' || typeof val !== 'string') return UNKNOWN;
      const set = s.metricKeys.valueSets.get(key);
      if (set === undefined) return s.metricKeys.complete ? false : UNKNOWN;
      if (set === UNKNOWN) return UNKNOWN;
      return set.has(val);
    }
    case 'ContainsValue': {
      const list = arg(0);
      const item = arg(1);
      if (list === UNKNOWN || item === UNKNOWN || !Array.isArray(list)) return UNKNOWN;
      if (list.some((x) => x === UNKNOWN)) return list.includes(item) ? true : UNKNOWN;
      return list.some((x) => compare('==', x, item) === true);
    }
    case 'IsString': {
      const v = arg(0);
      return v === UNKNOWN ? UNKNOWN : typeof v === 'string';
    }
    case 'ToLowerCase':
    case 'ToUpperCase': {
      const v = arg(0);
      if (typeof v !== 'string') return v === null ? null : UNKNOWN;
      return e.name === 'ToLowerCase' ? v.toLowerCase() : v.toUpperCase();
    }
    case 'Concat': {
      const list = arg(0);
      const sep = arg(1);
      if (!Array.isArray(list) || typeof sep !== 'string' || list.some((x) => typeof x !== 'string')) return UNKNOWN;
      return list.join(sep);
    }
    default:
      return UNKNOWN;
  }
}

function value(e: Expr | undefined, s: Scenario, ctx: OttlContext): Val {
  if (!e) return UNKNOWN;
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'enum':
      return e.name;
    case 'list':
      return e.items.map((x) => value(x, s, ctx));
    case 'path':
      return resolvePath(e, s, ctx);
    case 'call':
      return e.keys.length ? UNKNOWN : call(e, s, ctx);
    case 'math':
      return UNKNOWN;
    default:
      return truth(e, s, ctx);
  }
}

/** The truth of a condition for one scenario. */
export function truth(e: Expr, s: Scenario, ctx: OttlContext): Truth {
  switch (e.kind) {
    case 'not': {
      const t = truth(e.expr, s, ctx);
      return t === UNKNOWN ? UNKNOWN : !t;
    }
    case 'and': {
      const l = truth(e.left, s, ctx);
      if (l === false) return false;
      const r = truth(e.right, s, ctx);
      if (r === false) return false;
      return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : true;
    }
    case 'or': {
      const l = truth(e.left, s, ctx);
      if (l === true) return true;
      const r = truth(e.right, s, ctx);
      if (r === true) return true;
      return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : false;
    }
    case 'compare':
      return compare(e.op, value(e.left, s, ctx), value(e.right, s, ctx));
    default: {
      const v = value(e, s, ctx);
      return typeof v === 'boolean' ? v : UNKNOWN;
    }
  }
}

/** A condition over every scenario of a metric: does it hold for all, some, none — or cannot we tell? */
export type Extent = 'all' | 'some' | 'none' | 'unknown';

export function extentOf(truths: readonly Truth[]): Extent {
  const trues = truths.filter((t) => t === true).length;
  if (trues === truths.length && trues > 0) return 'all';
  if (trues > 0) return 'some';
  return truths.some((t) => t === UNKNOWN) ? 'unknown' : 'none';
}
