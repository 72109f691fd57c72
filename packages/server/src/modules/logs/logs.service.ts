// The log studio: saved samples, mining a sample into patterns (with the regexes, parse rule and variable
// names each pattern needs to be acted on), the effective price model. Preview, suggestions and saving as
// a template live beside it (preview.ts, ai-assist.ts, save-template.ts).
import {
  parseHeader,
  patternMatchers,
  spanSeconds,
  suggestForPattern,
  type LogPattern as MinedPattern,
  type MineResult,
} from '@flowgate/analysis';
import {
  effectivePrices,
  LOG_SAMPLES_PER_ORG,
  priceSources,
  type CreateLogSampleBody,
  type MinePatternsBody,
  type PriceModel,
} from '@flowgate/config-model';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { OrgScope } from '../../platform/scope.ts';
import { audit } from '../audit/audit.store.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import * as store from './logs.store.ts';
import type { MiningQueue } from './mining.ts';
import type { ResolvedSample, Sources } from './sources.ts';

const iso = (d: Date) => d.toISOString();

/** The period between the first and last timestamps of a sample (its source's, else its lines' headers). */
export function sampleSpan(sample: ResolvedSample): number | undefined {
  if (sample.times?.some((t) => t !== undefined)) return spanSeconds(sample.times);
  const n = sample.lines.length;
  const ends = n > 2000 ? [...sample.lines.slice(0, 1000), ...sample.lines.slice(n - 1000)] : sample.lines;
  return spanSeconds(ends.map((l) => parseHeader(l).time));
}

export function sampleView(r: store.LogSampleRow) {
  return {
    id: r.id,
    name: r.name,
    source: r.source,
    format: r.format,
    lines: r.line_count,
    bytes: Number(r.bytes),
    window_seconds: r.window_seconds,
    created_at: iso(r.created_at),
  };
}

export function sampleNotes(s: ResolvedSample) {
  return {
    received_lines: s.received_lines,
    kept_lines: s.kept_lines,
    dropped_lines: s.dropped_lines,
    bytes: s.bytes,
    masked_values: s.masked_values,
    notes: s.notes,
  };
}

/** A mined pattern with what acting on it needs: selector regexes, a parse regex and names for its variables. */
export function patternView(p: MinedPattern) {
  const suggestion = suggestForPattern(p);
  return {
    ...p,
    severities: p.severities as Record<string, number>,
    variables: p.variables.map((v, i) => ({
      ...v,
      name: suggestion.variables[i]?.name ?? `var${i}`,
      shape: suggestion.variables[i]?.shape ?? 'text',
    })),
    match: patternMatchers(p),
    parse_regex: suggestion.parse.regex,
  };
}

/** The period a sample covers: given, stored, or from the earliest and latest timestamps in it. */
export function windowOf(sample: ResolvedSample, result: MineResult, given?: number): number | null {
  if (given) return given;
  if (sample.windowSeconds) return sample.windowSeconds;
  const times = sample.times?.length
    ? sample.times
    : result.patterns.flatMap((p) => [p.first_seen.time, p.last_seen.time]);
  return spanSeconds(times) ?? null;
}

export function createLogsService(deps: {
  db: Db;
  sources: Sources;
  mining: MiningQueue;
  settings: Pick<SettingsService, 'get'>;
}) {
  const { db, sources, mining } = deps;

  async function prices(scope: OrgScope): Promise<PriceModel> {
    return effectivePrices((await deps.settings.get(scope)).prices);
  }

  return {
    prices,
    async priceModel(scope: OrgScope) {
      const stored = (await deps.settings.get(scope)).prices;
      const prices = effectivePrices(stored);
      return { prices, custom: Boolean(stored), sources: priceSources(prices) };
    },

    async mine(scope: OrgScope, body: MinePatternsBody) {
      const started = Date.now();
      const sample = await sources.resolve(scope, body);
      const result = await mining.mine(sample, body.similarity !== undefined ? { similarity: body.similarity } : {});
      return {
        patterns: result.patterns.map(patternView),
        assignments: result.assignments,
        lines: result.lines,
        bytes: result.bytes,
        truncated_lines: result.truncated_lines,
        window_seconds: windowOf(sample, result, body.window_seconds),
        sample: sampleNotes(sample),
        sample_id: sample.sampleId,
        duration_ms: Date.now() - started,
      };
    },

    async createSample(scope: OrgScope, body: CreateLogSampleBody) {
      const sample = await sources.resolve(scope, body, { allowSaved: false });
      const window = body.window_seconds ?? sample.windowSeconds ?? sampleSpan(sample) ?? null;
      const name =
        body.name ??
        `${sample.source === 'content' ? 'Pasted sample' : sample.source} · ${new Date().toISOString().slice(0, 16)}`;
      const row = await db.tx(async (sql) => {
        const r = await store.insertSample(sql, scope, {
          name,
          source: sample.source,
          format: sample.format,
          lineCount: sample.kept_lines,
          bytes: sample.bytes,
          windowSeconds: window,
          content: {
            lines: sample.lines,
            ...(sample.severities ? { severities: sample.severities.map((s) => s ?? null) } : {}),
            ...(sample.times ? { times: sample.times.map((t) => t ?? null) } : {}),
          },
          notes: sample.notes,
        });
        const pruned = await store.pruneSamples(sql, scope, LOG_SAMPLES_PER_ORG);
        await audit(sql, scope, {
          action: 'log_sample.create',
          resourceType: 'log_sample',
          resourceId: r.id,
          after: { name, source: sample.source, lines: sample.kept_lines, bytes: sample.bytes, pruned: pruned.length },
        });
        return r;
      });
      return { ...sampleView(row), sample: sampleNotes(sample) };
    },

    async listSamples(scope: OrgScope) {
      return (await store.listSamples(db, scope)).map(sampleView);
    },

    async getSample(scope: OrgScope, id: string) {
      const row = await store.getSample(db, scope, id);
      if (!row) throw new AppError('LOG_SAMPLE_NOT_FOUND');
      return { ...sampleView(row), sample_lines: row.content.lines, notes: row.notes };
    },

    async deleteSample(scope: OrgScope, id: string) {
      await db.tx(async (sql) => {
        const row = await store.deleteSample(sql, scope, id);
        if (!row) throw new AppError('LOG_SAMPLE_NOT_FOUND');
        await audit(sql, scope, {
          action: 'log_sample.delete',
          resourceType: 'log_sample',
          resourceId: id,
          before: { name: row.name, lines: row.line_count },
        });
      });
    },
  };
}
export type LogsService = ReturnType<typeof createLogsService>;
