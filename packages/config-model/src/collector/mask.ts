// Masks credentials in a collector config shown back to users (effective configs, API, UI, logs).
// Key-based: any scalar under a key that names a credential is replaced, as are Authorization headers
// (also in name/value form).
import { parseDocument, isMap, isScalar, isSeq, type Node } from 'yaml';

export const MASK = '***';
const CREDENTIAL_KEY = /(pass(word)?|secret|token|api[_-]?key|apikey|credentials?|private[_-]?key|authorization|bearer|client[_-]?secret|access[_-]?key|x-api-key|dd-api-key)$/i;

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key);
}

function walk(node: Node | null | undefined, underCredential: boolean): void {
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
        if (cred && pair.value.value !== null && pair.value.value !== '' && !/^\$\{(secret|env):/.test(String(pair.value.value))) pair.value.value = MASK;
      } else walk(pair.value as Node, cred);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if (isScalar(item)) {
        if (underCredential) item.value = MASK;
      } else walk(item as Node, underCredential);
    }
  }
}

/** Returns the YAML with credential values masked; text that does not parse is returned fully masked. */
export function maskCredentials(yamlText: string, knownSecretValues: string[] = []): string {
  let text = yamlText;
  for (const v of knownSecretValues) if (v.length >= 4) text = text.split(v).join(MASK);
  const doc = parseDocument(text);
  if (doc.errors.length) return text.replace(/((?:pass(?:word)?|secret|token|api[_-]?key|authorization)\s*:\s*)\S.*$/gim, `$1${MASK}`);
  walk(doc.contents as Node, false);
  return doc.toString();
}
