// Places the Flowgate measurement processor (docs/measurement.md) into a collector configuration: in every
// pipeline of service.pipelines, `flowgate_measure/in.<n>` becomes the first processor and
// `flowgate_measure/out.<n>` the last, n being the pipeline's index. The control plane applies this to
// what it sends to a gateway whose build has the component; the template as stored stays as written.
// YAML in, YAML out: the document is edited in place, so the user's comments and layout survive where
// the `yaml` library keeps them.
import { isAlias, isMap, isScalar, isSeq, parseDocument, Pair, Scalar, YAMLMap, YAMLSeq, type Document } from 'yaml';

export const MEASURE_PROCESSOR_TYPE = 'flowgate_measure';
/** The OpAMP custom capability the processor registers (summary and snapshot messages). */
export const MEASURE_CAPABILITY = 'io.flowgate.measure';
/** Instance names the control plane owns: re-derived on every injection, never kept from the input. */
const INJECTED_NAME = /^flowgate_measure\/(in|out)\.\d+$/;

export const measureInstanceName = (position: 'in' | 'out', index: number) =>
  `${MEASURE_PROCESSOR_TYPE}/${position}.${index}`;

/** True when a gateway's reported available components (`{processors: {type: …}}`) include the processor. */
export function hasMeasureComponent(available: unknown): boolean {
  if (!available || typeof available !== 'object') return false;
  const processors = (available as Record<string, unknown>).processors;
  return !!processors && typeof processors === 'object' && MEASURE_PROCESSOR_TYPE in processors;
}

const keyOf = (pair: Pair) => (isScalar(pair.key) ? String(pair.key.value) : null);

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => keyOf(p as Pair) === key) as Pair | undefined;
}

function instanceConfig(pipeline: string, position: 'in' | 'out'): YAMLMap {
  const map = new YAMLMap();
  map.flow = true;
  map.items.push(new Pair(new Scalar('pipeline'), new Scalar(pipeline)));
  map.items.push(new Pair(new Scalar('position'), new Scalar(position)));
  return map;
}

/** The top-level `processors` map, created (after `receivers`, else first) when absent or empty. */
function processorsMap(root: YAMLMap): YAMLMap {
  const existing = pairOf(root, 'processors');
  if (existing && isMap(existing.value)) return existing.value;
  const map = new YAMLMap();
  if (existing) {
    existing.value = map;
    return map;
  }
  const receivers = root.items.findIndex((p) => keyOf(p as Pair) === 'receivers');
  root.items.splice(receivers + 1, 0, new Pair(new Scalar('processors'), map));
  return map;
}

/** The pipeline's processor list as a sequence we may edit (an alias is copied, a missing list created). */
function pipelineProcessors(doc: Document, pipeline: YAMLMap): YAMLSeq {
  const pair = pairOf(pipeline, 'processors');
  if (pair && isSeq(pair.value)) return pair.value;
  const seq = new YAMLSeq();
  // Match the look of the pipeline's other lists (`receivers: [otlp]` → `processors: [...]`).
  const receivers = pairOf(pipeline, 'receivers')?.value;
  seq.flow = isSeq(receivers) ? !!receivers.flow : true;
  if (pair && isAlias(pair.value)) {
    const target = pair.value.resolve(doc);
    if (isSeq(target))
      for (const item of target.items) seq.items.push(doc.createNode(isScalar(item) ? item.value : item));
  }
  if (pair) pair.value = seq;
  else {
    const receiversAt = pipeline.items.findIndex((p) => keyOf(p as Pair) === 'receivers');
    pipeline.items.splice(receiversAt + 1, 0, new Pair(new Scalar('processors'), seq));
  }
  return seq;
}

export interface InjectResult {
  text: string;
  /** Pipelines the processors were placed in, with their index. */
  pipelines: { id: string; index: number }[];
  /** Entries of service.pipelines (the next file's pipelines are numbered from firstIndex + this). */
  pipelineCount: number;
}

/**
 * Injects the measurement processors into one configuration file. Text that does not parse, or has no
 * `service.pipelines` map, comes back unchanged. Idempotent: instances named `flowgate_measure/in.<n>` and
 * `flowgate_measure/out.<n>` already present are removed and placed again, so injecting twice gives the
 * same text as once; other `flowgate_measure` instances the user wrote stay where they are.
 * `firstIndex` numbers pipelines across several files of one configuration.
 */
export function injectMeasureProcessors(yamlText: string, firstIndex = 0): InjectResult {
  const doc = parseDocument(yamlText);
  const unchanged = { text: yamlText, pipelines: [], pipelineCount: 0 };
  if (doc.errors.length || !isMap(doc.contents)) return unchanged;
  const root = doc.contents;
  const service = pairOf(root, 'service')?.value;
  if (!isMap(service)) return unchanged;
  const pipelines = pairOf(service, 'pipelines')?.value;
  if (!isMap(pipelines) || pipelines.items.length === 0) return unchanged;

  const processors = processorsMap(root);
  processors.items = processors.items.filter((p) => !INJECTED_NAME.test(keyOf(p as Pair) ?? ''));
  const placed: InjectResult['pipelines'] = [];
  pipelines.items.forEach((item, i) => {
    const pair = item as Pair;
    const id = keyOf(pair);
    if (id === null || !isMap(pair.value)) return;
    const index = firstIndex + i;
    const list = pipelineProcessors(doc, pair.value);
    list.items = list.items.filter((p) => !(isScalar(p) && INJECTED_NAME.test(String(p.value))));
    const inName = measureInstanceName('in', index);
    const outName = measureInstanceName('out', index);
    list.items.unshift(new Scalar(inName));
    list.items.push(new Scalar(outName));
    processors.items.push(new Pair(new Scalar(inName), instanceConfig(id, 'in')));
    processors.items.push(new Pair(new Scalar(outName), instanceConfig(id, 'out')));
    placed.push({ id, index });
  });
  if (placed.length === 0) return unchanged;
  // lineWidth 0: never fold a long scalar onto several lines; `[a, b]` as people write it.
  return {
    text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }),
    pipelines: placed,
    pipelineCount: pipelines.items.length,
  };
}

/**
 * Injects into every file of a configuration (the files a gateway receives). Pipelines are numbered
 * across files in the files' name order, so two files never produce the same instance name.
 */
export function injectMeasureIntoFiles(files: Record<string, string>): Record<string, string> {
  let next = 0;
  const out: Record<string, string> = {};
  for (const name of Object.keys(files).sort()) {
    const r = injectMeasureProcessors(files[name]!, next);
    next += r.pipelineCount;
    out[name] = r.text;
  }
  // Keep the caller's key order (the hash is over a sorted map anyway, but the files are shown back).
  return Object.fromEntries(Object.keys(files).map((k) => [k, out[k]!]));
}
