// Regular expressions generated from a mined pattern, in the collector's dialect (Go RE2: no look-around,
// named groups as (?P<name>…)): the regexes that together select a pattern's lines (for filter, sample,
// count conditions), a parsing regex with one named group per variable, and a regex for masking one
// variable while keeping the text before it.
import type { LogPattern } from './patterns.ts';
import { WILDCARD } from './tokens.ts';

type PatternShape = Pick<LogPattern, 'template' | 'headers' | 'variables'>;

const SPECIAL = /[\\.^$|?*+()[\]{}]/g;

/** A literal in a regex: special characters escaped, runs of whitespace as \s+. */
export function escapeLiteral(text: string, json = false): string {
  const escaped = text.replace(SPECIAL, '\\$&').replace(/\s+/g, '\\s+');
  // Inside a JSON string a quote is written \" — accept both.
  return json ? escaped.replace(/"/g, '\\\\?"') : escaped;
}

/** A group name RE2 accepts (letters, digits, underscore). */
export function groupName(name: string): string {
  const n = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
  return n || 'value';
}

/** Where the message starts: at the line start when no line of the pattern had a header, else after a space. */
function anchor(p: PatternShape): string {
  return p.headers.every((h) => h === '') ? '^\\s*' : '(?:^|\\s)';
}

function kindOf(p: PatternShape): 'json' | 'logfmt' | 'plain' {
  const h = p.headers[0] ?? '';
  if (h === 'json') return 'json';
  if (h.split(' ').includes('logfmt')) return 'logfmt';
  return 'plain';
}

/** Whether any value of the variable at token `position` has whitespace in it (a quoted multi-word value). */
function spans(p: PatternShape, position: number): boolean {
  const v = p.variables.find((x) => x.position === position);
  return !v || v.values.some((x) => /\s/.test(x.value));
}

/**
 * The template as a regex body: literals escaped, each variable as `group(i)` — a named group, or a plain
 * `\S+?` / `.*?` (a value with spaces) when `group` returns undefined.
 */
function templateRegex(p: PatternShape, group: (index: number) => string | undefined, json = false): string {
  const tokens = p.template.split(' ');
  let variable = 0;
  const parts: string[] = [];
  tokens.forEach((token, position) => {
    if (!token.includes(WILDCARD)) {
      parts.push(escapeLiteral(token, json));
      return;
    }
    const pieces = token.split(WILDCARD);
    const prefix = pieces[0]!;
    const suffix = pieces[pieces.length - 1]!;
    const name = group(variable++);
    let body: string;
    if (spans(p, position)) body = '.*?';
    else if (pieces.length > 2)
      body =
        pieces
          .slice(1, -1)
          .map((m) => `\\S*?${escapeLiteral(m, json)}`)
          .join('') + '\\S*?';
    else body = prefix || suffix ? '\\S*?' : '\\S+';
    parts.push(`${escapeLiteral(prefix, json)}${name ? `(?P<${name}>${body})` : body}${escapeLiteral(suffix, json)}`);
  });
  return parts.join('\\s+');
}

/** Regexes that must all match a line of the pattern (RE2). */
export function patternMatchers(p: PatternShape): string[] {
  const kind = kindOf(p);
  if (kind === 'json') return [templateRegex(p, () => undefined, true)];
  if (kind === 'logfmt') {
    // The miner put msg="…" first; in the line it sits anywhere, so each part is matched on its own.
    const tokens = p.template.split(' ');
    let end = 0;
    if (tokens[0]?.match(/^(?:msg|message)="/) && !/"[,.)]*$/.test(tokens[0].slice(tokens[0].indexOf('"') + 1)))
      while (end < tokens.length - 1 && !/"$/.test(tokens[end]!)) end++;
    const msg = tokens.slice(0, end + 1).join(' ');
    const out = [`(?:^|\\s)${templateRegex({ ...p, template: msg }, () => undefined)}`];
    for (const token of tokens.slice(end + 1)) {
      if (out.length >= 5) break;
      if (!token.includes(WILDCARD) && /^[\w.-]+=/.test(token)) out.push(`(?:^|\\s)${escapeLiteral(token)}(?:\\s|$)`);
    }
    return out;
  }
  return [`${anchor(p)}${templateRegex(p, () => undefined)}\\s*$`];
}

/**
 * A regex with a named group per variable (names given by index, made RE2-safe and unique), matching the
 * message wherever the header puts it. Empty for logfmt and JSON lines: parse those as key=value or JSON.
 */
export function parseRegex(p: PatternShape, names: string[]): string {
  if (kindOf(p) !== 'plain') return '';
  const used = new Set<string>();
  const unique = names.map((n, i) => {
    let name = groupName(n || `var${i}`);
    for (let k = 2; used.has(name); k++) name = `${groupName(n)}_${k}`;
    used.add(name);
    return name;
  });
  return `${anchor(p)}${templateRegex(p, (i) => unique[i] ?? `var${i}`)}\\s*$`;
}

/**
 * A regex whose group 1 is the text before variable `index` (its token's prefix, or the word before) and
 * whose match ends with the variable: replacing with `$1****` masks the variable and keeps the rest.
 */
export function variableRedactRegex(p: PatternShape, index: number): string {
  const tokens = p.template.split(' ');
  let variable = -1;
  for (let position = 0; position < tokens.length; position++) {
    const token = tokens[position]!;
    if (!token.includes(WILDCARD)) continue;
    if (++variable !== index) continue;
    const prefix = token.slice(0, token.indexOf(WILDCARD));
    const suffix = token.slice(token.lastIndexOf(WILDCARD) + WILDCARD.length);
    const before = position > 0 && !tokens[position - 1]!.includes(WILDCARD) ? tokens[position - 1]! : '';
    const context = prefix ? escapeLiteral(prefix) : before ? `(?:^|\\s)${escapeLiteral(before)}\\s+` : '';
    if (!context) return '';
    const stop = suffix ? `[^\\s${suffix[0]!.replace(SPECIAL, '\\$&')}]+` : '\\S+';
    return prefix && before
      ? `(${`(?:^|\\s)${escapeLiteral(before)}\\s+`}${escapeLiteral(prefix)})${stop}`
      : `(${context})${stop}`;
  }
  return '';
}
