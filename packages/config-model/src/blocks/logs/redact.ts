// logs.redact — mask sensitive values before they leave the gateway: e-mail addresses, card numbers, IP
// addresses, bearer tokens, JWTs, cloud keys, password parameters and custom patterns anywhere in the body
// and attributes (redaction processor, which masks string bodies and attribute values since v0.1xx), and
// chosen variables of chosen patterns (transform processor, replace_pattern).
import { Type, type Static } from '@sinclair/typebox';
import type { BlockProblem, BlockType } from '../types.ts';
import { ottlString, PatternRef, patternCondition, patternProblems, Regex, regexProblems } from './common.ts';

/** What each kind masks, as Go RE2 regexes (no look-around: RE2 has none). */
export const REDACT_KINDS = {
  email: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}',
  credit_card: '\\b(?:\\d[ -]?){12,18}\\d\\b',
  ipv4: '\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b',
  ipv6: '\\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\\b|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}',
  bearer_token: '(?i)bearer\\s+[A-Za-z0-9._~+/-]+=*',
  jwt: 'eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+',
  aws_access_key: '\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b',
  password_param: '(?i)(?:password|passwd|pwd|secret|token|api[_-]?key)=[^\\s&,;"]+',
} as const;
export type RedactKind = keyof typeof REDACT_KINDS;
export const REDACT_KIND_NAMES = Object.keys(REDACT_KINDS) as RedactKind[];

/** Capturing groups of a regex: `(` not escaped, not `(?…`, outside character classes. */
export function captureGroups(re: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
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
    else if (c === '(' && re[i + 1] !== '?') n++;
  }
  return n;
}

const VariableRedaction = Type.Object(
  {
    pattern: PatternRef,
    regex: Type.String({
      minLength: 1,
      maxLength: 4000,
      description: 'Matches the variable; group 1 (the text before it) and group 2, if any (after it), are kept',
    }),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

const RedactConfig = Type.Object(
  {
    kinds: Type.Array(Type.Union(REDACT_KIND_NAMES.map((k) => Type.Literal(k))), {
      maxItems: REDACT_KIND_NAMES.length,
    }),
    custom: Type.Optional(Type.Array(Regex, { maxItems: 50 })),
    variables: Type.Optional(Type.Array(VariableRedaction, { maxItems: 50 })),
    replacement: Type.Optional(Type.String({ maxLength: 32, default: '****' })),
  },
  { additionalProperties: false },
);
type RedactConfig = Static<typeof RedactConfig>;

export const logsRedactBlock: BlockType<typeof RedactConfig> = {
  type: 'logs.redact',
  category: 'logs',
  title: 'Redact values',
  description:
    'Mask e-mail addresses, card numbers, IP addresses, bearer tokens, JWTs, cloud keys, password parameters or ' +
    'custom patterns in bodies and attributes (redaction processor), and chosen variables of chosen patterns ' +
    '(transform processor).',
  signals: ['logs'],
  schema: RedactConfig,
  defaults: () => ({ kinds: ['email', 'credit_card', 'bearer_token', 'jwt', 'aws_access_key', 'password_param'] }),
  validate(config) {
    const problems: BlockProblem[] = [];
    if (!config.kinds.length && !config.custom?.length && !config.variables?.length)
      problems.push({ path: 'kinds', code: 'REQUIRED', message: 'Choose at least one kind, custom regex or variable' });
    if (new Set(config.kinds).size !== config.kinds.length)
      problems.push({ path: 'kinds', code: 'INVALID_VALUE', message: 'A kind is listed twice' });
    config.custom?.forEach((re, i) => problems.push(...regexProblems(re, `custom[${i}]`)));
    config.variables?.forEach((v, i) => {
      problems.push(...patternProblems(v.pattern, `variables[${i}].pattern`));
      problems.push(...regexProblems(v.regex, `variables[${i}].regex`));
      if (!/\((?!\?)/.test(v.regex))
        problems.push({
          path: `variables[${i}].regex`,
          code: 'INVALID_VALUE',
          message: 'The regex needs a group (…) around the text kept before the variable',
        });
    });
    if (config.replacement?.includes('$'))
      problems.push({ path: 'replacement', code: 'INVALID_VALUE', message: 'The replacement may not contain "$"' });
    return problems;
  },
  render(config, _ctx, id) {
    const processors: Record<string, unknown> = {};
    const names: string[] = [];
    const blocked = [...config.kinds.map((k) => REDACT_KINDS[k]), ...(config.custom ?? [])];
    if (blocked.length) {
      const name = `redaction/${id}`;
      processors[name] = { allow_all_keys: true, blocked_values: blocked, summary: 'silent' };
      names.push(name);
    }
    if (config.variables?.length) {
      const replacement = config.replacement ?? '****';
      // `$$1` is `$1` once the collector's configuration resolver has unescaped `$$`.
      const statements = config.variables.map((v) => {
        const keep = captureGroups(v.regex) >= 2 ? `$$1${replacement}$$2` : `$$1${replacement}`;
        return `replace_pattern(body, ${ottlString(v.regex)}, ${ottlString(keep)}) where ${patternCondition(v.pattern)}`;
      });
      const name = `transform/${id}_variables`;
      processors[name] = { error_mode: 'ignore', log_statements: [{ context: 'log', statements }] };
      names.push(name);
    }
    return { processors, pipelines: { logs: { processors: names } } };
  },
};
