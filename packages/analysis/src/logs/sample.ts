// Samples: pasted or uploaded text, JSON lines, or an OTLP/JSON logs export (also what a gateway snapshot
// returns) turned into lines, then bounded in lines and bytes, cleaned of what cannot be stored (NUL, lone
// surrogates) and masked of credentials — with notes that say what was kept, dropped or changed.
import type { Severity } from './header.ts';
import { maskLine } from './secrets.ts';

export type SampleFormat = 'text' | 'jsonl' | 'otlp_json';

export interface SampleLines {
  lines: string[];
  /** Per line, when the source carried it (OTLP severity); otherwise the miner reads headers. */
  severities?: (Severity | undefined)[];
  times?: (string | undefined)[];
}

export interface ParsedSample extends SampleLines {
  received: number;
  notes: string[];
}

export class SampleFormatError extends Error {}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

export function textLines(content: string): string[] {
  const lines = content.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

type Obj = Record<string, unknown>;

/** An OTLP AnyValue as text: strings as they are, maps and lists as JSON. */
function anyValueText(v: unknown): string {
  if (!v || typeof v !== 'object') return v === undefined || v === null ? '' : String(v);
  const o = v as Obj;
  if ('stringValue' in o) return String(o.stringValue ?? '');
  if ('intValue' in o) return String(o.intValue);
  if ('doubleValue' in o) return String(o.doubleValue);
  if ('boolValue' in o) return String(o.boolValue);
  if ('bytesValue' in o) return String(o.bytesValue);
  return JSON.stringify(anyValuePlain(o));
}

function anyValuePlain(o: Obj): unknown {
  if ('kvlistValue' in o)
    return Object.fromEntries(
      (((o.kvlistValue as Obj | undefined)?.values as Obj[] | undefined) ?? []).map((kv) => [
        String(kv.key),
        kv.value && typeof kv.value === 'object' ? anyValuePlain(kv.value as Obj) : null,
      ]),
    );
  if ('arrayValue' in o)
    return (((o.arrayValue as Obj | undefined)?.values as Obj[] | undefined) ?? []).map((x) => anyValuePlain(x));
  if ('stringValue' in o) return o.stringValue;
  if ('intValue' in o) return Number(o.intValue);
  if ('doubleValue' in o) return o.doubleValue;
  if ('boolValue' in o) return o.boolValue;
  return null;
}

const OTLP_SEVERITY: Severity[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function otlpSeverity(record: Obj): Severity | undefined {
  const n = Number(record.severityNumber ?? 0);
  if (n >= 1 && n <= 24) return OTLP_SEVERITY[Math.floor((n - 1) / 4)];
  const text = String(record.severityText ?? '').toLowerCase();
  if (!text) return undefined;
  if (text.startsWith('warn')) return 'warn';
  if (text.startsWith('err')) return 'error';
  return (OTLP_SEVERITY as string[]).includes(text) ? (text as Severity) : undefined;
}

function otlpTime(record: Obj): string | undefined {
  const raw = record.timeUnixNano ?? record.observedTimeUnixNano;
  if (raw === undefined || raw === null || raw === '0' || raw === 0) return undefined;
  const ms = Number(BigInt(String(raw)) / 1_000_000n);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

function otlpRecords(exportDoc: unknown, out: SampleLines): number {
  if (!exportDoc || typeof exportDoc !== 'object' || !Array.isArray((exportDoc as Obj).resourceLogs))
    throw new SampleFormatError('OTLP/JSON needs a top-level "resourceLogs" array');
  let n = 0;
  for (const rl of (exportDoc as Obj).resourceLogs as Obj[]) {
    for (const sl of (rl?.scopeLogs as Obj[] | undefined) ?? []) {
      for (const record of (sl?.logRecords as Obj[] | undefined) ?? []) {
        out.lines.push(anyValueText(record?.body));
        out.severities!.push(otlpSeverity(record ?? {}));
        out.times!.push(otlpTime(record ?? {}));
        n++;
      }
    }
  }
  return n;
}

/** Lines of a sample in one of the formats; throws SampleFormatError saying what is wrong. */
export function linesFromContent(content: string, format: SampleFormat): ParsedSample {
  const notes: string[] = [];
  if (format === 'text') {
    const all = textLines(content);
    const lines = all.filter((l) => l.trim().length > 0);
    if (lines.length < all.length) notes.push(`${plural(all.length - lines.length, 'empty line')} left out`);
    return { lines, received: all.length, notes };
  }
  if (format === 'jsonl') {
    const all = textLines(content).filter((l) => l.trim().length > 0);
    let notJson = 0;
    for (const l of all) {
      try {
        const v = JSON.parse(l);
        if (!v || typeof v !== 'object') notJson++;
      } catch {
        notJson++;
      }
    }
    if (notJson === all.length && all.length > 0)
      throw new SampleFormatError('No line of the sample is a JSON object: send it as format "text"');
    if (notJson) notes.push(`${plural(notJson, 'line is', 'lines are')} not JSON objects: mined as plain text`);
    return { lines: all, received: all.length, notes };
  }
  const out: SampleLines = { lines: [], severities: [], times: [] };
  const trimmed = content.trim();
  let docs: unknown[];
  try {
    const whole = JSON.parse(trimmed) as unknown;
    docs = Array.isArray(whole) ? whole : [whole];
  } catch {
    // The collector's file exporter writes one export per line.
    try {
      docs = textLines(trimmed)
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown);
    } catch (err) {
      throw new SampleFormatError(`The sample is not OTLP/JSON: ${(err as Error).message}`);
    }
  }
  let received = 0;
  for (const d of docs) received += otlpRecords(d, out);
  return { ...out, received, notes };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface BoundedSample extends SampleLines {
  received_lines: number;
  kept_lines: number;
  dropped_lines: number;
  bytes: number;
  masked_values: number;
  notes: string[];
}

/**
 * Keeps at most `maxLines` lines and `maxBytes` bytes (whole lines, in order), replaces NUL and lone
 * surrogates (a database cannot store them) and masks credentials and the given secret values.
 */
export function boundSample(
  sample: SampleLines & { received?: number; notes?: string[] },
  limits: { maxLines: number; maxBytes: number; secretValues?: readonly string[] },
): BoundedSample {
  const notes = [...(sample.notes ?? [])];
  const lines: string[] = [];
  let bytes = 0;
  let masked = 0;
  let replaced = 0;
  let byteLimited = false;
  for (const raw of sample.lines) {
    if (lines.length >= limits.maxLines) break;
    let line = raw;
    if (line.includes('\u0000') || LONE_SURROGATE.test(line)) {
      LONE_SURROGATE.lastIndex = 0;
      line = line.split('\u0000').join('\ufffd').replace(LONE_SURROGATE, '\ufffd');
      replaced++;
    }
    const m = maskLine(line, limits.secretValues);
    masked += m.masked;
    let size = utf8Length(m.line);
    if (size > limits.maxBytes && lines.length === 0) {
      m.line = m.line.slice(0, limits.maxBytes / 4);
      size = utf8Length(m.line);
      notes.push(`The first line is longer than ${limits.maxBytes / 1024 / 1024} MiB: only its start was kept`);
    }
    if (bytes + size > limits.maxBytes && lines.length > 0) {
      byteLimited = true;
      break;
    }
    lines.push(m.line);
    bytes += size;
  }
  const received = sample.received ?? sample.lines.length;
  const total = sample.lines.length;
  const dropped = total - lines.length;
  if (dropped > 0)
    notes.push(
      byteLimited
        ? `Kept the first ${lines.length.toLocaleString('en')} lines (${limits.maxBytes / 1024 / 1024} MiB); ` +
            `${dropped.toLocaleString('en')} later lines were not used`
        : `Kept the first ${lines.length.toLocaleString('en')} lines; ${dropped.toLocaleString('en')} later lines were not used`,
    );
  if (replaced) notes.push(`${plural(replaced, 'line')} held NUL or invalid UTF-16 characters, shown as \ufffd`);
  if (masked)
    notes.push(`${plural(masked, 'credential or secret value', 'credentials or secret values')} masked as ***`);
  return {
    lines,
    ...(sample.severities ? { severities: sample.severities.slice(0, lines.length) } : {}),
    ...(sample.times ? { times: sample.times.slice(0, lines.length) } : {}),
    received_lines: received,
    kept_lines: lines.length,
    dropped_lines: dropped,
    bytes,
    masked_values: masked,
    notes,
  };
}
