// Log blocks into a configuration: the org's base config (settings.base_config_yaml, else the gateway
// default) or a given one, with every problem of the blocks reported at its path (LOG_ACTIONS_INVALID).
import { isMap, parseDocument, stringify } from 'yaml';
import { applyBlocks, type BlockInstance, type BlockProblem } from '@flowgate/config-model';
import { AppError } from '../../platform/errors.ts';

type Obj = Record<string, unknown>;

export function parseConfig(yamlText: string, what: string): Obj {
  const doc = parseDocument(yamlText);
  if (doc.errors.length || !isMap(doc.contents))
    throw new AppError('INVALID_YAML', `${what} is not a YAML map: ${doc.errors[0]?.message ?? 'not a map'}`);
  return doc.toJS() as Obj;
}

export function blockProblemsError(problems: BlockProblem[]): AppError {
  const shown = problems
    .slice(0, 3)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ');
  return new AppError(
    'LOG_ACTIONS_INVALID',
    `${problems.length} problem${problems.length === 1 ? '' : 's'} in the log actions: ${shown}`,
    { problems },
  );
}

/** The blocks applied to `base`; throws LOG_ACTIONS_INVALID listing every problem. */
export function applyLogBlocks(base: Obj, blocks: BlockInstance[], secretNames: ReadonlySet<string>) {
  const applied = applyBlocks(base, blocks, { secretNames, signals: ['logs'] });
  if (applied.problems.length) throw blockProblemsError(applied.problems);
  return applied;
}

/** Only what the blocks added or changed: new components and the pipelines they touch. */
export function addedComponents(base: Obj, config: Obj): Obj {
  const out: Obj = {};
  for (const kind of ['processors', 'connectors'] as const) {
    const before = (base[kind] ?? {}) as Obj;
    const after = (config[kind] ?? {}) as Obj;
    const added = Object.fromEntries(Object.entries(after).filter(([k]) => !(k in before)));
    if (Object.keys(added).length) out[kind] = added;
  }
  const bp = ((base.service as Obj | undefined)?.pipelines ?? {}) as Obj;
  const ap = ((config.service as Obj | undefined)?.pipelines ?? {}) as Obj;
  const changed = Object.fromEntries(
    Object.entries(ap).filter(([k, v]) => JSON.stringify(bp[k]) !== JSON.stringify(v)),
  );
  if (Object.keys(changed).length) out.service = { pipelines: changed };
  return out;
}

export const toYaml = (o: Obj) => stringify(o, { lineWidth: 0 });
