// Puts rendered blocks into an existing collector configuration (a parsed template): processors are
// appended to the pipelines of their signal, connectors and extra pipelines are added, and every problem
// — unknown type, invalid config (schema and the block's own validate), an id used twice, a component
// that already exists — is reported with its path (`blocks[2].config.rules[0].body_matches[1]`).
import { Value } from '@sinclair/typebox/value';
import { blockType } from './registry.ts';
import type { BlockContext, BlockInstance, BlockProblem, Signal } from './types.ts';

/** A block instance id becomes part of component ids (`filter/<id>`). */
export const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

type Obj = Record<string, unknown>;

export interface AppliedBlocks {
  config: Obj;
  problems: BlockProblem[];
  notes: string[];
}

function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
    .replace(/^\./, '');
}

function pipelinesOf(pipelines: Record<string, Obj>, signal: Signal): string[] {
  return Object.keys(pipelines).filter((id) => id === signal || id.startsWith(`${signal}/`));
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * Applies block instances to a copy of `base` (a parsed collector configuration). Nothing is applied when
 * any block has a problem: `config` is then the unchanged copy.
 */
export function applyBlocks(base: Obj, instances: BlockInstance[], ctx: BlockContext): AppliedBlocks {
  const config = structuredClone(base);
  const problems: BlockProblem[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const rendered = instances.map((inst, i) => {
    const at = `blocks[${i}]`;
    const type = blockType(inst.type);
    if (!type) {
      problems.push({ path: `${at}.type`, code: 'UNKNOWN_BLOCK', message: `No block of type "${inst.type}"` });
      return null;
    }
    if (!INSTANCE_ID.test(inst.id))
      problems.push({ path: `${at}.id`, code: 'INVALID_VALUE', message: `"${inst.id}" is not a valid component name` });
    if (seen.has(inst.id))
      problems.push({ path: `${at}.id`, code: 'DUPLICATE_ID', message: `Id "${inst.id}" is used twice` });
    seen.add(inst.id);
    const unsupported = ctx.signals.filter((s) => !type.signals.includes(s));
    if (unsupported.length)
      problems.push({
        path: `${at}.type`,
        code: 'SIGNAL_NOT_SUPPORTED',
        message: `"${inst.type}" does not act on ${unsupported.join(', ')}`,
      });
    const errors = [...Value.Errors(type.schema, inst.config)];
    if (errors.length) {
      for (const e of errors.slice(0, 20))
        problems.push({
          path: `${at}.config${e.path ? '.' + pointerToPath(e.path) : ''}`,
          code: 'INVALID_VALUE',
          message: e.message,
        });
      return null;
    }
    const own = type.validate(inst.config as never, ctx);
    problems.push(...own.map((p) => ({ ...p, path: `${at}.config${p.path ? '.' + p.path : ''}` })));
    if (own.length) return null;
    return type.render(inst.config as never, ctx, inst.id);
  });
  if (problems.length) return { config: structuredClone(base), problems, notes };

  const service = (config.service ??= {}) as Obj;
  const pipelines = (service.pipelines ??= {}) as Record<string, Obj>;
  const mainPipelines = Object.fromEntries(
    (['logs', 'metrics', 'traces'] as const).map((s) => [s, pipelinesOf(pipelines, s)]),
  ) as Record<Signal, string[]>;
  if (!mainPipelines.logs.length) {
    problems.push({
      path: 'service.pipelines',
      code: 'NO_PIPELINE',
      message: 'The configuration has no logs pipeline',
    });
    return { config: structuredClone(base), problems, notes };
  }
  rendered.forEach((r, i) => {
    if (!r) return;
    for (const kind of ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const) {
      const components = r[kind];
      if (!components) continue;
      const section = (config[kind] ??= {}) as Obj;
      for (const [id, value] of Object.entries(components)) {
        if (id in section)
          problems.push({ path: `blocks[${i}].id`, code: 'DUPLICATE_ID', message: `${kind} "${id}" already exists` });
        section[id] = value;
      }
    }
    for (const [signal, parts] of Object.entries(r.pipelines) as [
      Signal,
      NonNullable<(typeof r.pipelines)[Signal]>,
    ][]) {
      let targets = mainPipelines[signal];
      if (!targets.length && signal === 'metrics' && parts.receivers?.length) {
        // No metrics pipeline: the counts go where the logs go.
        const logs = pipelines[mainPipelines.logs[0]!]!;
        pipelines['metrics/log_patterns'] = { receivers: [], exporters: list(logs.exporters) };
        targets = mainPipelines.metrics = ['metrics/log_patterns'];
        notes.push('No metrics pipeline: metrics/log_patterns sends the pattern metrics to the logs exporters');
      }
      for (const id of targets) {
        const p = (pipelines[id] ??= {});
        if (parts.processors?.length) {
          // Before a trailing batch processor: batching stays the last step, as the collector docs advise.
          const current = list(p.processors);
          const at =
            current.length && /^batch(\/|$)/.test(current[current.length - 1]!) ? current.length - 1 : current.length;
          p.processors = [...current.slice(0, at), ...parts.processors, ...current.slice(at)];
        }
        if (parts.exporters?.length) p.exporters = [...list(p.exporters), ...parts.exporters];
        if (parts.receivers?.length) p.receivers = [...list(p.receivers), ...parts.receivers];
      }
    }
    for (const [id, extra] of Object.entries(r.extraPipelines ?? {})) {
      const signal = id.split('/')[0] as Signal;
      const source = pipelines[mainPipelines[signal]?.[0] ?? ''];
      pipelines[id] = {
        receivers: extra.receivers === 'same' ? list(source?.receivers) : extra.receivers,
        ...(extra.processors?.length ? { processors: extra.processors } : {}),
        exporters: extra.exporters,
      };
    }
  });
  if (problems.length) return { config: structuredClone(base), problems, notes };
  return { config, problems, notes };
}
