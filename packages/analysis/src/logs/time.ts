// Timestamps as the miner found them in line headers, turned into epoch milliseconds to measure how long
// a sample spans (its rate). Shapes without a year (BSD syslog, klog) are placed in one arbitrary year:
// only differences between them are used.
const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};
const YEARLESS = 2000;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, frac = '0', zone = ''): number {
  const ms = Number(`0.${frac || '0'}`) * 1000;
  let t = Date.UTC(y, mo, d, h, mi, s) + ms;
  const off = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  if (off) t -= (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000;
  return t;
}

/** Epoch milliseconds of a header timestamp, or undefined for shapes it does not know. */
export function parseLogTime(text: string): number | undefined {
  const s = text.trim().replace(/^"|"$/g, '');
  let m = /^(\d{4})[-/](\d\d)[-/](\d\d)[T _](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d\d:?\d\d)?/.exec(s);
  if (m) return utc(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), m[7], m[8] ?? '');
  m = /^(\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(s);
  if (m) return utc(+m[3]!, MONTHS[m[2]!.toLowerCase()] ?? 0, +m[1]!, +m[4]!, +m[5]!, +m[6]!, m[7]);
  m = /^([A-Z][a-z]{2}) +(\d{1,2})(?: (\d{4}))? (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(s);
  if (m) return utc(m[3] ? +m[3] : YEARLESS, MONTHS[m[1]!.toLowerCase()] ?? 0, +m[2]!, +m[4]!, +m[5]!, +m[6]!, m[7]);
  m = /^(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(s);
  if (m) return utc(YEARLESS, +m[1]! - 1, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6]);
  m = /^(1\d{9})(?:\.(\d+))?$/.exec(s);
  if (m) return +m[1]! * 1000 + Number(`0.${m[2] ?? '0'}`) * 1000;
  m = /^(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?$/.exec(s);
  if (m) return utc(YEARLESS, 0, 1, +m[1]!, +m[2]!, +m[3]!, m[4]);
  return undefined;
}

/**
 * Seconds between the earliest and latest timestamps given (undefined without two distinct ones). Shapes
 * with a year and shapes without one (placed in an arbitrary year) are measured apart and the longer span
 * is taken: a sample mixing syslog and ISO lines covers one period, not the years between.
 */
export function spanSeconds(times: Iterable<string | undefined>): number | undefined {
  const min = [Infinity, Infinity];
  const max = [-Infinity, -Infinity];
  for (const t of times) {
    if (t === undefined) continue;
    const ms = parseLogTime(t);
    if (ms === undefined || !Number.isFinite(ms)) continue;
    const g = new Date(ms).getUTCFullYear() === YEARLESS ? 1 : 0;
    if (ms < min[g]!) min[g] = ms;
    if (ms > max[g]!) max[g] = ms;
  }
  const span = Math.max(max[0]! - min[0]!, max[1]! - min[1]!);
  return span > 0 ? span / 1000 : undefined;
}
