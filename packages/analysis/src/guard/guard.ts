// The usage-aware guard (issue 12, item 5): given a collector configuration, the inventory and the usage,
// every component that would drop a used metric, rename it, or remove a label a reader depends on — with
// the dashboards, panels and rules that would break. Every template is checked, hand-written ones too.
// OTTL conditions are evaluated on the inventory's names and labels (ottl-eval.ts); what cannot be
// evaluated is reported as "cannot_tell", never passed silently.
import { parse } from 'yaml';
import type { InventoryMetric } from '../inventory/types.ts';
import { prometheusLabelName } from '../recommend/naming.ts';
import { needs, UsageIndex, type LabelNeed, type MetricReaders } from '../recommend/readers.ts';
import type { MetricUsage } from '../recommend/types.ts';
import { selects, type Effect } from './effects.ts';
import { filterEffects, transformEffects } from './filter-transform.ts';
import { HARMLESS_PROCESSORS, otherEffects } from './other-processors.ts';
import { nameOnlySubject, subjectOf, type Subject } from './subjects.ts';

export interface BreakageReader {
  source_id: string;
  source: string;
  title: string;
  panel?: string;
  rule?: string;
  query: string;
}

export interface Breakage {
  /** The processor, e.g. `filter/drop-debug`. */
  component: string;
  /** The metrics pipelines it sits in. */
  pipelines: string[];
  /** The metric as the gateway sees it. */
  metric: string;
  /** The Prometheus label a reader depends on, when a label is removed. */
  label?: string;
  /** breaks: it does; cannot_tell: it may, and the guard cannot evaluate whether. */
  verdict: 'breaks' | 'cannot_tell';
  reason: string;
  readers: BreakageReader[];
}

export interface GuardResult {
  breakages: Breakage[];
  /** Used metrics checked and the metrics pipelines walked. */
  checked: { metrics: number; pipelines: string[] };
  /** Problems reading the configuration itself. */
  problems: string[];
}

export interface GuardInput {
  /** The collector configuration (YAML), as the template holds it. */
  config: string;
  inventory: readonly InventoryMetric[];
  usage: readonly MetricUsage[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

const RESOURCE_LABELS: Record<string, string> = {
  'service.name': 'job',
  'service.namespace': 'job',
  'service.instance.id': 'instance',
};

/**
 * Prometheus labels a removed attribute key takes away. A resource attribute is a label only as job or
 * instance — unless an exporter promotes it (resource_to_telemetry_conversion), which a query naming it shows.
 */
function labelsOfKey(scope: 'datapoint' | 'resource', key: string, need: LabelNeed): string[] {
  if (scope === 'datapoint') return [prometheusLabelName(key)];
  const promoted = !need.all && need.only.has(prometheusLabelName(key)) ? [prometheusLabelName(key)] : [];
  return [...(RESOURCE_LABELS[key] ? [RESOURCE_LABELS[key]!] : []), ...promoted];
}

/** The needed labels an attribute effect touches: [label, certain] pairs. */
function touchedLabels(effect: Extract<Effect, { kind: 'labels' }>, subject: Subject, need: LabelNeed) {
  const keys = effect.scope === 'datapoint' ? subject.keys.datapoint : subject.keys.resource;
  const out = new Map<string, boolean>();
  const consider = (key: string, certain: boolean) => {
    const sel = selects(effect.select, key);
    if (sel === false) return;
    for (const label of labelsOfKey(effect.scope, key, need))
      if (needs(need, label)) out.set(label, (out.get(label) ?? false) || (certain && sel === true));
  };
  for (const k of keys) consider(k, true);
  if (!subject.keys.complete) {
    // Keys not known (a metric known only from usage): the labels its readers name are candidates.
    if (need.all) out.set('*', false);
    // An explicitly named key is the label of the same name (as the prometheus receiver writes it).
    else for (const label of need.only) if (!out.has(label)) consider(label, 'keys' in effect.select);
  }
  return out;
}

function readersOf(r: MetricReaders): BreakageReader[] {
  return r.readers.map((by) => ({
    source_id: by.source_id,
    source: by.source,
    title: by.title,
    ...(by.panel !== undefined ? { panel: by.panel } : {}),
    ...(by.rule !== undefined ? { rule: by.rule } : {}),
    query: by.query,
  }));
}

function effectsOf(type: string, config: unknown, subject: Subject, component: string): Effect[] {
  if (type === 'filter') return filterEffects(config, subject);
  if (type === 'transform') return transformEffects(config, subject);
  const other = otherEffects(type, config, subject, component);
  if (other) return other;
  if (HARMLESS_PROCESSORS.has(type)) return [];
  return [{ kind: 'unknown', reason: `the guard does not know what a ${type} processor does to metrics` }];
}

export function checkConfig(input: GuardInput): GuardResult {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parse(input.config);
  } catch (err) {
    return { breakages: [], checked: { metrics: 0, pipelines: [] }, problems: [`not YAML: ${(err as Error).message}`] };
  }
  const root = isObject(doc) ? doc : {};
  const processors = isObject(root.processors) ? root.processors : {};
  const pipelines = isObject(root.service) && isObject(root.service.pipelines) ? root.service.pipelines : {};
  const metricPipelines = Object.entries(pipelines).filter(([id]) => id === 'metrics' || id.startsWith('metrics/'));

  // Every used metric: from the inventory, plus what dashboards read that no inventory lists.
  const index = new UsageIndex(input.usage);
  const subjects: { subject: Subject; readers: MetricReaders }[] = [];
  const covered = new Set<string>();
  for (const m of input.inventory) {
    const r = index.readersOf(m);
    r.names.forEach((n) => covered.add(n));
    if (r.used !== false && r.need) subjects.push({ subject: subjectOf(m), readers: r });
  }
  for (const u of input.usage) {
    if (u.used === false || covered.has(u.name) || u.name.startsWith('{') || u.pattern) continue;
    const r = index.readersOf({
      name: u.name,
      type: 'gauge',
      unit: '',
      monotonic: null,
      origin: 'prometheus',
    } as InventoryMetric);
    if (!r.need) continue;
    // A histogram or summary series is one metric named after its family at the gateway.
    const family = /^(.+)_(bucket|sum|count)$/.exec(u.name)?.[1];
    for (const name of family ? [u.name, family] : [u.name])
      if (!covered.has(name) && !subjects.some((s) => s.subject.name === name)) {
        subjects.push({ subject: nameOnlySubject(name), readers: r });
        covered.add(name);
      }
  }

  const found = new Map<string, Breakage>();
  const report = (b: Omit<Breakage, 'pipelines'>, pipeline: string) => {
    const key = `${b.component}\u0000${b.metric}\u0000${b.label ?? ''}`;
    const prev = found.get(key);
    if (prev) {
      if (!prev.pipelines.includes(pipeline)) prev.pipelines.push(pipeline);
      if (prev.verdict === 'cannot_tell' && b.verdict === 'breaks')
        Object.assign(prev, { ...b, pipelines: prev.pipelines });
      return;
    }
    found.set(key, { ...b, pipelines: [pipeline] });
  };

  for (const [pipelineId, pipeline] of metricPipelines) {
    const ids = isObject(pipeline) && Array.isArray(pipeline.processors) ? pipeline.processors : [];
    for (const { subject, readers } of subjects) {
      const need = readers.need!;
      const base = { metric: subject.name, readers: readersOf(readers) };
      for (const id of ids) {
        if (typeof id !== 'string') continue;
        if (!(id in processors)) {
          problems.push(`pipeline ${pipelineId} names processor ${id}, which is not defined`);
          continue;
        }
        const type = id.split('/')[0]!;
        let gone = false;
        for (const e of effectsOf(type, processors[id], subject, id)) {
          if (e.kind === 'unknown') {
            report({ ...base, component: id, verdict: 'cannot_tell', reason: e.reason }, pipelineId);
            continue;
          }
          const sure = e.certain && (e.extent === 'all' || (e.extent === 'some' && subject.exact));
          if (e.kind === 'drop' || e.kind === 'rename') {
            report({ ...base, component: id, verdict: sure ? 'breaks' : 'cannot_tell', reason: e.reason }, pipelineId);
            if (e.extent === 'all' && e.certain) gone = true;
            continue;
          }
          for (const [label, certainKey] of touchedLabels(e, subject, need)) {
            const breaks = sure && certainKey && (e.how === 'deleted' || e.how === 'hashed');
            report(
              {
                ...base,
                component: id,
                ...(label !== '*' ? { label } : {}),
                verdict: breaks ? 'breaks' : 'cannot_tell',
                reason: `${e.reason} (${e.how})`,
              },
              pipelineId,
            );
          }
        }
        if (gone) break; // nothing of the metric reaches the later processors
      }
    }
  }
  const breakages = [...found.values()].sort(
    (a, b) =>
      (a.verdict === b.verdict ? 0 : a.verdict === 'breaks' ? -1 : 1) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
      (a.component < b.component ? -1 : 1),
  );
  return {
    breakages,
    checked: { metrics: subjects.length, pipelines: metricPipelines.map(([id]) => id) },
    problems: [...new Set(problems)],
  };
}
