// Line headers that were not parsed off: the timestamp, process id, host/program and level words that
// loggers put before the message. They vary on every line (or carry no meaning for the pattern), so the
// miner clusters on the message after them and keeps the severity and the timestamp text they gave.
//
// Shapes recognised at the start of a line, in any sequence: syslog PRI; ISO 8601 / RFC 3339 date-times
// (T or space, fractions, Z / offsets / zone names); nginx `2024/01/05 12:34:56`; BSD syslog
// `Jan  5 12:34:56` followed by `host program[pid]:`; Redis `pid:role dd Mon yyyy hh:mm:ss.mmm <level char>`;
// klog `I0105 12:34:56.789012   123 file.go:12]`; logfmt `ts=`/`time=` keys; `[pid]`, `pid#tid:`, `*conn`,
// `[thread]`; level words (INFO, [error], warn, LOG:, E, …). JSON lines are handled by the miner (json.ts).

export type Severity = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'unknown';
export const SEVERITIES: readonly Severity[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'];

export interface LineHeader {
  /** Offset of the message in the line (0 when nothing was recognised). */
  start: number;
  severity: Severity;
  /** The timestamp as written in the line, when one was found. */
  time?: string;
  /** What was recognised, e.g. `iso8601 pid level` — shown to users as the header shape. */
  kind: string;
}

const LEVELS: Record<string, Severity> = {
  trace: 'trace',
  trc: 'trace',
  finest: 'trace',
  debug: 'debug',
  dbg: 'debug',
  debug1: 'debug',
  debug2: 'debug',
  debug3: 'debug',
  debug4: 'debug',
  debug5: 'debug',
  verbose: 'debug',
  fine: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  notice: 'info',
  log: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  severe: 'error',
  crit: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
};

/** Words that continue a previous record (PostgreSQL's DETAIL/HINT/…): the header ends before them. */
const CONTINUATIONS = new Set(['detail', 'hint', 'context', 'statement', 'query', 'location']);

/** The severity a level word names (`INFO`, `[error]`, `warn:`, `<E>`), or undefined. */
export function levelOf(word: string): Severity | undefined {
  let w = word;
  if (w.length > 2 && ((w[0] === '[' && w.endsWith(']')) || (w[0] === '<' && w.endsWith('>')))) w = w.slice(1, -1);
  if (w.endsWith(':')) w = w.slice(0, -1);
  if (w.length < 3 || w.length > 11) return undefined;
  return LEVELS[w.toLowerCase()];
}

const SINGLE_LETTER: Record<string, Severity> = { D: 'debug', I: 'info', W: 'warn', E: 'error', F: 'fatal' };
const REDIS_LEVEL: Record<string, Severity> = { '.': 'debug', '-': 'debug', '*': 'info', '#': 'warn' };

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const ZONE = '(?:Z|[+-]\\d\\d:?\\d\\d|\\s?(?:UTC|GMT|[A-Z]{3,4}T|CET|MSK|IST|JST))?';
const ISO = `\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d(?::\\d\\d(?:[.,]\\d{1,9})?)?${ZONE}`;

// Sticky regexes tried in turn at the current offset; each consumes one header element and the spaces after it.
const ELEMENTS: { name: string; re: RegExp; time?: number; level?: (m: RegExpExecArray) => Severity | undefined }[] = [
  { name: 'pri', re: /<\d{1,3}>(?:1 )?/y },
  { name: 'iso8601', re: new RegExp(`\\[?(${ISO})\\]?[\\s|]+`, 'y'), time: 1 },
  { name: 'datetime', re: /\[?(\d{4}\/\d\d\/\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?)\]?\s+/y, time: 1 },
  {
    name: 'syslog',
    re: new RegExp(
      `(?:\\d{4} )?((?:${MONTHS}) [ \\d]?\\d(?: \\d{4})? \\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,6})?)\\s+` +
        `(?:[\\w.-]+\\s+)?[\\w./-]{1,48}(?:\\[\\d+\\])?:\\s+`,
      'y',
    ),
    time: 1,
  },
  {
    name: 'redis',
    re: new RegExp(`\\d+:[XCSM] (\\d\\d (?:${MONTHS}) \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ([.\\-*#]) `, 'y'),
    time: 1,
    level: (m) => REDIS_LEVEL[m[2]!],
  },
  {
    name: 'klog',
    re: /([DIWEF])(\d{4} \d\d:\d\d:\d\d\.\d{6})\s+\d+ [\w.-]+:\d+\]\s+/y,
    time: 2,
    level: (m) => SINGLE_LETTER[m[1]!],
  },
  { name: 'epoch', re: /\[?(1\d{9}(?:\.\d{1,9})?)\]?\s+/y, time: 1 },
  { name: 'logfmt-time', re: /(?:ts|time|t)=("?[\d\-T:.,+Z ]{10,35}"?)\s+/y, time: 1 },
  { name: 'time', re: /\[?(\d\d:\d\d:\d\d(?:[.,]\d{1,9})?)\]?\s+/y, time: 1 },
  { name: 'pid', re: /\[\d{1,10}\][:\s]\s*/y },
  { name: 'pid', re: /\d{1,10}#\d{1,10}:\s+/y },
  { name: 'conn', re: /\*\d{1,20}\s+/y },
  // The source location a logger prints (zap's `pkg/file.go:123`, `[main.py:42]`): constant per statement, so it
  // never separates patterns, but as a leading token it would hide the message from the tree.
  {
    name: 'caller',
    re: /(?:caller=)?\[?[\w./@-]{0,200}\.(?:go|py|java|kt|scala|rs|js|mjs|ts|c|cc|cpp|h|rb|cs|php|ex|exs|erl|swift):\d{1,6}\]?:?[\t ]+/y,
  },
];

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** The next whitespace-separated word at `at` and the offset after the spaces that follow it. */
function wordAt(line: string, at: number): [string, number] {
  let end = at;
  while (end < line.length && !isSpace(line.charCodeAt(end))) end++;
  let next = end;
  while (next < line.length && isSpace(line.charCodeAt(next))) next++;
  return [line.slice(at, end), next];
}

/** A `[thread]` or `(module)` right after the level, as log4j/logback and many others print it. */
const THREAD = /\[[\w.\-/#:@ ]{1,60}\]\s+/y;

const LOGFMT_LEVEL = /\b(?:level|lvl|severity|loglevel)=["']?([A-Za-z]{3,11})/;

export function parseHeader(line: string): LineHeader {
  let at = 0;
  let time: string | undefined;
  let severity: Severity = 'unknown';
  const kinds: string[] = [];
  let levelTried = false;
  for (let guard = 0; guard < 10 && at < line.length; guard++) {
    if (elementAt()) continue;
    if (levelTried || severity !== 'unknown') break;
    levelTried = true;
    if (!levelWord()) break;
  }
  if (severity === 'unknown') {
    const m = LOGFMT_LEVEL.exec(line.length > 300 ? line.slice(0, 300) : line);
    if (m) severity = LEVELS[m[1]!.toLowerCase()] ?? 'unknown';
  }
  return { start: at, severity, ...(time !== undefined ? { time } : {}), kind: kinds.join(' ') };

  function elementAt(): boolean {
    for (const el of ELEMENTS) {
      el.re.lastIndex = at;
      const m = el.re.exec(line);
      if (!m) continue;
      if (el.time !== undefined) {
        if (time !== undefined) return false; // a second timestamp belongs to the message
        time = m[el.time];
      }
      const level = el.level?.(m);
      if (level) severity = level;
      kinds.push(el.name);
      at = el.re.lastIndex;
      return true;
    }
    return false;
  }

  // A level word right after the header elements, or within the next three words once a header element
  // was seen (`[pid] user@db LOG:`, `info\tcaller`), ends the header.
  function levelWord(): boolean {
    if (kinds.length === 0 && !startsLikeLevel(line)) return false;
    const lookahead = kinds.length ? 3 : 1;
    let probe = at;
    for (let i = 0; i < lookahead && probe < line.length; i++) {
      const [word, next] = wordAt(line, probe);
      const level = headerLevel(word, i === 0 && kinds.length > 0);
      if (level) {
        severity = level;
        kinds.push('level');
        at = next;
        THREAD.lastIndex = at;
        if (THREAD.exec(line)) at = THREAD.lastIndex;
        return true;
      }
      if (word.endsWith(':') && word === word.toUpperCase() && CONTINUATIONS.has(word.slice(0, -1).toLowerCase())) {
        kinds.push('continuation');
        at = probe;
        return false;
      }
      probe = next;
    }
    return false;
  }
}

/**
 * A word in header position that names a level: upper case (`INFO`, `LOG:`), bracketed (`[warn]`),
 * ending in a colon (`error:`), a single letter after a timestamp (`E`), or a bare lower-case level
 * directly after a timestamp (`info`). `log` in lower case is a verb more often than a level.
 */
function headerLevel(word: string, directlyAfterHeader: boolean): Severity | undefined {
  if (directlyAfterHeader && word.length === 1) return SINGLE_LETTER[word];
  const level = levelOf(word);
  if (!level) return undefined;
  const c = word[0];
  if (c === '[' || c === '<' || word.endsWith(':')) return level;
  if (word === word.toUpperCase()) return level;
  return directlyAfterHeader && word.toLowerCase() !== 'log' ? level : undefined;
}

function startsLikeLevel(line: string): boolean {
  const c = line.charCodeAt(0);
  // Letters or '[' / '<': a level word may open the line (`ERROR: …`, `[warn] …`).
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 91 || c === 60;
}
