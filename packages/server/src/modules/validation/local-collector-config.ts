// Turns a template into something the control plane's own collector child process may load:
// every ${…} reference becomes an inert placeholder (a template must not make our process read the
// server's files, fetch URLs or see its environment; secrets are not resolved for checks), and the
// supervisor-provided `opamp` extension is dropped from service.extensions, since only a gateway's
// supervisor defines it.
import { parseDocument, isMap, isSeq, isScalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { replaceConfigRefs } from '@flowgate/config-model';

const ENDPOINT_KEY = /(^|_)(endpoint|url)$/i;
export const PLACEHOLDER = 'flowgate-placeholder';
export const ENDPOINT_PLACEHOLDER = 'https://flowgate-placeholder.invalid:4318';

export function neutralizeRefs(yamlText: string): string {
  return replaceConfigRefs(yamlText, (_ref, key) =>
    key && ENDPOINT_KEY.test(key) ? ENDPOINT_PLACEHOLDER : PLACEHOLDER,
  );
}

export function forLocalCollector(yamlText: string): string {
  const doc = parseDocument(neutralizeRefs(yamlText));
  const service = doc.get('service');
  if (isMap(service)) {
    const exts = (service as YAMLMap).get('extensions');
    if (isSeq(exts)) {
      const seq = exts as YAMLSeq;
      seq.items = seq.items.filter((i) => !(isScalar(i) && i.value === 'opamp'));
    }
  }
  return doc.toString();
}
