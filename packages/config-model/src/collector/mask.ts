// Masks credentials in a collector config shown back to users (effective configs, API, UI, logs).
// Key-based: any scalar under a key that names a credential is replaced, as are Authorization headers
// (also in name/value form).
import { parseDocument, isMap, isScalar, isSeq, type Node } from 'yaml';

export const MASK = '***';
const CREDENTIAL_KEY = new RegExp(
  '(pass(word)?|secret|token|api[_-]?key|apikey|credentials?|private[_-]?key|authorization|bearer|' +
    'client[_-]?secret|access[_-]?key|x-api-key|dd-api-key)$',
  'i',
);

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key);
}

/** Replaces every occurrence of a known secret value inside a scalar's text. */
function maskKnown(value: string, known: string[]): string {
  let out = value;
  for (const v of known) if (out.includes(v)) out = out.split(v).join(MASK);
  return out;
}

function walk(node: Node | null | undefined, underCredential: boolean, known: string[]): void {
  if (!node) return;
  if (isMap(node)) {
    // A header given as a name/value pair (e.g. the own-metrics reader's
    // `headers: [{name: Authorization, value: Bearer …}]` in a collector's effective config).
    const named = node.items.find((p) => isScalar(p.key) && ['name', 'key'].includes(String(p.key.value)));
    const namesCredential = !!named && isScalar(named.value) && isCredentialKey(String(named.value.value ?? ''));
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const cred = underCredential || isCredentialKey(key) || (namesCredential && key === 'value');
      if (isScalar(pair.value)) {
        if (
          cred &&
          pair.value.value !== null &&
          pair.value.value !== '' &&
          !/^\$\{(secret|env):/.test(String(pair.value.value))
        )
          pair.value.value = MASK;
        else if (typeof pair.value.value === 'string') pair.value.value = maskKnown(pair.value.value, known);
      } else walk(pair.value as Node, cred, known);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if (isScalar(item)) {
        if (underCredential) item.value = MASK;
        else if (typeof item.value === 'string') item.value = maskKnown(item.value, known);
      } else walk(item as Node, underCredential, known);
    }
  }
}

/**
 * Returns the YAML with credential values masked, and every known secret value (4+ characters)
 * masked wherever it appears in a scalar. Known values are replaced inside the parsed scalars, not
 * in the raw text: `***` written into YAML text would read as an alias. Text that does not parse is
 * masked line by line.
 */
export function maskCredentials(yamlText: string, knownSecretValues: string[] = []): string {
  const known = knownSecretValues.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  const doc = parseDocument(yamlText);
  if (doc.errors.length)
    return maskKnown(yamlText, known).replace(
      /((?:pass(?:word)?|secret|token|api[_-]?key|authorization)\s*:\s*)\S.*$/gim,
      `$1${MASK}`,
    );
  walk(doc.contents as Node, false, known);
  return doc.toString();
}
