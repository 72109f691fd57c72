// Prometheus and OTLP name the same data differently: an OTLP histogram `http.server.duration` (unit s)
// is `http_server_duration_seconds_bucket/_sum/_count` once in Prometheus; a monotonic sum gains
// `_total`; dots become underscores. Usage is read from PromQL names, the inventory may hold either
// form, so both are reduced to one family key before they are compared. Reducing both sides the same
// way can only merge families (a metric `foo` and `foo_bytes` share a key): that errs towards "used",
// never towards dropping something read.

const SERIES_SUFFIX = /_(total|bucket|sum|count|created)$/;
const UNIT_SUFFIX =
  /_(seconds|milliseconds|microseconds|nanoseconds|minutes|hours|days|bytes|kibibytes|mebibytes|gibibytes|kilobytes|megabytes|gigabytes|bits|ratio|percent|celsius|hertz|joules|volts|amperes|watts|meters|grams)$/;

/** The key a Prometheus or OTLP metric name is compared by (see the file comment). */
export function metricFamilyKey(name: string): string {
  let key = name.replace(/[^A-Za-z0-9_:]/g, '_').replace(/__+/g, '_');
  key = key.replace(SERIES_SUFFIX, '');
  key = key.replace(UNIT_SUFFIX, '');
  return key;
}

export const sameMetricFamily = (a: string, b: string) => metricFamilyKey(a) === metricFamilyKey(b);

/**
 * The Prometheus names a metric is queried by: itself, its Prometheus-compatible form, and the series
 * of a histogram or summary (`_bucket`, `_sum`, `_count`) and of a counter (`_total`).
 */
export function prometheusSeriesNames(name: string): string[] {
  const base = name.replace(/[^A-Za-z0-9_:]/g, '_');
  return [...new Set([name, base, `${base}_total`, `${base}_bucket`, `${base}_sum`, `${base}_count`])];
}

/**
 * A Prometheus regular expression (fully anchored, RE2 syntax) as a JavaScript test. A leading `(?i)`
 * becomes the `i` flag. A pattern JavaScript cannot compile matches everything: unknown counts as read.
 */
export function metricPatternTest(pattern: string, negated = false): (name: string) => boolean {
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
