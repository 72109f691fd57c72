// The form of a building block, generated from its JSON schema (GET /api/v1/blocks): one field per
// property, in schema order, with its kind (text, number, checkbox, choice, secret picker, list of rows),
// hidden while its `x-flowgate-when` condition does not hold. Pure, so it is tested without a browser.

export interface JsonSchema {
  type?: string;
  description?: string;
  anyOf?: { const?: unknown }[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  'x-flowgate-secret'?: boolean;
  'x-flowgate-when'?: Record<string, string[]>;
}

export type FieldKind = 'text' | 'number' | 'checkbox' | 'choice' | 'secret' | 'rows';

export interface FormField {
  key: string;
  label: string;
  description: string;
  kind: FieldKind;
  required: boolean;
  choices: string[];
  /** For `rows`: the fields of one row. */
  rowFields: FormField[];
  min?: number;
  max?: number;
}

const WORDS: Record<string, string> = {
  api: 'API',
  url: 'URL',
  tls: 'TLS',
  id: 'ID',
  ca: 'CA',
  otlp: 'OTLP',
  http: 'HTTP',
  grpc: 'gRPC',
};

/** `api_key_secret` → `API key secret`. */
export function labelOf(key: string): string {
  const words = key.split('_').map((w, i) => WORDS[w] ?? (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w));
  return words.join(' ');
}

function kindOf(s: JsonSchema): FieldKind {
  if (Array.isArray(s.anyOf) && s.anyOf.every((a) => 'const' in a)) return 'choice';
  if (s.type === 'boolean') return 'checkbox';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.type === 'array') return 'rows';
  if (s['x-flowgate-secret']) return 'secret';
  return 'text';
}

export function fieldsOf(schema: JsonSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, s]) => {
    const kind = kindOf(s);
    return {
      key,
      label: labelOf(key),
      description: s.description ?? '',
      kind,
      required: required.has(key),
      choices: kind === 'choice' ? (s.anyOf ?? []).map((a) => String(a.const)) : [],
      rowFields: kind === 'rows' && s.items ? fieldsOf(s.items) : [],
      ...(s.minimum !== undefined ? { min: s.minimum } : {}),
      ...(s.maximum !== undefined ? { max: s.maximum } : {}),
    };
  });
}

/** Whether a field applies to the configuration as it stands. */
export function isVisible(schema: JsonSchema, key: string, config: Record<string, unknown>): boolean {
  const cond = schema.properties?.[key]?.['x-flowgate-when'];
  if (!cond) return true;
  return Object.entries(cond).every(([other, values]) => values.includes(String(config[other] ?? '')));
}

/** What is sent: fields that apply, without empty optional values. */
export function cleanConfig(schema: JsonSchema, config: Record<string, unknown>): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!(key in (schema.properties ?? {}))) continue;
    if (!isVisible(schema, key, config)) continue;
    if ((value === '' || value === undefined || value === null) && !required.has(key)) continue;
    out[key] = value;
  }
  return out;
}

/** Problems grouped by the top-level field they concern (`headers[1].secret` → `headers`). */
export function problemsByPath<T extends { path: string }>(problems: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const p of problems) {
    const top = p.path.replace(/[.[].*$/, '');
    out.set(top, [...(out.get(top) ?? []), p]);
  }
  return out;
}
