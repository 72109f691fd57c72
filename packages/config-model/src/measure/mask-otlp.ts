// Masks credentials in telemetry samples (OTLP/JSON) before they are shown: a snapshot of real records can
// carry an Authorization header copied into an attribute, an API key in a log line, a password in a URL.
// The same key rule as configurations (isCredentialKey), plus patterns for secrets inside free text.
import { isCredentialKey, MASK } from '../collector/mask.ts';

/** A credential-looking token: long enough and not a plain lowercase word (`Basic authentication`). */
const looksLikeToken = (t: string) => t.length >= 8 && /[0-9A-Z+/=_.-]/.test(t.slice(1));

/** Secrets written inside text: `api_key=…`, `"password": "…"`, `Bearer …`, credentials in URLs, AWS keys. */
const TEXT_PATTERNS: [RegExp, (...m: string[]) => string][] = [
  [
    new RegExp(
      '((?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|client[_-]?secret|' +
        'private[_-]?key|authorization|credentials?|dd-api-key|x-api-key|session[_-]?id)' +
        '["\']?\\s*[:=]\\s*["\']?)((?:(?:Bearer|Basic)\\s+)?[^\\s"\'&,;}]+)',
      'gi',
    ),
    (_m, key) => `${key}${MASK}`,
  ],
  [/\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=-]+)/gi, (m, scheme, t) => (looksLikeToken(t) ? `${scheme} ${MASK}` : m)],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, (_m, head) => `${head}${MASK}@`],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, () => MASK],
];

/** A string with every credential-looking part and every known secret value (4+ characters) masked. */
export function maskSecretsInText(text: string, knownSecretValues: readonly string[] = []): string {
  let out = text;
  for (const v of knownSecretValues) if (v.length >= 4 && out.includes(v)) out = out.split(v).join(MASK);
  for (const [re, replacement] of TEXT_PATTERNS) out = out.replace(re, replacement as (...m: string[]) => string);
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** An OTLP AnyValue whose every scalar is masked (the value of a credential key). */
function maskedAnyValue(value: Json): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? { stringValue: MASK } : MASK;
}

function walk(node: Json, known: readonly string[]): Json {
  if (typeof node === 'string') return maskSecretsInText(node, known);
  if (Array.isArray(node)) return node.map((n) => walk(n, known));
  if (!node || typeof node !== 'object') return node;
  // A KeyValue (attribute, kvlist entry): a credential key hides its whole value.
  if (typeof node.key === 'string' && 'value' in node && isCredentialKey(node.key))
    return { ...node, value: maskedAnyValue(node.value as Json) };
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    // Identifiers and encodings are not free text: a trace id never holds a password.
    if (k === 'traceId' || k === 'spanId' || k === 'parentSpanId' || k === 'bytesValue') out[k] = v;
    else out[k] = walk(v, known);
  }
  return out;
}

/**
 * A copy of an OTLP/JSON document (ExportLogsServiceRequest, metrics or traces alike) with credentials
 * masked: values of attributes whose key names a credential, and secrets inside any string (log bodies,
 * attribute values, span names).
 */
export function maskOtlpJson<T>(otlp: T, knownSecretValues: readonly string[] = []): T {
  const known = [...knownSecretValues].sort((a, b) => b.length - a.length);
  return walk(otlp as Json, known) as T;
}
