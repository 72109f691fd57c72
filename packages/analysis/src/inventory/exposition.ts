// A parser for the Prometheus text exposition format 0.0.4 and the basics of OpenMetrics 1.0: `# HELP`,
// `# TYPE`, `# UNIT`, `# EOF`, samples with labels (escapes \\ \" \n), values including NaN and ±Inf,
// timestamps (milliseconds in 0.0.4, seconds in OpenMetrics), exemplars (OpenMetrics, skipped), and the
// quoted-name form `{"my.metric", a="b"}`. Like a Prometheus scrape, a line it cannot read makes the whole
// exposition invalid: every such line is reported with its number.
import { InventoryUploadError, type UploadProblem } from './types.ts';

export type ExpositionType =
  'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'untyped' | 'unknown' | 'info' | 'stateset';

const TYPES = new Set<string>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'untyped',
  'unknown',
  'info',
  'stateset',
]);

export interface Sample {
  name: string;
  /** Label pairs in the order written (without the metric name). */
  labels: [string, string][];
  value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  timestampMs?: number;
  line: number;
}

export interface FamilyMetadata {
  type?: ExpositionType;
  help?: string;
  unit?: string;
}

export interface Exposition {
  format: 'prometheus-text' | 'openmetrics';
  /** Metadata by the name written in `# TYPE` / `# HELP` / `# UNIT`. */
  metadata: Map<string, FamilyMetadata>;
  samples: Sample[];
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;
const MAX_PROBLEMS = 20;

class LineError extends Error {}

function unescape(s: string, quoteAllowed: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === '\\') out += '\\';
    else if (n === 'n') out += '\n';
    else if (n === '"' && quoteAllowed) out += '"';
    else out += `\\${n ?? ''}`; // HELP text keeps unknown escapes as written
  }
  return out;
}

function parseValue(text: string): number {
  const t = text.toLowerCase();
  if (t === 'nan') return NaN;
  if (t === '+inf' || t === 'inf' || t === '+infinity' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new LineError(`"${text}" is not a number`);
  return Number(text);
}

/** Reads a double-quoted string starting at s[i] === '"'; returns the raw content and the index after it. */
function readQuoted(s: string, i: number): [string, number] {
  let j = i + 1;
  let raw = '';
  while (j < s.length) {
    const c = s[j]!;
    if (c === '\\') {
      const n = s[j + 1];
      if (n !== '\\' && n !== '"' && n !== 'n') throw new LineError(`invalid escape "\\${n ?? ''}" in a label value`);
      raw += c + n;
      j += 2;
      continue;
    }
    if (c === '"') return [unescape(raw, true), j + 1];
    if (c === '\n') break;
    raw += c;
    j++;
  }
  throw new LineError('a label value is not closed with "');
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

function readName(s: string, i: number, start: RegExp, char: RegExp): [string, number] {
  if (i >= s.length || !start.test(s[i]!)) return ['', i];
  let j = i + 1;
  while (j < s.length && char.test(s[j]!)) j++;
  return [s.slice(i, j), j];
}

/** `{a="b", c="d"}` from s[i] === '{'; a quoted entry without `=` is the metric name (UTF-8 names). */
function readLabels(s: string, i: number): { labels: [string, string][]; name?: string; end: number } {
  const labels: [string, string][] = [];
  let name: string | undefined;
  let j = skipSpaces(s, i + 1);
  while (j < s.length && s[j] !== '}') {
    let key: string;
    if (s[j] === '"') {
      [key, j] = readQuoted(s, j);
      j = skipSpaces(s, j);
      if (s[j] !== '=') {
        if (name !== undefined || labels.length) throw new LineError('a quoted metric name must come first');
        name = key;
        if (s[j] === ',') j = skipSpaces(s, j + 1);
        continue;
      }
    } else {
      [key, j] = readName(s, j, LABEL_START, LABEL_CHAR);
      if (!key) throw new LineError(`invalid label name at column ${j + 1}`);
      j = skipSpaces(s, j);
    }
    if (s[j] !== '=') throw new LineError(`expected "=" after label ${key}`);
    j = skipSpaces(s, j + 1);
    if (s[j] !== '"') throw new LineError(`the value of label ${key} must be quoted`);
    let value: string;
    [value, j] = readQuoted(s, j);
    labels.push([key, value]);
    j = skipSpaces(s, j);
    if (s[j] === ',') j = skipSpaces(s, j + 1);
    else if (s[j] !== '}') throw new LineError(`expected "," or "}" after label ${key}`);
  }
  if (s[j] !== '}') throw new LineError('labels are not closed with }');
  return { labels, ...(name !== undefined ? { name } : {}), end: j + 1 };
}

function parseSample(line: string, lineNo: number, openMetrics: boolean): Sample {
  let [name, i] = readName(line, 0, NAME_START, NAME_CHAR);
  let labels: [string, string][] = [];
  if (line[i] === '{') {
    const read = readLabels(line, i);
    if (read.name !== undefined) {
      if (name) throw new LineError('a metric name both before and inside {}');
      name = read.name;
    }
    labels = read.labels;
    i = read.end;
  }
  if (!name) throw new LineError('a sample line must start with a metric name');
  const rest = line.slice(i);
  if (rest.length && rest[0] !== ' ' && rest[0] !== '\t')
    throw new LineError(`invalid character in metric name "${name}"`);
  // OpenMetrics exemplar: ` # {labels} value [timestamp]` — not part of the sample.
  const hash = openMetrics ? rest.indexOf(' # ') : -1;
  const fields = (hash >= 0 ? rest.slice(0, hash) : rest).trim().split(/[ \t]+/);
  if (fields.length === 0 || fields[0] === '') throw new LineError(`no value for ${name}`);
  if (fields.length > 2) throw new LineError(`unexpected "${fields.slice(2).join(' ')}" after the value of ${name}`);
  const value = parseValue(fields[0]!);
  const sample: Sample = { name, labels, value, line: lineNo };
  if (fields[1] !== undefined) {
    const ts = openMetrics ? parseValue(fields[1]) * 1000 : Number(fields[1]);
    if (!Number.isFinite(ts) || (!openMetrics && !/^-?\d+$/.test(fields[1])))
      throw new LineError(`"${fields[1]}" is not a timestamp`);
    sample.timestampMs = Math.round(ts);
  }
  return sample;
}

/**
 * Parses an exposition. Throws InventoryUploadError listing every unreadable line (up to 20), or when the
 * text holds no metric at all.
 */
export function parseExposition(text: string): Exposition {
  const lines = text.split('\n');
  const openMetrics = /^# EOF\r?$/m.test(text);
  const metadata = new Map<string, FamilyMetadata>();
  const samples: Sample[] = [];
  const problems: UploadProblem[] = [];
  const meta = (name: string) => {
    let m = metadata.get(name);
    if (!m) metadata.set(name, (m = {}));
    return m;
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    const lineNo = n + 1;
    if (line.trim() === '') continue;
    try {
      if (line.startsWith('#')) {
        if (line === '# EOF') break;
        const m = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
        if (!m) continue; // a plain comment
        const [, keyword, rawName, rest = ''] = m;
        const name = rawName!.startsWith('"') ? readQuoted(rawName!, 0)[0] : rawName!;
        if (keyword === 'HELP') meta(name).help = unescape(rest, false);
        else if (keyword === 'UNIT') meta(name).unit = rest.trim();
        else {
          const type = rest.trim();
          if (!TYPES.has(type)) throw new LineError(`unknown metric type "${type}"`);
          meta(name).type = type as ExpositionType;
        }
        continue;
      }
      samples.push(parseSample(line, lineNo, openMetrics));
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      problems.push({ line: lineNo, message: err.message });
      if (problems.length >= MAX_PROBLEMS) break;
    }
  }
  if (problems.length)
    throw new InventoryUploadError(
      `not a valid Prometheus exposition: ${problems.length}${problems.length >= MAX_PROBLEMS ? '+' : ''} unreadable line(s), ` +
        `first at line ${problems[0]!.line}: ${problems[0]!.message}`,
      problems,
    );
  if (samples.length === 0 && metadata.size === 0)
    throw new InventoryUploadError('not a Prometheus exposition: no metric found', [{ message: 'no metric found' }]);
  return { format: openMetrics ? 'openmetrics' : 'prometheus-text', metadata, samples };
}
