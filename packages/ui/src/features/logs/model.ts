// The log studio's actions: what a user picks for a pattern, as the log building blocks the server renders
// (config-model/src/blocks/logs). Pure functions over the patterns the API returned.
import type { BlockInstance, LogSeverity } from '@flowgate/config-model';
import type { LogPattern } from '../../lib/api/types.ts';

export type ActionKind = 'drop' | 'sample' | 'min_severity' | 'parse' | 'set_severity' | 'redact' | 'to_metric';

export interface StudioAction {
  /** One action per kind and pattern: choosing again replaces it. */
  key: string;
  kind: ActionKind;
  patternId: string | null;
  template: string | null;
  summary: string;
  block: BlockInstance;
}

export const ACTION_LABELS: Record<ActionKind, string> = {
  drop: 'Drop',
  sample: 'Sample',
  min_severity: 'Keep only above a severity',
  parse: 'Parse into attributes',
  set_severity: 'Set severity from a variable',
  redact: 'Redact',
  to_metric: 'Turn into a metric',
};

type PatternLike = Pick<LogPattern, 'id' | 'template' | 'match' | 'parse_regex' | 'variables' | 'headers'>;

export function patternRef(p: PatternLike) {
  return { id: p.id, template: p.template, match: p.match };
}

/** The named groups of a parse regex: the n-th is the n-th variable. */
const GROUP = /\(\?P<([A-Za-z0-9_]+)>/g;

/** The parse regex with only the chosen variables as named groups (renamed), the others non-capturing. */
export function regexWithGroups(parseRegex: string, keep: ReadonlyMap<number, string>): string {
  let i = -1;
  return parseRegex.replace(GROUP, () => {
    i++;
    const name = keep.get(i);
    return name ? `(?P<${name}>` : '(?:';
  });
}

/** Offset just past the group that opens at `open` (escapes and character classes respected). */
function groupEnd(re: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return re.length;
}

/**
 * A regex whose group 1 is everything before variable `index` and group 2 the text after it up to the next
 * variable, so replacing with "$1****$2" masks the variable (the redact block's per-variable form). Empty
 * when there is no parse regex.
 */
export function variableRedactRegex(parseRegex: string, index: number): string {
  if (!parseRegex) return '';
  const matches = [...parseRegex.matchAll(GROUP)];
  const m = matches[index];
  if (!m || m.index === undefined) return '';
  const end = groupEnd(parseRegex, m.index);
  const body = parseRegex.slice(m.index + m[0].length, end - 1);
  const before = parseRegex.slice(0, m.index).replace(GROUP, '(?:');
  const next = matches[index + 1]?.index ?? parseRegex.length;
  const after = parseRegex.slice(end, next);
  return `(${before})${body}(${after})`;
}

const slug = (text: string) =>
  text
    .replace(/<\*>/g, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .split('_')
    .filter(Boolean)
    .slice(0, 3)
    .join('_') || 'pattern';

/** Variables worth a metric attribute: few distinct values (status codes, levels, names), not ids or numbers. */
export function lowCardinalityVariables(p: PatternLike): number[] {
  return p.variables
    .filter(
      (v) =>
        !v.distinct_capped &&
        v.distinct <= 20 &&
        !['number', 'id', 'uuid', 'hex', 'time', 'duration', 'size'].includes(v.shape),
    )
    .map((v) => v.index);
}

export interface ActionOptions {
  oneIn?: number;
  severity?: LogSeverity;
  /** Variable index (set_severity, redact). */
  variable?: number;
  /** Variable indexes that become metric attributes (to_metric). */
  attributes?: number[];
  /** Names for the variables (accepted suggestions), by index. */
  names?: Record<number, string>;
  /** A severity mapping (an accepted suggestion) for set_severity. */
  mapping?: { match: string; severity: string }[];
}

function nameOf(p: PatternLike, index: number, names?: Record<number, string>): string {
  return (names?.[index] ?? p.variables[index]?.name ?? `var${index}`).replace(/[^A-Za-z0-9_]/g, '_');
}

function parseRegexWithNames(p: PatternLike, names?: Record<number, string>): string {
  if (!names) return p.parse_regex;
  return regexWithGroups(p.parse_regex, new Map(p.variables.map((v) => [v.index, nameOf(p, v.index, names)])));
}

export function buildAction(kind: ActionKind, p: PatternLike, opts: ActionOptions = {}): StudioAction {
  const ref = patternRef(p);
  const id = `${kind}_${p.id}`;
  const base = { key: id, kind, patternId: p.id, template: p.template };
  switch (kind) {
    case 'drop':
      return {
        ...base,
        summary: 'Drop every line',
        block: { type: 'logs.filter', id, config: { rules: [{ patterns: [ref] }] } },
      };
    case 'sample': {
      const oneIn = opts.oneIn ?? 10;
      return {
        ...base,
        summary: `Keep 1 line in ${oneIn}`,
        block: { type: 'logs.sample', id, config: { patterns: [ref], one_in: oneIn } },
      };
    }
    case 'min_severity': {
      const severity = opts.severity ?? 'warn';
      return {
        ...base,
        summary: `Keep only ${severity} and above`,
        block: { type: 'logs.min_severity', id, config: { severity, patterns: [ref] } },
      };
    }
    case 'parse': {
      const head = p.headers[0] ?? '';
      const format = head === 'json' ? 'json' : head.split(' ').includes('logfmt') ? 'key_value' : 'regex';
      return {
        ...base,
        summary:
          format === 'regex'
            ? `Parse ${p.variables.map((v) => nameOf(p, v.index, opts.names)).join(', ') || 'nothing'}`
            : `Parse as ${format === 'json' ? 'JSON' : 'key=value'}`,
        block: {
          type: 'logs.parse',
          id,
          config: {
            format,
            patterns: [ref],
            ...(format === 'regex' ? { regex: parseRegexWithNames(p, opts.names) } : {}),
          },
        },
      };
    }
    case 'set_severity': {
      const v = opts.variable ?? p.variables.findIndex((x) => x.shape === 'level' || x.shape === 'status_code');
      const variable = p.variables[v];
      const status = variable?.shape === 'status_code';
      const mapping = opts.mapping?.length
        ? opts.mapping
        : status
          ? [
              { match: '^5\\d\\d$', severity: 'error' },
              { match: '^4\\d\\d$', severity: 'warn' },
              { match: '^[123]\\d\\d$', severity: 'info' },
            ]
          : [
              { match: '(?i)^(fatal|critical|crit|panic)$', severity: 'fatal' },
              { match: '(?i)^(error|err)$', severity: 'error' },
              { match: '(?i)^warn', severity: 'warn' },
              { match: '(?i)^(info|notice)$', severity: 'info' },
              { match: '(?i)^debug$', severity: 'debug' },
            ];
      return {
        ...base,
        summary: `Severity from ${variable ? nameOf(p, v, opts.names) : 'a variable'}${status ? ' (HTTP status)' : ''}`,
        block: {
          type: 'logs.set_severity',
          id,
          config: {
            patterns: [ref],
            regex: regexWithGroups(p.parse_regex, new Map([[Math.max(v, 0), 'level']])),
            mapping,
          },
        },
      };
    }
    case 'redact': {
      const v = opts.variable ?? 0;
      return {
        ...base,
        key: `${id}_${v}`,
        summary: `Mask ${nameOf(p, v, opts.names)}`,
        block: {
          type: 'logs.redact',
          id: `${id}_${v}`,
          config: {
            kinds: [],
            variables: [
              { pattern: ref, regex: variableRedactRegex(p.parse_regex, v), label: nameOf(p, v, opts.names) },
            ],
          },
        },
      };
    }
    case 'to_metric': {
      const attrs = opts.attributes ?? lowCardinalityVariables(p);
      const keep = new Map(attrs.map((i) => [i, nameOf(p, i, opts.names)]));
      return {
        ...base,
        summary: `Count as log.pattern.${slug(p.template)}${attrs.length ? ` by ${[...keep.values()].join(', ')}` : ''}, drop the lines`,
        block: {
          type: 'logs.to_metric',
          id,
          config: {
            pattern: ref,
            metric: `log.pattern.${slug(p.template)}`,
            description: `Lines of the log pattern: ${p.template}`,
            ...(attrs.length && p.parse_regex ? { regex: regexWithGroups(p.parse_regex, keep) } : {}),
            drop_lines: true,
          },
        },
      };
    }
  }
}

/** An org-wide action: mask common secrets and personal data in every line. */
export function redactEverywhere(): StudioAction {
  return {
    key: 'redact_all',
    kind: 'redact',
    patternId: null,
    template: null,
    summary: 'Mask e-mails, card numbers, bearer tokens, JWTs, cloud keys and password parameters in every line',
    block: {
      type: 'logs.redact',
      id: 'redact_all',
      config: { kinds: ['email', 'credit_card', 'bearer_token', 'jwt', 'aws_access_key', 'password_param'] },
    },
  };
}

/** Adds or replaces (same key) an action; the order of first choice is kept. */
export function upsertAction(actions: StudioAction[], action: StudioAction): StudioAction[] {
  const at = actions.findIndex((a) => a.key === action.key);
  if (at < 0) return [...actions, action];
  return actions.map((a, i) => (i === at ? action : a));
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const abs = Math.abs(n);
  if (abs < 1000) return `${Math.round(n)} B`;
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units)
    if (abs >= size) return `${(n / size).toFixed(n / size >= 100 ? 0 : 1).replace(/\.0$/, '')} ${unit}`;
  return `${n} B`;
}

export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (Math.abs(n) >= 100) return `$${Math.round(n).toLocaleString('en')}`;
  return `$${n.toFixed(2)}`;
}
