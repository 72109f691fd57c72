// Building blocks → one complete collector configuration. Pure and deterministic: the same blocks give
// the same text (components sorted by id, pipelines in signal order), so a re-render diffs cleanly.
//
// Shape, per signal that some backend takes:
//   <signal>:        otlp → memory_limiter → [cost blocks' processors, in block order] → batch
//                    → the exporters of backends that need nothing else, and forward/<id> for the others
//   <signal>/<id>:   forward/<id> → [that backend's own processors, e.g. cumulative_to_delta] → its exporter
// A backend's own processors (Datadog's delta conversion) must not change what another backend beside it
// receives, hence the branch pipeline fed by the forward connector.
import { Document } from 'yaml';
import { checkBlock, signalsOf } from './check.ts';
import {
  allSignals,
  blockProblemCodes as codes,
  type BlockInstance,
  type BlockProblem,
  type RenderedBlock,
  type Signal,
} from './types.ts';

export interface ComposeBase {
  /** OTLP receiver endpoints; unset: `{}`, so a gateway's base configuration (or the default) decides. */
  otlpGrpcEndpoint?: string;
  otlpHttpEndpoint?: string;
  /**
   * A gateway's supervisor defines the `opamp` extension; a service.extensions list must keep it or the
   * collector loses its link to Flowgate. Default true; false for a collector run without a supervisor.
   */
  supervised?: boolean;
}

export interface ComposeInput {
  blocks: BlockInstance[];
  /** Restrict to these signals; a backend that does not take one of them is a problem. */
  signals?: Signal[];
  base?: ComposeBase;
  secretNames: ReadonlySet<string>;
}

export interface ComposeProblem extends BlockProblem {
  /** The block instance id the problem belongs to ('' for the composition itself). */
  block: string;
}

export type ComposeResult =
  | {
      ok: true;
      yaml: string;
      config: Record<string, unknown>;
      /** Signals that got a pipeline. */
      signals: Signal[];
      /** What the gateway host must provide (credentials a configuration cannot carry). */
      requirements: string[];
    }
  | { ok: false; problems: ComposeProblem[] };

export const BLOCK_ID_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** memory_limiter as its README recommends for a gateway: checked every second, 80 % of memory, 25 % spike. */
const memoryLimiter = { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 };
/** The batch processor's defaults, written out. */
const batch = { send_batch_size: 8192, timeout: '200ms' };

const sortedEntries = (o: Record<string, unknown>) =>
  Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const sorted = (o: Record<string, unknown>) => Object.fromEntries(sortedEntries(o));

interface Rendered {
  id: string;
  type: string;
  backend: boolean;
  signals: Signal[];
  out: RenderedBlock;
}

function renderAll(input: ComposeInput): { rendered: Rendered[]; problems: ComposeProblem[] } {
  const problems: ComposeProblem[] = [];
  const rendered: Rendered[] = [];
  const seen = new Set<string>();
  input.blocks.forEach((inst, i) => {
    const block = typeof inst.id === 'string' ? inst.id : String(i);
    const add = (p: BlockProblem) => problems.push({ ...p, block });
    if (!BLOCK_ID_RE.test(block))
      add({ path: 'id', code: codes.invalidValue, message: 'a block id is 1–63 lowercase letters, digits, _ or -' });
    else if (seen.has(block))
      add({ path: 'id', code: codes.duplicateId, message: `block id "${block}" is used twice` });
    seen.add(block);
    const asked = inst.signals ?? input.signals;
    const checked = checkBlock(inst.type, inst.config, { secretNames: input.secretNames, signals: asked ?? [] });
    checked.problems.forEach(add);
    if (checked.problems.length || !checked.type) return;
    const signals = allSignals.filter((s) => (asked ?? signalsOf(checked.type!, checked.config)).includes(s));
    const out = checked.type.render(checked.config as never, { secretNames: input.secretNames, signals }, block);
    rendered.push({ id: block, type: inst.type, backend: checked.type.category === 'backend', signals, out });
  });
  if (input.blocks.length > 0 && problems.length === 0 && !rendered.some((r) => r.backend))
    problems.push({ block: '', path: 'blocks', code: codes.noBackend, message: 'add at least one backend' });
  if (input.blocks.length === 0)
    problems.push({ block: '', path: 'blocks', code: codes.noBackend, message: 'add at least one backend' });
  return { rendered, problems };
}

export function composeConfig(input: ComposeInput): ComposeResult {
  const { rendered, problems } = renderAll(input);
  if (problems.length) return { ok: false, problems };

  const sections = {
    receivers: {} as Record<string, unknown>,
    processors: {} as Record<string, unknown>,
    exporters: {} as Record<string, unknown>,
    connectors: {} as Record<string, unknown>,
    extensions: {} as Record<string, unknown>,
  };
  const otlp = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});
  sections.receivers.otlp = {
    protocols: { grpc: otlp(input.base?.otlpGrpcEndpoint), http: otlp(input.base?.otlpHttpEndpoint) },
  };
  sections.processors.memory_limiter = memoryLimiter;
  sections.processors.batch = batch;
  for (const r of rendered) {
    for (const kind of Object.keys(sections) as (keyof typeof sections)[]) {
      for (const [cid, cfg] of Object.entries(r.out[kind] ?? {})) {
        if (cid in sections[kind])
          return {
            ok: false,
            problems: [
              { block: r.id, path: '', code: codes.duplicateId, message: `component ${cid} is rendered twice` },
            ],
          };
        sections[kind][cid] = cfg;
      }
    }
  }

  const pipelines: Record<string, unknown> = {};
  const branches: Record<string, unknown> = {};
  const signals = allSignals.filter((s) => rendered.some((r) => r.backend && r.out.pipelines[s]?.exporters?.length));
  for (const signal of signals) {
    const shared: string[] = [];
    const exporters: string[] = [];
    for (const r of rendered) {
      const p = r.out.pipelines[signal];
      if (!p) continue;
      shared.push(...(p.processors ?? []));
      if (!p.exporters?.length) continue;
      if (p.exporterProcessors?.length) {
        const connector = `forward/${r.id}`;
        sections.connectors[connector] = {};
        exporters.push(connector);
        branches[`${signal}/${r.id}`] = {
          receivers: [connector],
          processors: [...p.exporterProcessors],
          exporters: [...p.exporters],
        };
      } else exporters.push(...p.exporters);
    }
    pipelines[signal] = { receivers: ['otlp'], processors: ['memory_limiter', ...shared, 'batch'], exporters };
  }

  const config: Record<string, unknown> = {};
  for (const kind of Object.keys(sections) as (keyof typeof sections)[]) {
    if (Object.keys(sections[kind]).length) config[kind] = sorted(sections[kind]);
  }
  const service: Record<string, unknown> = {};
  const extensionIds = Object.keys(sections.extensions).sort();
  if (extensionIds.length)
    service.extensions = input.base?.supervised === false ? extensionIds : ['opamp', ...extensionIds];
  service.pipelines = { ...pipelines, ...sorted(branches) };
  config.service = service;

  const requirements = [...new Set(rendered.flatMap((r) => r.out.requirements ?? []))];
  const doc = new Document(config);
  const header = [
    ' Generated by Flowgate from building blocks: ' + rendered.map((r) => `${r.type} "${r.id}"`).join(', ') + '.',
    ...requirements.map((r) => ` Host requirement: ${r}`),
  ];
  doc.commentBefore = header.join('\n');
  const yaml = doc.toString({ lineWidth: 0 });
  return { ok: true, yaml, config, signals, requirements };
}
