// JSON log lines (`{"level":"info","msg":"…",…}`): the message field is mined, the level and time fields
// give severity and timestamp. Lines that are not a JSON object are left to the header parser.
import { levelOf, type Severity } from './header.ts';

const MESSAGE_KEYS = ['msg', 'message', 'log', 'event', 'body', 'text'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log.level', 'severity_text', 'levelname'];
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 'datetime', 'date'];

export interface JsonLine {
  message: string;
  severity: Severity;
  time?: string;
}

export function parseJsonLine(line: string): JsonLine | undefined {
  let s = 0;
  while (s < line.length && (line.charCodeAt(s) === 32 || line.charCodeAt(s) === 9)) s++;
  if (line.charCodeAt(s) !== 123 /* { */) return undefined;
  let e = line.length;
  while (e > s && (line.charCodeAt(e - 1) === 32 || line.charCodeAt(e - 1) === 9 || line.charCodeAt(e - 1) === 13)) e--;
  if (line.charCodeAt(e - 1) !== 125 /* } */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(s, e));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const message = pick(obj, MESSAGE_KEYS);
  const level = pick(obj, LEVEL_KEYS);
  const time = pick(obj, TIME_KEYS);
  return {
    // Without a message field the object's keys are its shape.
    message: typeof message === 'string' ? message : `{${Object.keys(obj).sort().join(', ')}}`,
    severity: severityOf(level),
    ...(typeof time === 'string' || typeof time === 'number' ? { time: String(time) } : {}),
  };
}

function pick(obj: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (k in obj) return obj[k];
  return undefined;
}

function severityOf(level: unknown): Severity {
  if (typeof level === 'string') return levelOf(level) ?? 'unknown';
  if (typeof level === 'number') {
    // OTLP severity numbers (1–4 trace … 21–24 fatal); bunyan/pino 10–60.
    const n = level > 24 ? level / 2.5 : level;
    if (n <= 4) return 'trace';
    if (n <= 8) return 'debug';
    if (n <= 12) return 'info';
    if (n <= 16) return 'warn';
    if (n <= 20) return 'error';
    return 'fatal';
  }
  return 'unknown';
}
