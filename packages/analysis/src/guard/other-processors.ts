// The non-OTTL processors that can remove metrics or labels: attributes and resource (actions on keys),
// metricstransform (renames, aggregate_labels, update_label, delete_label_value), groupbyattrs (labels moved
// to the resource, where a Prometheus backend no longer sees them), redaction (keys not allowed are removed).
import { UNKNOWN, goRegex, type Truth } from './ottl-eval.ts';
import { nameMatch, type Effect, type KeySelector } from './effects.ts';
import type { Subject } from './subjects.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

/** Processors that never drop or rename a metric nor remove its labels. */
export const HARMLESS_PROCESSORS = new Set([
  'batch',
  'memory_limiter',
  'flowgate_measure',
  'cumulativetodelta',
  'deltatocumulative',
  'k8sattributes',
  'resourcedetection',
  'interval',
]);

/** attributes and resource processors: key/pattern actions. */
function actionEffects(actions: unknown, scope: 'datapoint' | 'resource', applies: Truth, component: string): Effect[] {
  if (applies === false) return [];
  const effects: Effect[] = [];
  for (const a of list(actions)) {
    if (!isObject(a)) continue;
    const action = String(a.action ?? '');
    const select: KeySelector | null =
      typeof a.key === 'string' ? { keys: [a.key] } : typeof a.pattern === 'string' ? { pattern: a.pattern } : null;
    if (!select) continue;
    const how =
      action === 'delete'
        ? 'deleted'
        : action === 'hash'
          ? 'hashed'
          : action === 'update' || action === 'upsert' || action === 'extract' || action === 'convert'
            ? 'changed'
            : null;
    if (!how) continue; // insert only adds a key that is absent
    effects.push({
      kind: 'labels',
      scope,
      select,
      how,
      extent: applies === true ? 'all' : 'unknown',
      certain: applies === true,
      reason: `${component}: ${action} ${'keys' in select ? select.keys[0] : `keys matching ${a.pattern}`}`,
    });
  }
  return effects;
}

/** include/exclude of the attributes processor, by metric name; other criteria cannot be told. */
function attributesApplies(cfg: Json, subject: Subject): Truth {
  let result: Truth = true;
  for (const [key, want] of [
    ['include', true],
    ['exclude', false],
  ] as const) {
    const spec = cfg[key];
    if (!isObject(spec)) continue;
    const other = Object.keys(spec).filter((k) => k !== 'match_type' && k !== 'metric_names');
    const m = other.length || !('metric_names' in spec) ? null : nameMatch(spec, subject.name);
    const t: Truth = m === null ? UNKNOWN : m === want;
    if (t === false) return false;
    if (t === UNKNOWN) result = UNKNOWN;
  }
  return result;
}

function metricsTransformEffects(cfg: Json, subject: Subject, component: string): Effect[] {
  const effects: Effect[] = [];
  for (const t of list(cfg.transforms)) {
    if (!isObject(t)) continue;
    const include =
      typeof t.include === 'string' ? t.include : typeof t.metric_name === 'string' ? t.metric_name : null;
    if (include === null) continue;
    const m =
      (t.match_type ?? 'strict') === 'regexp'
        ? (goRegex(include)?.test(subject.name) ?? null)
        : include === subject.name;
    if (m === false) continue;
    const extent = m === null ? 'unknown' : 'all';
    const action = String(t.action ?? '');
    if (action === 'insert') continue; // a copy: the original stays as it was
    if (action === 'combine' || (action === 'update' && typeof t.new_name === 'string' && t.new_name !== subject.name))
      effects.push({
        kind: 'rename',
        extent,
        certain: m !== null,
        reason: `${component}: ${action} ${include} → ${String(t.new_name ?? '?')}`,
      });
    for (const op of list(t.operations)) {
      if (!isObject(op)) continue;
      const reason = `${component}: ${String(op.action)} on ${include}`;
      switch (op.action) {
        case 'aggregate_labels':
          effects.push({
            kind: 'labels',
            scope: 'datapoint',
            select: { except: strings(op.label_set) },
            how: 'deleted',
            extent,
            certain: m !== null,
            reason,
          });
          break;
        case 'update_label':
          if (typeof op.label === 'string' && typeof op.new_label === 'string' && op.new_label !== op.label)
            effects.push({
              kind: 'labels',
              scope: 'datapoint',
              select: { keys: [op.label] },
              how: 'deleted',
              extent,
              certain: m !== null,
              reason: `${reason} (renamed to ${op.new_label})`,
            });
          else if (typeof op.label === 'string' && isObject(op.value_actions ?? null))
            effects.push({
              kind: 'labels',
              scope: 'datapoint',
              select: { keys: [op.label] },
              how: 'changed',
              extent,
              certain: false,
              reason,
            });
          break;
        case 'aggregate_label_values':
          effects.push({
            kind: 'labels',
            scope: 'datapoint',
            select: typeof op.label === 'string' ? { keys: [op.label] } : { any: true },
            how: 'changed',
            extent,
            certain: false,
            reason,
          });
          break;
        case 'delete_label_value': {
          const values = subject.metric?.labels.find((l) => l.name === op.label);
          const present = values && values.exact && values.examples.length === values.distinct;
          if (present && !values.examples.includes(String(op.label_value))) break;
          effects.push({
            kind: 'drop',
            extent: present ? 'some' : 'unknown',
            certain: true,
            reason: `${reason}: series with ${String(op.label)}="${String(op.label_value)}"`,
          });
          break;
        }
      }
    }
  }
  return effects;
}

/** Effects of a non-OTTL processor; null when the type is not one of these. */
export function otherEffects(type: string, config: unknown, subject: Subject, component: string): Effect[] | null {
  const cfg = isObject(config) ? config : {};
  switch (type) {
    case 'attributes':
      return actionEffects(cfg.actions, 'datapoint', attributesApplies(cfg, subject), component);
    case 'resource':
      return actionEffects(cfg.attributes, 'resource', true, component);
    case 'metricstransform':
    case 'metrics_transform':
      return metricsTransformEffects(cfg, subject, component);
    case 'groupbyattrs': {
      const keys = strings(cfg.keys);
      return keys.length
        ? [
            {
              kind: 'labels',
              scope: 'datapoint',
              select: { keys },
              how: 'moved',
              extent: 'all',
              certain: false,
              reason: `${component}: moves ${keys.join(', ')} to the resource`,
            },
          ]
        : [];
    }
    case 'redaction': {
      const effects: Effect[] = [];
      if (cfg.allow_all_keys !== true)
        effects.push({
          kind: 'labels',
          scope: 'datapoint',
          select: { except: strings(cfg.allowed_keys) },
          how: 'deleted',
          extent: 'all',
          certain: true,
          reason: `${component}: removes every key not in allowed_keys`,
        });
      for (const p of strings(cfg.blocked_key_patterns))
        effects.push({
          kind: 'labels',
          scope: 'datapoint',
          select: { pattern: p },
          how: 'hashed',
          extent: 'all',
          certain: true,
          reason: `${component}: masks keys matching ${p}`,
        });
      if (strings(cfg.blocked_values).length)
        effects.push({
          kind: 'labels',
          scope: 'datapoint',
          select: { any: true },
          how: 'changed',
          extent: 'unknown',
          certain: false,
          reason: `${component}: masks values matching blocked_values`,
        });
      return effects;
    }
    default:
      return null;
  }
}
