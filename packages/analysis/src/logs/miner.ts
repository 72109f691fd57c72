// An online log template miner in the manner of Drain (He, Zhu, Zheng, Lyu: "Drain: An Online Log Parsing
// Approach with Fixed Depth Tree", ICWS 2017), written from the paper:
//   1. preprocess: strip the header (header.ts), tokenise and mask obvious variables (tokens.ts);
//   2. descend a fixed-depth tree: first by token count, then by the first `depth - 2` tokens (a token
//      with a digit or a mask goes to the `<*>` child; a node holds at most `maxChildren` children, the
//      rest share `<*>`), reaching a leaf with a short list of clusters;
//   3. pick the leaf cluster whose template is most similar (share of positions whose tokens are equal;
//      wildcard positions do not count, ties go to the template with more wildcards); at or above the
//      similarity threshold the line joins it and positions that differ become wildcards, else the line
//      starts a new cluster.
// On top of the paper: a position that differs keeps the shared `key=` / quote / bracket around the value
// (`user=<*>`), and each cluster keeps what a user needs to act on it (counts, bytes, severities, first/last
// seen, examples, the values seen at each wildcard).
import { parseHeader, type Severity, SEVERITIES } from './header.ts';
import { parseJsonLine } from './json-line.ts';
import { tokenize, WILDCARD } from './tokens.ts';
import { buildPatterns, type MineResult } from './patterns.ts';

export interface MinerOptions {
  /** Similarity threshold (share of equal tokens) for a line to join a cluster; default 0.5. */
  similarity?: number;
  /** Tree depth including the root and the length level; default 4 (two leading tokens). */
  depth?: number;
  /** Children per tree node before further tokens share the wildcard child; default 100. */
  maxChildren?: number;
  /** Example lines kept per pattern; default 3. */
  maxExamples?: number;
  /** Distinct values counted per variable before the rest are only counted; default 100. */
  maxDistinctValues?: number;
}

export const DEFAULT_MINER_OPTIONS: Required<MinerOptions> = {
  similarity: 0.5,
  depth: 4,
  maxChildren: 100,
  maxExamples: 3,
  maxDistinctValues: 100,
};

/** Values seen at one template position (raw text of the variable part). */
export interface ValueCounter {
  values: Map<string, number>;
  /** Occurrences of values beyond the distinct cap. */
  other: number;
}

export interface Cluster {
  id: number;
  tokens: string[];
  count: number;
  bytes: number;
  severities: number[];
  firstLine: number;
  lastLine: number;
  firstTime?: string;
  lastTime?: string;
  examples: string[];
  slots: (ValueCounter | undefined)[];
  headerKinds: Map<string, number>;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: number[];
}

const BINARY_TEMPLATE = '<binary data>';

/** UTF-8 length of a line, and how many of its first 512 characters are control or replacement characters. */
function measure(s: string): { bytes: number; binary: boolean } {
  let n = s.length;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32) {
      if (c !== 9 && i < 512) bad++;
    } else if (c >= 0x7f) {
      if ((c <= 0x9f || c === 0xfffd) && i < 512) bad++;
      if (c < 0x80) continue;
      if (c < 0x800) n += 1;
      else if (c >= 0xd800 && c <= 0xdbff) {
        n += 2; // a surrogate pair: 4 bytes for 2 UTF-16 units
        i++;
      } else n += 2;
    }
  }
  const checked = Math.min(s.length, 512);
  return { bytes: n, binary: checked > 0 && bad / checked > 0.3 };
}

/** A line mostly made of control characters or replacement characters (binary data, a wrong encoding). */
export function looksBinary(line: string): boolean {
  return measure(line).binary;
}

const KEY_PREFIX = /^[A-Za-z_][\w.-]*=/;

/**
 * The tree key of a leading token: the wildcard for tokens that are likely variables (fully masked, still
 * holding a digit, or a quoted value), else the token itself — a partly masked token such as `host=<*>`
 * keeps its constant part as the key, and `key=value` goes by its key.
 */
function treeKey(token: string): string {
  if (token === WILDCARD) return WILDCARD;
  const c0 = token.charCodeAt(0);
  if (c0 === 34 || c0 === 39) return WILDCARD;
  // `key=value`: the key (the value is more often a variable than not); a quoted value opens a message.
  const eq = token.indexOf('=');
  if (eq > 0 && KEY_PREFIX.test(token) && token.charCodeAt(eq + 1) !== 34) return token.slice(0, eq + 1);
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return WILDCARD;
  }
  return token;
}

/** The literal pieces between the wildcards of a partly variable token (`port=<*>,` → ['port=', ',']). */
const globCache = new Map<string, string[] | null>();
function globOf(token: string): string[] | null {
  let g = globCache.get(token);
  if (g !== undefined) return g;
  g = token.includes(WILDCARD) ? token.split(WILDCARD) : null;
  if (globCache.size > 50_000) globCache.clear();
  globCache.set(token, g);
  return g;
}

/** Whether a token fits a partly variable template token: its literal pieces, in order, prefix and suffix anchored. */
function partMatches(template: string, token: string): boolean {
  const g = globOf(template);
  if (g === null) return false;
  const first = g[0]!;
  const last = g[g.length - 1]!;
  if (token.length < first.length + last.length || !token.startsWith(first) || !token.endsWith(last)) return false;
  let at = first.length;
  const end = token.length - last.length;
  for (let i = 1; i < g.length - 1; i++) {
    const piece = g[i]!;
    const found = token.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

const OPENERS = '=:"\'([{/#@';
const CLOSERS = '"\')]},;:.';

/** The generalisation of two different tokens: the shared `key=`/quotes/brackets around a wildcard, or `<*>`. */
export function generalize(a: string, b: string): string {
  if (a === WILDCARD || b === WILDCARD) return WILDCARD;
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a[p] === b[p]) p++;
  // Cut the shared prefix back to just after an opener (never inside a word or a wildcard).
  while (p > 0 && !OPENERS.includes(a[p - 1]!)) p--;
  let s = 0;
  while (s < max - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  while (s > 0 && !CLOSERS.includes(a[a.length - s]!)) s--;
  if (p + s === 0) return WILDCARD;
  if (a.slice(0, p).includes('<*') || a.slice(a.length - s).includes('*>')) return WILDCARD;
  if (a.length <= p + s || b.length <= p + s) return WILDCARD;
  return a.slice(0, p) + WILDCARD + a.slice(a.length - s);
}

const LOGFMT_START = /^[A-Za-z_][\w.-]{0,40}=/;
const LOGFMT_MSG = /(^|\s)(?:msg|message)=("(?:[^"\\]|\\.)*"|\S+)/;

/**
 * A logfmt line (`caller=x level=info component=y msg="…" k=v`) is mined with its `msg=` pair first: the
 * message's words identify the statement, the keys before it are the same for many statements.
 */
export function logfmtMessageFirst(message: string): string {
  if (!LOGFMT_START.test(message)) return message;
  const m = LOGFMT_MSG.exec(message);
  if (!m || m.index === 0) return message;
  const start = m.index + m[1]!.length;
  const end = m.index + m[0].length;
  return `${message.slice(start, end)} ${message.slice(0, m.index)}${message.slice(end)}`;
}

export class LogMiner {
  readonly options: Required<MinerOptions>;
  readonly clusters: Cluster[] = [];
  readonly assignments: number[] = [];
  private readonly root = new Map<number, TreeNode>();
  private binaryCluster = -1;
  private lineCount = 0;
  private byteCount = 0;
  /** Lines whose mined part was cut at MAX_MINED_CHARS. */
  truncatedLines = 0;

  constructor(options: MinerOptions = {}) {
    this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
  }

  get lines(): number {
    return this.lineCount;
  }
  get bytes(): number {
    return this.byteCount;
  }

  /**
   * Adds one line; returns the index of its cluster. `meta` gives a severity and time the line's source
   * carried (OTLP records), used when the line's own header has none.
   */
  add(line: string, meta?: { severity?: Severity | undefined; time?: string | undefined }): number {
    const index = this.lineCount++;
    const { bytes, binary } = measure(line);
    this.byteCount += bytes;
    let message: string;
    let severity: Severity;
    let time: string | undefined;
    let kind: string;
    const json = line.charCodeAt(0) === 123 || line.charCodeAt(0) === 32 ? parseJsonLine(line) : undefined;
    if (json) {
      ({ message, severity, time } = json);
      kind = 'json';
    } else {
      const header = parseHeader(line);
      const rest = header.start ? line.slice(header.start) : line;
      message = logfmtMessageFirst(rest);
      severity = header.severity;
      time = header.time;
      kind = message === rest ? header.kind : header.kind ? `${header.kind} logfmt` : 'logfmt';
    }
    if (meta) {
      if (severity === 'unknown' && meta.severity) severity = meta.severity;
      if (time === undefined && meta.time !== undefined) time = meta.time;
    }
    let clusterIndex: number;
    let raw: string[];
    if (binary) {
      if (this.binaryCluster < 0) this.binaryCluster = this.newCluster([BINARY_TEMPLATE], index);
      clusterIndex = this.binaryCluster;
      raw = [];
    } else {
      if (message.length > 4096) this.truncatedLines++;
      const tokens = tokenize(message);
      raw = tokens.raw;
      clusterIndex = this.place(tokens.masked, index);
    }
    const c = this.clusters[clusterIndex]!;
    c.count++;
    c.bytes += bytes;
    c.severities[SEVERITIES.indexOf(severity)]!++;
    c.lastLine = index;
    if (time !== undefined) {
      c.firstTime ??= time;
      c.lastTime = time;
    }
    if (c.examples.length < this.options.maxExamples && !c.examples.includes(line)) c.examples.push(line);
    c.headerKinds.set(kind, (c.headerKinds.get(kind) ?? 0) + 1);
    if (raw.length) this.countValues(c, raw);
    this.assignments.push(clusterIndex);
    return clusterIndex;
  }

  /** The patterns, sorted by bytes (largest first), and each line's pattern index in that order. */
  result(): MineResult {
    return buildPatterns(this);
  }

  private newCluster(tokens: string[], line: number): number {
    const id = this.clusters.length;
    this.clusters.push({
      id,
      tokens,
      count: 0,
      bytes: 0,
      severities: SEVERITIES.map(() => 0),
      firstLine: line,
      lastLine: line,
      examples: [],
      slots: tokens.map((t) => (t.includes(WILDCARD) ? { values: new Map(), other: 0 } : undefined)),
      headerKinds: new Map(),
    });
    return id;
  }

  private leaf(masked: string[]): TreeNode {
    let node: TreeNode | undefined = this.root.get(masked.length);
    if (!node) {
      node = { children: new Map(), clusters: [] };
      this.root.set(masked.length, node);
    }
    const levels = Math.min(this.options.depth - 2, masked.length);
    for (let i = 0; i < levels; i++) {
      const token = masked[i]!;
      let key = treeKey(token);
      let child: TreeNode | undefined = node.children.get(key);
      if (!child) {
        if (key !== WILDCARD && node.children.size >= this.options.maxChildren) {
          key = WILDCARD;
          child = node.children.get(key);
        }
        if (!child) {
          child = { children: new Map(), clusters: [] };
          node.children.set(key, child);
        }
      }
      node = child;
    }
    return node;
  }

  private place(masked: string[], line: number): number {
    const leaf = this.leaf(masked);
    let best = -1;
    let bestSim = -1;
    let bestParams = -1;
    for (const ci of leaf.clusters) {
      const t = this.clusters[ci]!.tokens;
      let same = 0;
      let params = 0;
      for (let i = 0; i < t.length; i++) {
        const a = t[i]!;
        const b = masked[i]!;
        if (a === b) same++;
        else if (a === WILDCARD) params++;
        else if (partMatches(a, b)) same++;
      }
      const sim = t.length ? same / t.length : 1;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = ci;
        bestSim = sim;
        bestParams = params;
      }
    }
    if (best >= 0 && bestSim >= this.options.similarity) {
      this.merge(this.clusters[best]!, masked);
      return best;
    }
    const id = this.newCluster(masked.slice(), line);
    leaf.clusters.push(id);
    return id;
  }

  private merge(c: Cluster, masked: string[]): void {
    const t = c.tokens;
    for (let i = 0; i < t.length; i++) {
      const a = t[i]!;
      const b = masked[i]!;
      if (a === b || a === WILDCARD || partMatches(a, b)) continue;
      const g = generalize(a, b);
      if (g === a) continue;
      // The position becomes (more) variable: until now every line of the cluster had its constant text.
      if (!c.slots[i]) c.slots[i] = { values: new Map([[variablePart(g, a), c.count]]), other: 0 };
      t[i] = g;
    }
  }

  private countValues(c: Cluster, raw: string[]): void {
    const max = this.options.maxDistinctValues;
    for (let i = 0; i < c.slots.length; i++) {
      const slot = c.slots[i];
      if (!slot) continue;
      const value = variablePart(c.tokens[i]!, raw[i] ?? '');
      const n = slot.values.get(value);
      if (n !== undefined) slot.values.set(value, n + 1);
      else if (slot.values.size < max) slot.values.set(value, 1);
      else slot.other++;
    }
  }
}

/** The part of a raw token a partly variable template token leaves variable (`port=5432,` → `5432`). */
export function variablePart(template: string, raw: string): string {
  if (template === WILDCARD) return raw;
  const g = globOf(template);
  if (!g || !partMatches(template, raw)) return raw;
  return raw.slice(g[0]!.length, raw.length - g[g.length - 1]!.length);
}

/** Mines a batch of lines in one go. */
export function mineLogs(lines: readonly string[], options?: MinerOptions): MineResult {
  const miner = new LogMiner(options);
  for (const line of lines) miner.add(line);
  return miner.result();
}

/** Adds lines `from`…`to` of a sample (with the severities and times its source carried). */
export function addSampleLines(
  miner: LogMiner,
  sample: {
    lines: readonly string[];
    severities?: readonly (Severity | undefined)[];
    times?: readonly (string | undefined)[];
  },
  from: number,
  to: number,
): void {
  const meta = sample.severities || sample.times;
  for (let i = from; i < to; i++) {
    const line = sample.lines[i]!;
    if (meta) miner.add(line, { severity: sample.severities?.[i], time: sample.times?.[i] });
    else miner.add(line);
  }
}
