// The miner's output: patterns sorted by bytes with everything a user needs to decide what to do with
// each (share of volume, severities, first/last seen, examples, the values of each variable).
import { SEVERITIES, type Severity } from './header.ts';
import type { LogMiner } from './miner.ts';
import { WILDCARD } from './tokens.ts';

export const VALUES_SHOWN = 10;

export interface VariableValue {
  value: string;
  count: number;
}

export interface PatternVariable {
  /** 0-based number of the variable in the template (the n-th wildcard). */
  index: number;
  /** Token position in the template. */
  position: number;
  /** The template token holding it (`<*>`, `port=<*>`). */
  token: string;
  /** Distinct values seen (a lower bound when `distinct_capped`). */
  distinct: number;
  distinct_capped: boolean;
  /** The most frequent values with their counts. */
  values: VariableValue[];
}

export interface SeenAt {
  /** 0-based index of the line in the sample. */
  line: number;
  /** The line's own timestamp text, when its header had one. */
  time?: string;
}

export interface LogPattern {
  /** Stable id derived from the template text. */
  id: string;
  template: string;
  count: number;
  bytes: number;
  /** Share of the sample's bytes (0–1). */
  share: number;
  /** Lines per severity (only severities seen). */
  severities: Partial<Record<Severity, number>>;
  first_seen: SeenAt;
  last_seen: SeenAt;
  examples: string[];
  variables: PatternVariable[];
  /** The header shapes seen before the message (`iso8601 pid level`, `syslog`, `json`, '' for none). */
  headers: string[];
}

export interface MineResult {
  patterns: LogPattern[];
  /** For each input line, the index of its pattern in `patterns`. */
  assignments: number[];
  lines: number;
  bytes: number;
  /** Lines longer than the mined prefix (their bytes still count in full). */
  truncated_lines: number;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable id for a template. */
export function templateId(template: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < template.length; i++) {
    h ^= template.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return 'p' + (h >>> 0).toString(16).padStart(8, '0');
}

export function buildPatterns(miner: LogMiner): MineResult {
  const live = miner.clusters.filter((c) => c.count > 0);
  const order = live.slice().sort((a, b) => b.bytes - a.bytes || b.count - a.count || a.id - b.id);
  const indexOf = new Map<number, number>();
  order.forEach((c, i) => indexOf.set(c.id, i));
  const total = miner.bytes;
  const usedIds = new Set<string>();
  const patterns = order.map((c): LogPattern => {
    const template = c.tokens.join(' ');
    let id = templateId(template);
    for (let n = 2; usedIds.has(id); n++) id = templateId(`${template}#${n}`);
    usedIds.add(id);
    const severities: Partial<Record<Severity, number>> = {};
    SEVERITIES.forEach((s, i) => {
      if (c.severities[i]) severities[s] = c.severities[i];
    });
    const variables: PatternVariable[] = [];
    c.tokens.forEach((token, position) => {
      const slot = c.slots[position];
      if (!token.includes(WILDCARD) || !slot) return;
      const values = [...slot.values.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, VALUES_SHOWN)
        .map(([value, count]) => ({ value, count }));
      variables.push({
        index: variables.length,
        position,
        token,
        distinct: slot.values.size + (slot.other ? 1 : 0),
        distinct_capped: slot.other > 0,
        values,
      });
    });
    return {
      id,
      template,
      count: c.count,
      bytes: c.bytes,
      share: total ? c.bytes / total : 0,
      severities,
      first_seen: { line: c.firstLine, ...(c.firstTime !== undefined ? { time: c.firstTime } : {}) },
      last_seen: { line: c.lastLine, ...(c.lastTime !== undefined ? { time: c.lastTime } : {}) },
      examples: c.examples.slice(),
      variables,
      headers: [...c.headerKinds.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k),
    };
  });
  const assignments = miner.assignments.map((ci) => indexOf.get(ci)!);
  return { patterns, assignments, lines: miner.lines, bytes: total, truncated_lines: miner.truncatedLines };
}
