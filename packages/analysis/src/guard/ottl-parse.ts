// A parser for the part of OTTL (the OpenTelemetry Transformation Language, pkg/ottl of collector-contrib)
// that filter and transform processors use on metrics: boolean expressions (and, or, not, parentheses),
// comparisons, literals (strings with escapes, numbers, true/false, nil, lists, enums), paths with keys
// (`metric.name`, `attributes["x"]`, `resource.attributes["x"]`), converter calls (`IsMatch(…)`), and
// statements: an editor call with an optional `where` condition. What it cannot read is a parse error; the
// guard then reports "cannot tell" for that component instead of guessing.

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'enum'; name: string }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'path'; segments: string[]; keys: (string | number)[] }
  | { kind: 'call'; name: string; args: Expr[]; keys: (string | number)[] }
  | { kind: 'not'; expr: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr }
  | { kind: 'math'; text: string };

export interface Statement {
  editor: { name: string; args: Expr[] };
  where: Expr | null;
}

type Token =
  { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'eof' };

export class OttlSyntaxError extends Error {}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === '\\') {
          const n = src[++j];
          v += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
        } else v += src[j];
      }
      if (j >= src.length) throw new OttlSyntaxError('a string is not closed');
      out.push({ t: 'str', v });
      i = j + 1;
      continue;
    }
    const num = /^-?(\d+\.?\d*(e[+-]?\d+)?|\.\d+)/i.exec(src.slice(i));
    if (num && (c !== '-' || !/[\w)\]"]$/.test(src.slice(0, i).trimEnd()))) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|[<>()[\],.+\-*/])/.exec(src.slice(i));
    if (!op) throw new OttlSyntaxError(`unexpected "${c}"`);
    out.push({ t: 'op', v: op[0] });
    i += op[0].length;
  }
  out.push({ t: 'eof' });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isOp(v: string) {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isWord(v: string) {
    const t = this.peek();
    return t.t === 'id' && t.v === v;
  }
  private expectOp(v: string) {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw new OttlSyntaxError(`expected "${v}"`);
  }

  atEnd() {
    return this.peek().t === 'eof';
  }

  condition(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.isWord('not')) {
      this.next();
      return { kind: 'not', expr: this.not() };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.math();
    const t = this.peek();
    if (t.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.next();
      return { kind: 'compare', op: t.v as '==', left, right: this.math() };
    }
    return left;
  }

  /** Arithmetic is read but not evaluated. */
  private math(): Expr {
    const start = this.i;
    let left = this.value();
    while (this.peek().t === 'op' && ['+', '-', '*', '/'].includes((this.peek() as { v: string }).v)) {
      this.next();
      this.value();
      left = {
        kind: 'math',
        text: this.tokens
          .slice(start, this.i)
          .map((x) => ('v' in x ? x.v : ''))
          .join(' '),
      };
    }
    return left;
  }

  private keys(): (string | number)[] {
    const keys: (string | number)[] = [];
    while (this.isOp('[')) {
      this.next();
      const k = this.next();
      if (k.t !== 'str' && k.t !== 'num') throw new OttlSyntaxError('a key is a string or an integer');
      keys.push(k.v);
      this.expectOp(']');
    }
    return keys;
  }

  args(): Expr[] {
    this.expectOp('(');
    const args: Expr[] = [];
    while (!this.isOp(')')) {
      // Named arguments (`name = value`) are not used by the functions the guard reads.
      args.push(this.condition());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(')')) throw new OttlSyntaxError('expected "," or ")"');
    }
    this.next();
    return args;
  }

  value(): Expr {
    const t = this.next();
    if (t.t === 'str' || t.t === 'num') return { kind: 'literal', value: t.v };
    if (t.t === 'op' && t.v === '(') {
      const e = this.condition();
      this.expectOp(')');
      return e;
    }
    if (t.t === 'op' && t.v === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.condition());
        if (this.isOp(',')) this.next();
        else if (!this.isOp(']')) throw new OttlSyntaxError('expected "," or "]"');
      }
      this.next();
      return { kind: 'list', items };
    }
    if (t.t !== 'id') throw new OttlSyntaxError(`unexpected ${t.t === 'eof' ? 'end' : `"${(t as { v: string }).v}"`}`);
    if (t.v === 'true' || t.v === 'false') return { kind: 'literal', value: t.v === 'true' };
    if (t.v === 'nil') return { kind: 'literal', value: null };
    if (this.isOp('(')) return { kind: 'call', name: t.v, args: this.args(), keys: this.keys() };
    if (/^[A-Z][A-Z0-9_]+$/.test(t.v) && !this.isOp('.') && !this.isOp('[')) return { kind: 'enum', name: t.v };
    const segments = [t.v];
    while (this.isOp('.')) {
      this.next();
      const s = this.next();
      if (s.t !== 'id') throw new OttlSyntaxError('expected a name after "."');
      segments.push(s.v);
    }
    return { kind: 'path', segments, keys: this.keys() };
  }
}

/** Parses a condition (a filter condition, a `where` clause, a transform group condition). */
export function parseCondition(text: string): Expr {
  const p = new Parser(tokenize(text));
  const e = p.condition();
  if (!p.atEnd()) throw new OttlSyntaxError('unexpected text after the condition');
  return e;
}

/** Parses a statement: `editor(args…) [where condition]`. */
export function parseStatement(text: string): Statement {
  const tokens = tokenize(text);
  const p = new Parser(tokens);
  const head = p.value();
  if (head.kind !== 'call') throw new OttlSyntaxError('a statement starts with an editor call');
  let where: Expr | null = null;
  if (!p.atEnd()) {
    const w = p.value();
    if (w.kind !== 'path' || w.segments.join('.') !== 'where') throw new OttlSyntaxError('expected "where"');
    where = p.condition();
    if (!p.atEnd()) throw new OttlSyntaxError('unexpected text after the condition');
  }
  return { editor: { name: head.name, args: head.args }, where };
}
