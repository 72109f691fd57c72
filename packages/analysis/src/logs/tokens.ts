// Tokenising and variable masking. A message is split on spaces and tabs; a token that opens a double
// quote runs to the closing quote (a quoted value is one variable, however many words it has). Each token
// keeps its raw text and gets a masked form in which the parts that are obviously variable — numbers (with
// units), versions, IPv4/IPv6 addresses (with ports), UUIDs, hex and other long ids, dates and times,
// paths, URLs, e-mail addresses — are replaced by `<*>`, keeping the punctuation and `key=` around them
// (`port=5432,` → `port=<*>,`).

export const WILDCARD = '<*>';
/** Longest message part mined per line; the rest of a longer line only counts in its bytes. */
export const MAX_MINED_CHARS = 4096;
const MAX_QUOTED_WORDS = 48;

export interface Tokens {
  raw: string[];
  masked: string[];
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Lines of a stack trace, whatever the program: every frame of one runtime is printed by one format, so a
 * frame line is one token (`<*>`, or `at <*>` for Java) whatever function or file it names.
 */
const FRAMES: [RegExp, (m: RegExpExecArray) => Tokens][] = [
  // Go: `pkg/path.Func(...)` / `pkg.(*T).Method` then `\t/path/file.go:123 +0x1d`
  [/^\t(\S+\.go:\d+)(?: \+0x[0-9a-f]+)?$/, (m) => ({ raw: [m[1]!], masked: [`${WILDCARD}.go:${WILDCARD}`] })],
  [/^((?:[\w.-]+\/)*[A-Za-z_][\w-]*\.(?:\(\*?[\w[\].]+\)\.)?[A-Za-z_][\w[\].]*(?:\([^)]*\))?)$/, (m) => frame(m[1]!)],
  // Java / JVM: `\tat pkg.Class.method(File.java:12)`, `\t... 12 more`
  [/^\s+at ([\w$.<>/-]+\(.*\))$/, (m) => ({ raw: ['at', m[1]!], masked: ['at', WILDCARD] })],
  // Python: `  File "/x.py", line 3, in f`
  [
    /^\s+File ("[^"]+"), line (\d+), in (\S+)$/,
    (m) => ({
      raw: ['File', m[1]!, 'line', m[2]!, 'in', m[3]!],
      masked: ['File', WILDCARD, 'line', WILDCARD, 'in', WILDCARD],
    }),
  ],
  // Node.js: `    at fn (/x.js:1:2)` / `    at /x.js:1:2`
  [/^\s+at (.+)$/, (m) => ({ raw: ['at', m[1]!], masked: ['at', WILDCARD] })],
];

function frame(text: string): Tokens {
  return { raw: [text], masked: [WILDCARD] };
}

/** A Go function frame needs more than the shape of an identifier: a package path or a method receiver. */
function isGoFunctionFrame(text: string): boolean {
  return text.includes('/') || text.includes('.(') || /\.func\d+$/.test(text);
}

export function tokenize(message: string): Tokens {
  const text = message.length > MAX_MINED_CHARS ? message.slice(0, MAX_MINED_CHARS) : message;
  const c0 = text.charCodeAt(0);
  if (c0 === 9 || c0 === 32 || (text.length < 300 && !text.includes(' ') && text.includes('.'))) {
    for (const [re, tokens] of FRAMES) {
      const m = re.exec(text);
      if (!m) continue;
      if (re === FRAMES[1]![0] && !isGoFunctionFrame(m[1]!)) continue;
      return tokens(m);
    }
  }
  const raw: string[] = [];
  // A JSON object of fields after a tab at the end (zap's console encoding) is one variable.
  let n = text.length;
  let fields: string | undefined;
  if (text.charCodeAt(n - 1) === 125 /* } */) {
    const tab = text.lastIndexOf('\t{');
    if (tab >= 0) {
      fields = text.slice(tab + 1);
      n = tab;
    }
  }
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    // A standalone quoted value runs to its closing quote.
    if (text.charCodeAt(start) === 34 && !closesQuote(text, start + 1, i)) {
      let j = i;
      let words = 0;
      let closed = -1;
      while (j < n && words < MAX_QUOTED_WORDS) {
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        const ws = j;
        while (j < n && !isSpace(text.charCodeAt(j))) j++;
        words++;
        if (closesQuote(text, ws, j)) {
          closed = j;
          break;
        }
      }
      if (closed > 0) i = closed;
    }
    raw.push(text.slice(start, i));
  }
  if (fields !== undefined) raw.push(fields);
  const masked = new Array<string>(raw.length);
  for (let k = 0; k < raw.length; k++) masked[k] = maskToken(raw[k]!);
  if (fields !== undefined) masked[raw.length - 1] = WILDCARD;
  return { raw, masked };
}

/** Whether text[from, to) ends a double-quoted value: a `"` not escaped, followed only by punctuation. */
function closesQuote(text: string, from: number, to: number): boolean {
  let end = to;
  while (end > from && isTrailingPunct(text.charCodeAt(end - 1))) end--;
  if (end <= from || text.charCodeAt(end - 1) !== 34) {
    // `"...",` or `"...")` : the quote may sit before trailing punctuation; also accept a bare closing quote.
    return false;
  }
  return !(end - 2 >= from && text.charCodeAt(end - 2) === 92);
}

function isTrailingPunct(c: number): boolean {
  // , ; : . ) ] }
  return c === 44 || c === 59 || c === 58 || c === 46 || c === 41 || c === 93 || c === 125;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

const LEAD = new Set(['(', '[', '{', '<', '"', "'", '`']);
const TRAIL = new Set([')', ']', '}', '>', '"', "'", '`', ',', ';', ':', '.', '!', '?']);

const NUMBER =
  /^[-+]?(?:\d+[.,]?)*\d+(?:[eE][-+]?\d+)?(?:ns|us|µs|ms|s|sec|secs|m|min|h|d|w|y|b|B|kb|kB|KB|KiB|mb|MB|MiB|gb|GB|GiB|tb|TB|TiB|%|x|X)?$/;
const DURATION = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns)){2,}$/;
const VERSION = /^v?\d+(?:\.\d+)+(?:[-+~][\w.+~-]*)?$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5}|\/\d{1,2})?$/;
const IPV6 = /^\[?[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:%\w+)?\]?(?::\d{1,5})?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX = /^(?:0[xX][0-9a-fA-F]+|[0-9a-fA-F]{8,})$/;
const DATE =
  /^(?:\d{4}[-/]\d\d[-/]\d\d(?:[T_]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?|\d\d\/[A-Z][a-z]{2}\/\d{4}(?::\d\d:\d\d:\d\d)?)$/;
const TIME = /^\d{1,2}:\d\d(?::\d\d)?(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?$/;
const ID = /^[A-Za-z0-9+/_=-]{16,}$/;
const URL = /^[a-zA-Z][a-zA-Z0-9+.-]{1,15}:\/\/\S*$/;
const EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;
const KEY = /^[A-Za-z_][\w.-]{0,63}$/;
// A relative path: two or more separators, or one and a file name with an extension (`pkg/file.go:12`).
const PATH = /^[\w.@~-]+(?:\/[\w.@~+-]+){2,}\/?(?::\d+)?$|^[\w.@~-]+\/[\w.@~+-]*\.[A-Za-z]{1,5}(?::\d+)?$/;

/** Whether a token core (punctuation stripped) is a value by its shape alone. */
export function isVariableShape(core: string): boolean {
  if (core.length === 0) return false;
  const c = core.charCodeAt(0);
  if (c === 47 /* / */) return core.length > 1;
  const slash = core.includes('/');
  if (slash) {
    if (c === 126 /* ~ */ || c === 46 /* . */)
      return core.startsWith('~/') || core.startsWith('./') || core.startsWith('../');
    if (core.includes('://')) return URL.test(core);
    if (PATH.test(core)) return true;
  }
  if (core.includes('@') && EMAIL.test(core)) return true;
  if (!hasDigit(core)) return false;
  if (c >= 48 && c <= 57 && NUMBER.test(core)) return true;
  return (
    NUMBER.test(core) ||
    IPV4.test(core) ||
    VERSION.test(core) ||
    UUID.test(core) ||
    HEX.test(core) ||
    DATE.test(core) ||
    TIME.test(core) ||
    DURATION.test(core) ||
    (core.includes(':') && IPV6.test(core)) ||
    (core.length >= 16 && ID.test(core) && /[A-Za-z]/.test(core))
  );
}

/** The masked form of one token. */
export function maskToken(token: string): string {
  const c0 = token.charCodeAt(0);
  if (!hasDigit(token) && c0 !== 47 && !token.includes('/') && !token.includes('@')) return token;
  if (token === WILDCARD) return token;
  let s = 0;
  let e = token.length;
  while (s < e && LEAD.has(token[s]!)) s++;
  while (e > s && TRAIL.has(token[e - 1]!)) e--;
  const core = token.slice(s, e);
  if (isVariableShape(core)) return token.slice(0, s) + WILDCARD + token.slice(e);
  const masked = maskParts(core);
  return masked === core ? token : token.slice(0, s) + masked + token.slice(e);
}

/** `key=value` → mask the value; otherwise mask the parts between separators (`go:123`, `1#2`, `(0,3)`). */
function maskParts(core: string): string {
  const eq = core.indexOf('=');
  if (eq > 0 && KEY.test(core.slice(0, eq))) return core.slice(0, eq + 1) + maskToken(core.slice(eq + 1) || '');
  if (!hasDigit(core)) return core;
  const parts = core.split(/([:#,@|=()[\]])/);
  if (parts.length === 1) return core.includes('/') ? maskSlashParts(core) : core;
  let changed = false;
  for (let i = 0; i < parts.length; i += 2) {
    const part = parts[i]!;
    const masked = isVariableShape(part) ? WILDCARD : part.includes('/') ? maskSlashParts(part) : part;
    if (masked !== part) {
      parts[i] = masked;
      changed = true;
    }
  }
  return changed ? parts.join('') : core;
}

function maskSlashParts(text: string): string {
  const parts = text.split('/');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    if (isVariableShape(parts[i]!)) {
      parts[i] = WILDCARD;
      changed = true;
    }
  }
  return changed ? parts.join('/') : text;
}
