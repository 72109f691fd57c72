// Preview: the sample runs through the real collector with the chosen log blocks (the dry-run module's
// child collector), lines before/after are joined back to their patterns by a line number attribute, and
// the bytes saved are scaled to a day at the sample's rate and priced with the org's price model.
import { parseLogTime, type MineResult } from '@flowgate/analysis';
import {
  logCost,
  priceSources,
  type BlockInstance,
  type PreviewLogsBody,
  type PriceModel,
} from '@flowgate/config-model';
import type { OrgScope } from '../../platform/scope.ts';
import {
  DRY_RUN_RECEIVER,
  DRY_RUN_SINK,
  type DryRunPipeline,
  type DryRunPlan,
  type DryRunService,
} from '../dry-run/dry-run.service.ts';
import type { OtlpData } from '../dry-run/otlp-json.ts';
import { addedComponents, applyLogBlocks, parseConfig, toYaml } from './compose.ts';
import type { MiningQueue } from './mining.ts';
import type { ResolvedSample, Sources } from './sources.ts';
import { windowOf } from './logs.service.ts';

/** Lines sent through the collector at most; a larger sample is previewed on an even spread of its lines. */
export const PREVIEW_MAX_LINES = 20_000;
const BATCH = 2_000;
const LINE_ATTRIBUTE = 'flowgate.preview.line';
const SEVERITY_NUMBER: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The sink base the preview applies the blocks to: the sample in, the sink out. */
const PREVIEW_BASE: Obj = {
  receivers: { [DRY_RUN_RECEIVER]: {} },
  exporters: { [DRY_RUN_SINK]: {} },
  service: { pipelines: { logs: { receivers: [DRY_RUN_RECEIVER], exporters: [DRY_RUN_SINK] } } },
};

/** Every pipeline of the applied preview config as a dry-run plan (batching left out: it only delays). */
export function planOf(config: Obj): DryRunPlan {
  const pipelines = ((config.service as Obj).pipelines ?? {}) as Record<string, Obj>;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    pipelines: Object.entries(pipelines).map(([id, p]): DryRunPipeline => ({
      signal: id.split('/')[0] as DryRunPipeline['signal'],
      pipeline: id,
      processors: list(p.processors).filter((x) => !/^batch(\/|$)/.test(x)),
      receivers: list(p.receivers),
      exporters: list(p.exporters),
    })),
    processors: (config.processors ?? {}) as Obj,
    connectors: (config.connectors ?? {}) as Obj,
  };
}

/** Indices of the lines previewed: all of them, or an even spread of PREVIEW_MAX_LINES. */
export function previewIndices(total: number, max = PREVIEW_MAX_LINES): number[] {
  if (total <= max) return Array.from({ length: total }, (_, i) => i);
  const step = total / max;
  return Array.from({ length: max }, (_, i) => Math.floor(i * step));
}

function otlpBatches(sample: ResolvedSample, indices: number[]): OtlpData[] {
  const base = Date.now() * 1e6;
  const batches: OtlpData[] = [];
  for (let b = 0; b < indices.length; b += BATCH) {
    const records = indices.slice(b, b + BATCH).map((i) => {
      const t = sample.times?.[i] ?? undefined;
      const ms = t ? parseLogTime(t) : undefined;
      const nanos = ms !== undefined ? BigInt(Math.round(ms)) * 1_000_000n : BigInt(base) + BigInt(i) * 1000n;
      const severity = sample.severities?.[i];
      return {
        timeUnixNano: String(nanos),
        observedTimeUnixNano: String(BigInt(base) + BigInt(i) * 1000n),
        ...(severity ? { severityNumber: SEVERITY_NUMBER[severity], severityText: severity.toUpperCase() } : {}),
        body: { stringValue: sample.lines[i] },
        attributes: [{ key: LINE_ATTRIBUTE, value: { intValue: String(i) } }],
      };
    });
    batches.push({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flowgate-log-studio' } }] },
          scopeLogs: [{ logRecords: records }],
        },
      ],
    });
  }
  return batches;
}

function anyValueText(v: unknown): string {
  if (!v || typeof v !== 'object') return '';
  const o = v as Obj;
  if ('stringValue' in o) return String(o.stringValue ?? '');
  for (const k of ['intValue', 'doubleValue', 'boolValue']) if (k in o) return String(o[k]);
  return JSON.stringify(o);
}

interface OutputRecord {
  line: number;
  bytes: number;
  text: string;
}

/** Output records with their line number, bytes (body and attributes, without the preview's own tag) and text. */
function outputRecords(output: OtlpData): OutputRecord[] {
  const out: OutputRecord[] = [];
  for (const rl of arr(output.resourceLogs))
    for (const sl of arr(rl.scopeLogs))
      for (const r of arr(sl.logRecords)) {
        let line = -1;
        let bytes = 0;
        const attrs: string[] = [];
        for (const a of arr(r.attributes)) {
          const key = String(a.key);
          const value = anyValueText(a.value);
          if (key === LINE_ATTRIBUTE) line = Number(value);
          else {
            bytes += utf8(key) + utf8(value);
            attrs.push(`${key}=${value}`);
          }
        }
        const body = anyValueText(r.body);
        bytes += utf8(body);
        out.push({ line, bytes, text: attrs.length ? `${body}  {${attrs.join(', ')}}` : body });
      }
  return out;
}

function outputMetrics(output: OtlpData) {
  const out: { name: string; points: number; attributes: string[] }[] = [];
  for (const rm of arr(output.resourceMetrics))
    for (const sm of arr(rm.scopeMetrics))
      for (const m of arr(sm.metrics)) {
        const data = (m.sum ?? m.gauge ?? m.histogram ?? {}) as Obj;
        const points = arr(data.dataPoints);
        const keys = new Set(points.flatMap((p) => arr(p.attributes).map((a) => String(a.key))));
        const existing = out.find((x) => x.name === m.name);
        if (existing) existing.points += points.length;
        else out.push({ name: String(m.name), points: points.length, attributes: [...keys].sort() });
      }
  return out;
}

export function createPreview(deps: {
  sources: Sources;
  mining: MiningQueue;
  dryRun: Pick<DryRunService, 'runPlan'>;
  prices: (scope: OrgScope) => Promise<PriceModel>;
  secretNames: (scope: OrgScope) => Promise<Set<string>>;
  baseConfig: (scope: OrgScope) => Promise<string>;
}) {
  return async function preview(scope: OrgScope, body: PreviewLogsBody) {
    const started = Date.now();
    const blocks = body.blocks as BlockInstance[];
    const secretNames = await deps.secretNames(scope);
    // The blocks are checked first: a mistake answers at once, before any mining or collector run.
    const applied = applyLogBlocks(PREVIEW_BASE, blocks, secretNames);
    const orgBase = parseConfig(await deps.baseConfig(scope), 'The organization’s base configuration');
    const deployable = applyLogBlocks(orgBase, blocks, secretNames);
    const sample = await deps.sources.resolve(scope, body);
    const mined: MineResult = await deps.mining.mine(sample);
    const indices = previewIndices(sample.lines.length);
    const scale = sample.lines.length / indices.length;
    const run = await deps.dryRun.runPlan(planOf(applied.config), otlpBatches(sample, indices));
    const records = outputRecords(run.output);

    const beforeBytes = new Map<number, number>();
    for (const i of indices) beforeBytes.set(i, utf8(sample.lines[i]!));
    const perPattern = new Map<
      number,
      { before: { lines: number; bytes: number }; after: { lines: number; bytes: number } }
    >();
    const figures = (pi: number) => {
      let f = perPattern.get(pi);
      if (!f) perPattern.set(pi, (f = { before: { lines: 0, bytes: 0 }, after: { lines: 0, bytes: 0 } }));
      return f;
    };
    for (const i of indices) {
      const f = figures(mined.assignments[i]!);
      f.before.lines++;
      f.before.bytes += beforeBytes.get(i)!;
    }
    let unknown = 0;
    for (const r of records) {
      const pi = r.line >= 0 ? mined.assignments[r.line] : undefined;
      if (pi === undefined) {
        unknown++;
        continue;
      }
      const f = figures(pi);
      f.after.lines++;
      f.after.bytes += r.bytes;
    }
    const sum = (k: 'before' | 'after', m: 'lines' | 'bytes') =>
      Math.round([...perPattern.values()].reduce((n, f) => n + f[k][m], 0) * scale);
    const before = { lines: sum('before', 'lines'), bytes: sum('before', 'bytes') };
    const after = { lines: sum('after', 'lines'), bytes: sum('after', 'bytes') };
    const saved = {
      lines: before.lines - after.lines,
      bytes: before.bytes - after.bytes,
      share: before.bytes ? (before.bytes - after.bytes) / before.bytes : 0,
    };
    const window = windowOf(sample, mined, body.window_seconds);
    const prices = await deps.prices(scope);
    const day = window ? 86_400 / window : null;
    const notes = [...applied.notes.filter((n) => !n.startsWith('No metrics pipeline')), ...run.notes];
    if (scale > 1)
      notes.push(
        `The collector ran ${indices.length.toLocaleString('en')} of the ${sample.lines.length.toLocaleString('en')} ` +
          'lines (an even spread); the figures are scaled to the whole sample',
      );
    if (unknown) notes.push(`${unknown} output records could not be traced to an input line`);
    if (!window)
      notes.push(
        'The sample’s period is unknown (no timestamps in its lines): give window_seconds to see the saving per day',
      );
    if (records.some((r) => r.text.includes('{')) && blocks.some((b) => b.type === 'logs.parse'))
      notes.push('Parsed attributes count in the bytes after: parsing alone adds bytes');
    return {
      before,
      after,
      saved,
      per_pattern: [...perPattern.entries()]
        .filter(([, f]) => f.before.lines !== f.after.lines || f.before.bytes !== f.after.bytes)
        .map(([pi, f]) => ({
          id: mined.patterns[pi]!.id,
          template: mined.patterns[pi]!.template,
          before: { lines: Math.round(f.before.lines * scale), bytes: Math.round(f.before.bytes * scale) },
          after: { lines: Math.round(f.after.lines * scale), bytes: Math.round(f.after.bytes * scale) },
        }))
        .sort((a, b) => b.before.bytes - b.after.bytes - (a.before.bytes - a.after.bytes)),
      metrics: outputMetrics(run.output),
      window_seconds: window,
      per_day: day
        ? {
            bytes_before: Math.round(before.bytes * day),
            bytes_after: Math.round(after.bytes * day),
            bytes_saved: Math.round(saved.bytes * day),
            lines_saved: Math.round(saved.lines * day),
            usd_saved: logCost(prices, { bytes: saved.bytes * day, events: saved.lines * day }),
          }
        : null,
      prices,
      price_sources: priceSources(prices),
      examples_after: records.slice(0, 8).map((r) => r.text.slice(0, 2000)),
      config_yaml: toYaml(deployable.config),
      components_yaml: toYaml(addedComponents(orgBase, deployable.config)),
      notes,
      duration_ms: Date.now() - started,
    };
  };
}
