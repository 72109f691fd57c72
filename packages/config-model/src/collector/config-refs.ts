// `${scheme:value}` references inside a collector configuration. The collector resolves env, file,
// http(s) and yaml itself (confmap providers); Flowgate adds `${secret:NAME}`, resolved by the control
// plane only in the configuration it sends to a gateway.
import { parseDocument, visit, isPair, isScalar } from 'yaml';

export const SECRET_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Schemes the gateway collector's providers understand, plus Flowgate's own `secret`. */
export const knownProviderSchemes = ['env', 'file', 'http', 'https', 'yaml', 'secret'] as const;

export interface ConfigRef {
  /** The full text, e.g. `${secret:DD_API_KEY}`. */
  text: string;
  /** `env` for the bare `${NAME}` form (the collector's default scheme). */
  scheme: string;
  value: string;
  index: number;
}

const REF_RE = /\$\{([^}]*)\}/g;

/** Every `${…}` reference in a string; `$${…}` (the collector's escape) is skipped. */
export function configRefs(text: string): ConfigRef[] {
  const out: ConfigRef[] = [];
  for (const m of text.matchAll(REF_RE)) {
    const index = m.index ?? 0;
    if (index > 0 && text[index - 1] === '$') continue;
    const inner = m[1]!;
    const colon = inner.indexOf(':');
    const scheme = colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(inner.slice(0, colon)) ? inner.slice(0, colon) : 'env';
    out.push({
      text: m[0],
      scheme,
      value: colon > 0 && scheme !== 'env' ? inner.slice(colon + 1) : inner.replace(/^env:/, ''),
      index,
    });
  }
  return out;
}

/** Names referenced as `${secret:NAME}` anywhere in the text. */
export function secretNamesIn(text: string): string[] {
  return [
    ...new Set(
      configRefs(text)
        .filter((r) => r.scheme === 'secret')
        .map((r) => r.value),
    ),
  ];
}

/**
 * Replaces references in scalar values, YAML-aware: the replacement becomes part of the scalar's value
 * and is quoted as YAML needs, so a value containing `: ` or a newline can never change the structure.
 * `replace` returns the new text for a reference (it is told the map key the value sits under), or
 * null to keep it. Text that is not YAML is replaced verbatim.
 */
export function replaceConfigRefs(
  yamlText: string,
  replace: (ref: ConfigRef, key: string | null) => string | null,
): string {
  const swap = (s: string, key: string | null) => {
    let out = '';
    let last = 0;
    for (const ref of configRefs(s)) {
      const next = replace(ref, key);
      if (next === null) continue;
      out += s.slice(last, ref.index) + next;
      last = ref.index + ref.text.length;
    }
    return last === 0 ? s : out + s.slice(last);
  };
  if (!yamlText.includes('${')) return yamlText;
  const doc = parseDocument(yamlText);
  if (doc.errors.length) return swap(yamlText, null);
  let changed = false;
  visit(doc, {
    Scalar(key, node, path) {
      if (key === 'key' || !isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const parent = path[path.length - 1];
      const mapKey = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : null;
      const next = swap(node.value, mapKey);
      if (next !== node.value) {
        node.value = next;
        changed = true;
      }
    },
  });
  return changed ? doc.toString() : yamlText;
}
