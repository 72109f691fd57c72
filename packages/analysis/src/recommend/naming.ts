// Prometheus and OTLP name the same data differently, and a recommendation must act on the name the gateway
// sees while usage is read from PromQL names. From the inventory metric (its gateway name, type, unit and
// how it arrived) we derive every name a Prometheus-compatible backend may store it under:
//   * scraped by the prometheus receiver (v0.158.0 keeps names as exposed): the name itself; a histogram
//     family adds _bucket/_sum/_count, a summary _sum/_count;
//   * pushed over OTLP: the name with unsupported characters replaced by `_` — with and without the unit
//     suffix (`_seconds`, `_bytes`, `_ratio` for gauges with unit 1) and, for monotonic sums, `_total` — as
//     the prometheus exporters and Prometheus' OTLP endpoint write it depending on their settings; the raw
//     UTF-8 name too (Prometheus 3 without translation). Histograms add _bucket/_sum/_count.
// The set is generous on purpose: a name that matches more than it should can only keep a metric, never
// drop a read one.
// TODO(usage merge): switch to the usage engine's normaliser (packages/analysis/src/usage/names.ts on the
// usage branch) once both are on main, keeping the tests below.
import type { InventoryMetric } from '../inventory/types.ts';

const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': 'ratio',
  '%': 'percent',
};
const PER_WORDS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** A Prometheus-legal name: [a-zA-Z_:][a-zA-Z0-9_:]*, runs of `_` collapsed. */
export const sanitizeMetricName = (name: string) =>
  name
    .replace(/[^a-zA-Z0-9_:]/g, '_')
    .replace(/__+/g, '_')
    .replace(/^(\d)/, '_$1');

/** A Prometheus-legal label name for an OTLP attribute key (`http.route` → `http_route`). */
export const prometheusLabelName = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(\d)/, 'key_$1');

/** The Prometheus unit word(s) of a UCUM unit (`s` → seconds, `By/s` → bytes_per_second); '' when none. */
export function unitSuffix(unit: string): string {
  if (!unit || unit.startsWith('{')) return '';
  const [main = '', per] = unit.split('/', 2);
  const word = UNIT_WORDS[main] ?? main.replace(/\{[^}]*\}/g, '').replace(/[^a-zA-Z0-9]/g, '');
  const perWord = per ? (PER_WORDS[per] ?? per.replace(/[^a-zA-Z0-9]/g, '')) : '';
  return [word, perWord && `per_${perWord}`].filter(Boolean).join('_');
}

type Shape = Pick<InventoryMetric, 'name' | 'type' | 'unit' | 'monotonic' | 'origin'>;

/** Every Prometheus name the metric may be stored and queried under (see the file comment). */
export function prometheusNames(m: Shape): string[] {
  const bases = new Set<string>();
  if (m.origin === 'prometheus') bases.add(m.name);
  else {
    bases.add(m.name);
    const base = sanitizeMetricName(m.name);
    bases.add(base);
    const unit = unitSuffix(m.unit);
    if (unit && !(unit === 'ratio' && m.type !== 'gauge') && !base.endsWith(`_${unit}`)) bases.add(`${base}_${unit}`);
  }
  const names = new Set<string>();
  for (const b of bases) {
    if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(b + s);
    else if (m.type === 'summary') for (const s of ['', '_sum', '_count']) names.add(b + s);
    else {
      names.add(b);
      if (m.origin === 'otlp' && m.type === 'sum' && m.monotonic && !b.endsWith('_total')) names.add(`${b}_total`);
    }
  }
  return [...names];
}

/**
 * Is `promName` (as a query names it) the same metric as `otlpName` (as the gateway sees it)? Without the
 * OTLP metric's type and unit, every form any type could take is accepted.
 */
export function sameMetric(promName: string, otlpName: string, shape?: Partial<Omit<Shape, 'name'>>): boolean {
  if (promName === otlpName) return true;
  if (shape?.type)
    return prometheusNames({
      name: otlpName,
      type: shape.type,
      unit: shape.unit ?? '',
      monotonic: shape.monotonic ?? true,
      origin: shape.origin ?? 'otlp',
    }).includes(promName);
  const base = sanitizeMetricName(otlpName);
  const stripped = promName.replace(/_(bucket|sum|count|total)$/, '');
  if (stripped === base) return true;
  // Unknown unit: the query's name may carry a unit suffix the OTLP name does not.
  const unitWords = new Set([...Object.values(UNIT_WORDS)]);
  const m = /^(.*)_([a-z]+)$/.exec(stripped);
  return !!m && m[1] === base && unitWords.has(m[2]!);
}

/** A Prometheus name-matcher regular expression (anchored, RE2) as a test; invalid in JS → matches all. */
export function namePatternTest(pattern: string, negated = false): (name: string) => boolean {
  let source = pattern;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  try {
    const re = new RegExp(`^(?:${source})$`, flags);
    return negated ? (n) => !re.test(n) : (n) => re.test(n);
  } catch {
    return () => true;
  }
}

/** The pattern of a usage entry: its `pattern` field, or parsed from a `{__name__=~"…"}` name. */
export function usagePattern(u: { name: string; pattern?: string | null; negated?: boolean }) {
  if (u.pattern) return { pattern: u.pattern, negated: !!u.negated };
  const m = /^\{__name__(=~|!~)"((?:[^"\\]|\\.)*)"\}$/.exec(u.name);
  if (!m) return null;
  return { pattern: JSON.parse(`"${m[2]}"`) as string, negated: m[1] === '!~' };
}
