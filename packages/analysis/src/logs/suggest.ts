// The deterministic suggester: names for a pattern's variables from the shape of their values (IPs, ports,
// durations, sizes, status codes, levels, ids, …) and the words around them, a parsing rule, and a severity
// mapping when a variable is a level word or an HTTP status. The AI assist offers the same, better named;
// this is what users get without it (and when it fails).
import type { LogPattern } from './patterns.ts';
import { parseRegex } from './regex.ts';
import { WILDCARD } from './tokens.ts';

export type VariableShapeName =
  | 'ip'
  | 'ip_port'
  | 'port'
  | 'uuid'
  | 'hex'
  | 'id'
  | 'number'
  | 'duration'
  | 'size'
  | 'percent'
  | 'status_code'
  | 'level'
  | 'time'
  | 'path'
  | 'url'
  | 'email'
  | 'word'
  | 'text'
  | 'json'
  | 'empty';

const SHAPES: [VariableShapeName, RegExp][] = [
  ['ip_port', /^\[?(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:]+)\]?:\d{1,5}$/],
  ['ip', /^(?:\d{1,3}(?:\.\d{1,3}){3}|(?=.*:)[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7})$/],
  ['uuid', /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/],
  ['duration', /^-?\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d)$|^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$|^\d+:\d\d:\d\d(?:\.\d+)?$/],
  ['size', /^\d+(?:\.\d+)?(?:b|B|kb|kB|KB|KiB|mb|MB|MiB|gb|GB|GiB|TB|TiB)$/],
  ['percent', /^\d+(?:\.\d+)?%$/],
  ['time', /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?)?|^\d\d:\d\d:\d\d/],
  ['number', /^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/],
  ['hex', /^(?:0x)?[0-9a-fA-F]{8,}$/],
  ['url', /^[a-z][a-z0-9+.-]*:\/\//i],
  ['email', /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/],
  ['path', /^(?:\/|\.\.?\/|~\/)[^\s]*$|^[\w.@-]+(?:\/[\w.@+-]+){2,}$/],
  ['level', /^(?:trace|debug|info|notice|warn|warning|error|err|fatal|critical|crit|panic|alert|emerg)$/i],
  ['json', /^\{.*\}$/],
  ['id', /^[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*$/],
  ['word', /^[A-Za-z][\w.-]*$/],
];

/** The shape most values share (empty values aside). */
export function valueShape(values: string[]): VariableShapeName {
  const present = values.map((v) => v.replace(/^["'([{]+|["')\]},;.]+$/g, '')).filter((v) => v.length > 0);
  if (present.length === 0) return 'empty';
  if (present.some((v) => /\s/.test(v))) return present.every((v) => /^\{.*\}$/.test(v)) ? 'json' : 'text';
  const counts = new Map<VariableShapeName, number>();
  for (const v of present) {
    const shape = SHAPES.find(([, re]) => re.test(v))?.[0] ?? 'text';
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  let [best, n] = ['text' as VariableShapeName, 0];
  for (const [shape, c] of counts) if (c > n) [best, n] = [shape, c];
  // Whole numbers 100–599 that are all three digits: HTTP status codes.
  if (best === 'number' && present.every((v) => /^[1-5]\d\d$/.test(v))) return 'status_code';
  if (best === 'number' && present.every((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535) && present.length > 0)
    return 'number';
  return best;
}

const STOPWORDS = new Set(
  'a an the of to from for in on at by with and or as is was be are after before into via than then not no at'.split(
    ' ',
  ),
);

function cleanWord(token: string): string {
  return token
    .replace(/^[^A-Za-z]+|[^A-Za-z0-9]+$/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

const SHAPE_NAMES: Partial<Record<VariableShapeName, string>> = {
  ip: 'ip',
  ip_port: 'address',
  uuid: 'id',
  hex: 'id',
  id: 'id',
  duration: 'duration',
  size: 'size',
  percent: 'percent',
  status_code: 'status',
  level: 'level',
  time: 'time',
  path: 'path',
  url: 'url',
  email: 'email',
  json: 'fields',
  number: 'count',
  word: 'name',
  text: 'text',
};

export interface VariableSuggestion {
  index: number;
  name: string;
  shape: VariableShapeName;
  reason: string;
}

/** A name and shape per variable: the token's key (`port=<*>`), else the word before it, else the shape. */
export function suggestVariables(p: Pick<LogPattern, 'template' | 'variables'>): VariableSuggestion[] {
  const tokens = p.template.split(' ');
  const used = new Map<string, number>();
  return p.variables.map((v) => {
    const shape = valueShape(v.values.map((x) => x.value));
    const token = tokens[v.position] ?? '';
    const prefix = token.slice(0, token.indexOf(WILDCARD));
    let name: string;
    let reason: string;
    const key = /([A-Za-z_][\w.-]*)[=:]["']?$/.exec(prefix)?.[1];
    if (key) {
      name = cleanWord(key);
      reason = `the key ${key}`;
    } else {
      const before = tokens[v.position - 1];
      const word = before && !before.includes(WILDCARD) ? cleanWord(before) : '';
      if (word && !STOPWORDS.has(word) && word.length > 1 && !/^\d/.test(word)) {
        name = shape === 'ip' || shape === 'ip_port' ? `${word}_${SHAPE_NAMES[shape]}` : word;
        reason = `the word "${before}" before it`;
      } else {
        name = SHAPE_NAMES[shape] ?? 'value';
        if ((shape === 'ip' || shape === 'ip_port') && word === 'from') name = `client_${SHAPE_NAMES[shape]}`;
        reason = `its values look like ${shape.replace('_', ' ')}`;
      }
    }
    if (shape === 'number' && /^(?:port|pid|id|uid|gid|code|status|count|size|bytes)$/.test(name))
      reason += ' (numbers)';
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return { index: v.index, name: n > 1 ? `${name}_${n}` : name, shape, reason };
  });
}

export interface SeveritySuggestion {
  variable: number;
  mapping: { match: string; severity: string }[];
}

/** A severity mapping when a variable holds level words or HTTP status codes. */
export function suggestSeverity(names: VariableSuggestion[]): SeveritySuggestion | null {
  const level = names.find((v) => v.shape === 'level');
  if (level)
    return {
      variable: level.index,
      mapping: [
        { match: '(?i)^(fatal|critical|crit|panic|alert|emerg)$', severity: 'fatal' },
        { match: '(?i)^(error|err)$', severity: 'error' },
        { match: '(?i)^warn', severity: 'warn' },
        { match: '(?i)^(info|notice)$', severity: 'info' },
        { match: '(?i)^debug$', severity: 'debug' },
        { match: '(?i)^trace$', severity: 'trace' },
      ],
    };
  const status = names.find((v) => v.shape === 'status_code');
  if (status)
    return {
      variable: status.index,
      mapping: [
        { match: '^5\\d\\d$', severity: 'error' },
        { match: '^4\\d\\d$', severity: 'warn' },
        { match: '^[123]\\d\\d$', severity: 'info' },
      ],
    };
  return null;
}

export interface PatternSuggestion {
  variables: VariableSuggestion[];
  parse: { format: 'json' | 'key_value' | 'regex'; regex: string };
  severity: SeveritySuggestion | null;
}

export function suggestForPattern(p: Pick<LogPattern, 'template' | 'variables' | 'headers'>): PatternSuggestion {
  const variables = suggestVariables(p);
  const head = p.headers[0] ?? '';
  const format = head === 'json' ? 'json' : head.split(' ').includes('logfmt') ? 'key_value' : 'regex';
  return {
    variables,
    parse: {
      format,
      regex:
        format === 'regex'
          ? parseRegex(
              p,
              variables.map((v) => v.name),
            )
          : '',
    },
    severity: suggestSeverity(variables),
  };
}
